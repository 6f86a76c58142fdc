/**
 * The "floor" of bench/http-load.ts: a bare Fastify + `pg` server on Clearline's own database that
 * sends, for each benchmarked path, the same SQL statements Clearline sends (copied from
 * PostgreSQL's statement log, in the same order, with the same transactions), and answers with a
 * plain string. What Clearline spends beyond it is the cost of its own code: routing, validation,
 * the query builder, rendering, rate limiting, security headers. When the app's queries change,
 * `npx tsx bench/http-load.ts --print-sql` prints what it sends now: copy it here.
 *
 * Not part of the app: run by the benchmark as `node --import tsx bench/floor-server.ts` with
 * FLOOR_PORT and the database's PG* variables (PGHOST, PGPORT, PGUSER, PGDATABASE) in its environment.
 */
import { createHash, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { LinkTokens } from '../src/server/lib/link-tokens.js';

// The same pool size as Clearline's (src/server/db/client.ts).
const pool = new pg.Pool({ max: 10 });
pool.on('error', () => {});
// Never started: only its send builds the job insert (the same statement and values as Clearline's).
const boss = new PgBoss({ db: { executeSql: (text, values) => pool.query(text, values) } });
// Only parseId is used: it reads the id out of a link token, as Clearline does before its look-up.
const links = new LinkTokens('floor: the token is not verified, only parsed');

const PORTAL_TICKET = `select "tickets"."id", "tickets"."account_id", "tickets"."project_id", "tickets"."number", "tickets"."subject", "tickets"."requester_id", "tickets"."priority", "tickets"."status", "tickets"."assignee_id", "tickets"."closes_at", "tickets"."deleted_at", "tickets"."deleted_by", "tickets"."resolution", "tickets"."tags", "tickets"."portal_token_version", "tickets"."created_at", "tickets"."updated_at", "projects"."key", "customers"."name", "accounts"."id", "accounts"."name", "accounts"."logo" IS NOT NULL, coalesce((SELECT max("messages"."created_at") FROM "messages"
	  WHERE "messages"."ticket_id" = "tickets"."id" AND "messages"."kind" IN ('public', 'system')), "tickets"."created_at"), EXISTS (SELECT 1 FROM "requester_notifications"
	        WHERE "requester_notifications"."ticket_id" = "tickets"."id"
	          AND "requester_notifications"."customer_id" = "tickets"."requester_id"
	          AND "requester_notifications"."kind" = 'reply' AND "requester_notifications"."read_at" IS NULL) from "tickets" inner join "projects" on "projects"."id" = "tickets"."project_id" inner join "accounts" on "accounts"."id" = "projects"."account_id" inner join "customers" on "customers"."id" = "tickets"."requester_id" where ("tickets"."id" = $1 and "tickets"."deleted_at" is null)`;
const MARK_REPLIES_READ = `update "requester_notifications" set "read_at" = $1 where ("requester_notifications"."ticket_id" = $2 and "requester_notifications"."customer_id" = $3 and "requester_notifications"."kind" = $4 and "requester_notifications"."read_at" is null)`;
const PUBLIC_MESSAGES = `select "messages"."id", "messages"."kind", "messages"."body", "messages"."body_html", "messages"."system_event", "messages"."created_at", "messages"."edited_at", "messages"."author_user_id", "authors"."name", "messages"."author_customer_id", "customers"."name" from "messages" left join "users" "authors" on "authors"."id" = "messages"."author_user_id" left join "customers" on "customers"."id" = "messages"."author_customer_id" where ("messages"."ticket_id" = $1 and "messages"."kind" IN ($2, $3)) order by "messages"."seq" asc`;
const MESSAGE_ATTACHMENTS = `select "id", "account_id", "ticket_id", "message_id", "seq", "filename", "content_type", "size", "content_id", "on_disk", "created_at" from "attachments" where "attachments"."message_id" = ANY($1::uuid[]) order by "attachments"."message_id" asc, "attachments"."seq" asc`;
const DISCORD_HAS_APP = `select "account_id" from "discord_apps" where "discord_apps"."account_id" = $1`;
const PENDING_SURVEY = `select "id", "account_id", "project_id", "ticket_id", "ticket_reference", "resolution", "agent_id", "token_version", "created_at", "expires_at", "expired_at", "submitted_at", "rating", "comment", "channel" from "csat_surveys" where ("csat_surveys"."ticket_id" = $1 and "csat_surveys"."submitted_at" is null and "csat_surveys"."expires_at" > $2) order by "csat_surveys"."resolution" desc limit $3`;

const TOKEN_USER = `select "users"."id", "users"."account_id", "api_tokens"."id", "api_tokens"."last_used_at" from "api_tokens" inner join "users" on "users"."id" = "api_tokens"."user_id" where ("api_tokens"."token_hash" = $1 and "api_tokens"."revoked_at" is null)`;
const TOKEN_TOUCH = `update "api_tokens" set "last_used_at" = $1 where ("api_tokens"."id" = $2 and ("api_tokens"."last_used_at" is null or "api_tokens"."last_used_at" < $3))`;
const MEMBER_ROLE = `select "roles"."id", "roles"."kind", "roles"."permissions" from "project_members" inner join "roles" on "roles"."id" = "project_members"."role_id" inner join "projects" on "projects"."id" = "project_members"."project_id" where ("project_members"."user_id" = $1 and "project_members"."project_id" = $2 and "projects"."account_id" = $3)`;
const UPSERT_CUSTOMER = `
	    INSERT INTO "customers" (account_id, email, name, created_at)
	    VALUES ($1, $2, $3, $4)
	    ON CONFLICT (account_id, lower(email)) DO UPDATE SET email = "customers"."email"
	    RETURNING id`;
const INSERT_NUMBERED_TICKET = `with "next_ticket_number" as (update "projects" set "ticket_counter" = "projects"."ticket_counter" + 1 where "projects"."id" = $1 returning "ticket_counter"), "first_message" as (insert into "messages" ("id", "account_id", "seq", "ticket_id", "kind", "author_user_id", "author_customer_id", "body", "body_html", "created_at", "edited_at") values (default, $2, default, $3, $4, default, $5, $6, $7, $8, default)), "created_event" as (insert into "audit_events" ("id", "account_id", "project_id", "ticket_id", "actor_user_id", "type", "data", "created_at") values (default, $9, $10, $11, $12, $13, jsonb_build_object('number', (SELECT "next_ticket_number"."ticket_counter" FROM "next_ticket_number")), $14)) insert into "tickets" ("id", "account_id", "project_id", "number", "subject", "requester_id", "priority", "status", "assignee_id", "closes_at", "deleted_at", "deleted_by", "resolution", "tags", "portal_token_version", "created_at", "updated_at") values ($15, $16, $17, (SELECT "next_ticket_number"."ticket_counter" FROM "next_ticket_number"), $18, $19, $20, default, $21, default, default, default, default, $22, default, $23, $24) returning "id", "account_id", "project_id", "number", "subject", "requester_id", "priority", "status", "assignee_id", "closes_at", "deleted_at", "deleted_by", "resolution", "tags", "portal_token_version", "created_at", "updated_at"`;
const WEBHOOK_ENDPOINTS = `select "id", "account_id", "url", "events", "include_internal_notes", "secret_sealed", "created_at", "failing_since", "disabled_at" from "webhook_endpoints" where ("webhook_endpoints"."account_id" = $1 and "webhook_endpoints"."disabled_at" is null and "webhook_endpoints"."events" @> $2)`;
const INBOUND_SETTINGS = `select "project_id", "account_id", "address", "new_tickets_per_sender_hour", "acknowledge", "acknowledgement_text", "updated_at" from "inbound_settings" where "inbound_settings"."project_id" = $1`;
const INSERT_DELIVERY = `insert into "deliveries" ("id", "account_id", "project_id", "ticket_id", "channel", "kind", "cause_key", "cause", "recipient", "status", "attempts", "next_attempt_at", "lease_until", "claimed_by", "last_error", "external_id", "created_at", "sent_at") values (default, $1, $2, $3, $4, $5, $6, $7, $8, default, default, $9, default, default, default, default, $10, default) on conflict ("channel","cause_key") do nothing returning "id"`;
const TICKET_DETAILS = `select "tickets"."id", "tickets"."account_id", "tickets"."project_id", "tickets"."number", "tickets"."subject", "tickets"."requester_id", "tickets"."priority", "tickets"."status", "tickets"."assignee_id", "tickets"."closes_at", "tickets"."deleted_at", "tickets"."deleted_by", "tickets"."resolution", "tickets"."tags", "tickets"."portal_token_version", "tickets"."created_at", "tickets"."updated_at", "projects"."key", "customers"."id", "customers"."account_id", "customers"."email", "customers"."name", "customers"."language", "assignees"."name" from "tickets" inner join "projects" on "projects"."id" = "tickets"."project_id" inner join "customers" on "customers"."id" = "tickets"."requester_id" left join "users" "assignees" on "assignees"."id" = "tickets"."assignee_id" where "tickets"."id" = $1`;

const SURVEY_PAGE = `select "csat_surveys"."id", "csat_surveys"."account_id", "csat_surveys"."project_id", "csat_surveys"."ticket_id", "csat_surveys"."ticket_reference", "csat_surveys"."resolution", "csat_surveys"."agent_id", "csat_surveys"."token_version", "csat_surveys"."created_at", "csat_surveys"."expires_at", "csat_surveys"."expired_at", "csat_surveys"."submitted_at", "csat_surveys"."rating", "csat_surveys"."comment", "csat_surveys"."reason", "csat_surveys"."channel", "tickets"."subject", "tickets"."number", "tickets"."id", "tickets"."portal_token_version", "projects"."key", "accounts"."id", "accounts"."name", "accounts"."logo" IS NOT NULL, "accounts"."timezone", "accounts"."default_language", "customers"."id", "customers"."language" from "csat_surveys" inner join "tickets" on "tickets"."id" = "csat_surveys"."ticket_id" inner join "customers" on "customers"."id" = "tickets"."requester_id" inner join "projects" on "projects"."id" = "csat_surveys"."project_id" inner join "accounts" on "accounts"."id" = "projects"."account_id" where "csat_surveys"."id" = $1`;
const SURVEY_SETTINGS = `select "csat_settings"."account_id", "csat_settings"."project_id", "csat_settings"."enabled", "csat_settings"."expiry_days", "csat_settings"."invitation_text", "csat_settings"."low_score_threshold", "csat_settings"."low_score_reasons", "csat_settings"."updated_at" from "csat_surveys" inner join "csat_settings" on "csat_settings"."project_id" = "csat_surveys"."project_id" where "csat_surveys"."id" = $1`;
const USE_CAPTCHA = `insert into "captcha_uses" ("challenge", "expires_at") values ($1, $2) on conflict do nothing returning "challenge"`;
const SUBMIT_SURVEY = `update "csat_surveys" set "submitted_at" = $1, "rating" = $2, "comment" = $3, "reason" = $4, "channel" = $5 where ("csat_surveys"."id" = $6 and "csat_surveys"."submitted_at" is null and "csat_surveys"."expires_at" > $7) returning "id", "account_id", "project_id", "ticket_id", "ticket_reference", "resolution", "agent_id", "token_version", "created_at", "expires_at", "expired_at", "submitted_at", "rating", "comment", "reason", "channel"`;
const SURVEY_DM = `select "id", "account_id", "project_id", "ticket_id", "channel", "kind", "cause_key", "cause", "recipient", "status", "attempts", "next_attempt_at", "lease_until", "claimed_by", "last_error", "external_id", "created_at", "sent_at" from "deliveries" where ("deliveries"."channel" = $1 and "deliveries"."cause_key" in ($2))`;
const DELETE_SURVEY_BELLS = `delete from "requester_notifications" where "requester_notifications"."survey_id" in ($1)`;
const INSERT_CSAT_EVENT = `insert into "csat_events" ("id", "account_id", "survey_id", "project_id", "ticket_id", "type", "channel", "created_at") values (default, $1, $2, $3, $4, $5, $6, $7)`;

type Row = unknown[];
type Queryable = pg.Pool | pg.PoolClient;
/** Rows as arrays, as Drizzle asks for them: joined tables repeat column names (id, name). */
const rows = async (db: Queryable, text: string, values: unknown[], name?: string) =>
  (await db.query<Row>({ text, values, rowMode: 'array', ...(name && { name }) })).rows;

/** BEGIN … COMMIT on one connection, like src/server/db/client.ts's inTransaction. */
async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const app = Fastify();
app.setErrorHandler((err, _request, reply) => {
  console.error(err);
  return reply.status(500).send('error');
});

app.get<{ Params: { token: string } }>('/p/:token', async (request, reply) => {
  const id = links.parseId(request.params.token);
  // Named like Clearline's prepared statements: parsed once per connection.
  const [ticket] = await rows(pool, PORTAL_TICKET, [id], 'portal_ticket');
  if (!ticket) return reply.status(404).send('not found');
  const [ticketId, accountId, , , subject, requesterId] = ticket;
  const now = new Date();
  if (ticket.at(-1)) {
    await inTransaction((client) => client.query(MARK_REPLIES_READ, [now, ticketId, requesterId, 'reply']));
  }
  const messages = await rows(
    pool,
    PUBLIC_MESSAGES,
    [ticketId, 'public', 'system'],
    'ticket_thread_public_system',
  );
  await rows(pool, PENDING_SURVEY, [ticketId, now, 1], 'pending_survey_of_ticket');
  await rows(pool, MESSAGE_ATTACHMENTS, [messages.map((m) => m[0])], 'attachments_of_messages');
  await rows(pool, DISCORD_HAS_APP, [accountId], 'discord_has_app');
  return reply.type('text/plain').send(`${subject}\n${messages.map((m) => m[2]).join('\n')}`);
});

interface CreateBody {
  subject: string;
  body: string;
  requester: { email: string; name: string };
}

app.post<{ Params: { projectId: string }; Body: CreateBody }>(
  '/api/v1/projects/:projectId/tickets',
  async (request, reply) => {
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    const [user] = await rows(
      pool,
      TOKEN_USER,
      [createHash('sha256').update(token).digest('hex')],
      'user_by_api_token',
    );
    if (!user) return reply.status(401).send('unauthenticated');
    const [userId, accountId, tokenId, lastUsedAt] = user as [string, string, string, Date | null];
    const now = new Date();
    const aMinuteAgo = new Date(now.getTime() - 60_000);
    if (!lastUsedAt || lastUsedAt < aMinuteAgo) await pool.query(TOKEN_TOUCH, [now, tokenId, aMinuteAgo]);
    const { projectId } = request.params;
    const { subject, body, requester } = request.body;
    const ticketId = await inTransaction(async (client) => {
      await rows(client, MEMBER_ROLE, [userId, projectId, accountId], 'project_membership');
      const [[customerId] = []] = await rows(client, UPSERT_CUSTOMER, [
        accountId,
        requester.email,
        requester.name,
        now,
      ]);
      const id = randomUUID();
      const ticket = [
        projectId,
        accountId,
        id,
        'public',
        customerId,
        body,
        `<p>${body}</p>\n`,
        now,
        accountId,
        projectId,
        id,
        userId,
        'ticket.created',
        now,
        id,
        accountId,
        projectId,
        subject,
        customerId,
        'normal',
        null,
        [],
        now,
        now,
      ];
      await rows(client, INSERT_NUMBERED_TICKET, ticket, 'insert_numbered_ticket');
      // The acknowledgement (the bench's project has it on): its delivery and that delivery's send job.
      await rows(client, INBOUND_SETTINGS, [projectId], 'inbound_settings');
      await rows(client, TICKET_DETAILS, [id], 'ticket_details');
      const [[deliveryId] = []] = await rows(
        client,
        INSERT_DELIVERY,
        [
          accountId,
          projectId,
          id,
          'mail',
          'acknowledgement',
          `acknowledgement:${id}`,
          JSON.stringify({ ticketId: id }),
          requester.email,
          now,
          now,
        ],
        'insert_delivery_once',
      );
      await boss.send(
        'delivery.send',
        { deliveryId, attempt: 1 },
        { db: { executeSql: (text, values) => client.query({ name: 'pgboss_insert_job', text, values }) } },
      );
      await rows(client, WEBHOOK_ENDPOINTS, [accountId, ['ticket.created']], 'subscribed_webhook_endpoints');
      return id;
    });
    const [details = []] = await rows(pool, TICKET_DETAILS, [ticketId], 'ticket_details');
    return reply.status(201).type('text/plain').send(`${details[0]} ${details[3]}`);
  },
);

interface SurveyBody {
  rating: number;
  altcha: string;
}

app.post<{ Params: { token: string }; Body: SurveyBody }>(
  '/api/v1/surveys/:token',
  async (request, reply) => {
    const id = links.parseId(request.params.token);
    const [survey] = await rows(pool, SURVEY_PAGE, [id], 'survey_page');
    if (!survey) return reply.status(404).send('not found');
    // The floor trusts the captcha: it only spends it, with the write Clearline makes.
    const { challenge } = JSON.parse(Buffer.from(request.body.altcha, 'base64').toString('utf8'));
    const now = new Date();
    const submitted = await inTransaction(async (client) => {
      const expiresAt = new Date(challenge.parameters.expiresAt * 1000);
      const used = await rows(
        client,
        USE_CAPTCHA,
        [challenge.parameters.nonce, expiresAt],
        'insert_captcha_use',
      );
      if (!used.length) return null;
      await rows(client, SURVEY_SETTINGS, [id], 'csat_settings_of_survey');
      const [row] = await rows(
        client,
        SUBMIT_SURVEY,
        [now, request.body.rating, null, null, 'link', id, now],
        'submit_survey_answer',
      );
      if (!row) return null;
      const [surveyId, accountId, projectId, ticketId] = row;
      await rows(client, SURVEY_DM, ['discord', `discord:survey_invitation:${surveyId}`]);
      await client.query(DELETE_SURVEY_BELLS, [surveyId]);
      await rows(
        client,
        WEBHOOK_ENDPOINTS,
        [accountId, ['csat.survey_answered']],
        'subscribed_webhook_endpoints',
      );
      await rows(
        client,
        INSERT_CSAT_EVENT,
        [accountId, surveyId, projectId, ticketId, 'submitted', 'link', now],
        'insert_csat_submitted_event',
      );
      return row;
    });
    if (!submitted) return reply.status(409).send('refused');
    return reply.type('text/plain').send(`submitted ${submitted[12]}`);
  },
);

await app.listen({ port: Number(process.env.FLOOR_PORT ?? 0), host: '127.0.0.1' });
console.log(`floor ready on ${app.listeningOrigin}`);
