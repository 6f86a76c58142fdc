import type { Database } from '../src/server/db/client.js';

export const AGENTS = 20;

/**
 * Seeds `surveys` surveys in one project: two resolutions per ticket, one customer per ten tickets,
 * 20 agents (5% of surveys credited to nobody). Surveys are created evenly over the 365 days before
 * `now`, in time order as production writes them; 70% are answered within three days (never after
 * `now`), a third of the answers with a comment. Everything is INSERT … SELECT in a few statements:
 * a million surveys take a minute on two cores. The daily roll-up is left empty: recount it after.
 */
export async function seedSurveys(
  db: Database,
  o: { projectId: string; accountId: string; surveys: number; now: Date },
) {
  const client = await db.$client.connect();
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  const ticketCount = Math.ceil(o.surveys / 2);
  const customers = Math.max(1, Math.ceil(ticketCount / 10));
  try {
    await q('SELECT setseed(0.42)');
    const role = await q(`SELECT id FROM roles WHERE project_id = $1 AND kind = 'staff'`, [o.projectId]);
    await q(
      `INSERT INTO users (account_id, email, name, password_hash, created_at)
       SELECT $1, 'agent-' || n || '@bench.test', 'Agent ' || n, 'not-a-hash', $2
       FROM generate_series(1, $3::int) n`,
      [o.accountId, o.now, AGENTS],
    );
    await q(
      `INSERT INTO project_members (account_id, project_id, user_id, role_id, created_at)
       SELECT $4, $1, id, $2, $3 FROM users WHERE email LIKE 'agent-%@bench.test'`,
      [o.projectId, role.rows[0]?.id, o.now, o.accountId],
    );
    await q(
      `INSERT INTO customers (account_id, email, name, created_at)
       SELECT $1, 'customer-' || n || '@example.com', 'Customer ' || n, $2
       FROM generate_series(1, $3::int) n`,
      [o.accountId, o.now, customers],
    );
    // With step = 365 days ÷ surveys, ticket n opens an hour before its first survey, created at
    // now − 365 days + (2n − 1) · step; its second survey follows one step later.
    await q(
      `WITH c AS (SELECT array_agg(id ORDER BY email) AS ids FROM customers WHERE account_id = $1)
       INSERT INTO tickets (account_id, project_id, number, subject, requester_id, status, resolution, created_at, updated_at)
       SELECT $1, $2, n,
         (ARRAY['Printer on fire', 'Invoice is wrong', 'Cannot sign in', 'Refund please', 'Slow dashboard'])[1 + n % 5]
           || ' #' || n,
         c.ids[1 + n % $3::int], 'closed', 2, at, at
       FROM c, generate_series(1, $4::int) n,
         LATERAL (SELECT $5::timestamptz - interval '365 days'
           + (2 * n - 1) * (interval '365 days' / ($4::int * 2)) - interval '1 hour' AS at) t`,
      [o.accountId, o.projectId, customers, ticketCount, o.now],
    );
    await q(`UPDATE projects SET ticket_counter = $2 WHERE id = $1`, [o.projectId, ticketCount]);
    // Row by row, the roll-up's triggers would cost more than the insert: they are off for it, and
    // the caller recounts the roll-up once (rebuildDailyCounts), as `clearline analytics rebuild` does.
    await q('ALTER TABLE csat_surveys DISABLE TRIGGER csat_daily_counts_follow_writes');
    await q(
      `WITH a AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE 'agent-%@bench.test')
       INSERT INTO csat_surveys (account_id, project_id, ticket_id, resolution, agent_id, created_at, expires_at,
         expired_at, submitted_at, rating, comment, channel)
       SELECT t.account_id, $1, t.id, r, CASE WHEN x.agent_roll < 0.05 THEN NULL ELSE a.ids[1 + (t.number * 7 + r) % $3::int] END,
         x.created, x.created + interval '7 days',
         CASE WHEN x.answered THEN NULL WHEN x.created + interval '7 days' <= $2 THEN x.created + interval '7 days' END,
         CASE WHEN x.answered THEN x.submitted END,
         CASE WHEN x.answered THEN x.rating END,
         CASE WHEN x.answered AND x.comment_roll < 0.35 THEN
           (ARRAY['Quick and friendly, thanks', 'The invoice is still wrong', 'Took far too long',
                  'Great support as always', 'Solved my problem', 'Nobody read my message'])[1 + (t.number + r) % 6]
         END,
         CASE WHEN x.answered THEN (ARRAY['link', 'email', 'portal', 'discord'])[1 + (t.number + r) % 4]::csat_channel END
       FROM a, tickets t, generate_series(1, 2) r,
         LATERAL (SELECT t.created_at + interval '1 hour' + (r - 1) * (interval '365 days' / $4::int) AS created,
                         random() AS answer_roll, random() AS rating_roll, random() AS agent_roll,
                         random() AS comment_roll, random() AS delay_roll) d,
         LATERAL (SELECT d.created,
           d.answer_roll < 0.7 AND d.created + d.delay_roll * interval '3 days' <= $2 AS answered,
           d.created + d.delay_roll * interval '3 days' AS submitted,
           CASE WHEN d.rating_roll < 0.05 THEN 1 WHEN d.rating_roll < 0.12 THEN 2 WHEN d.rating_roll < 0.25 THEN 3
                WHEN d.rating_roll < 0.55 THEN 4 ELSE 5 END AS rating,
           d.agent_roll, d.comment_roll) x
       WHERE t.project_id = $1 AND (r = 1 OR t.number * 2 <= $4::int)
       ORDER BY x.created`,
      [o.projectId, o.now, AGENTS, o.surveys],
    );
    await q('ALTER TABLE csat_surveys ENABLE TRIGGER csat_daily_counts_follow_writes');
  } finally {
    client.release();
  }
}
