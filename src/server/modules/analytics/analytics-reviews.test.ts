import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  csatUrl,
  getCsat,
  insertSurvey,
  type Query,
  setTimezone,
} from '../../../../tests/helpers/analytics.js';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';

interface Review {
  surveyId: string;
  rating: number;
  comment: string | null;
  agent: { id: string; name: string } | null;
  ticket: { id: string; reference: string; subject: string };
  requester: { name: string; email: string };
  submittedAt: string;
  channel: string;
}
type Page = { reviews: Review[]; nextCursor: string | null };

let t: TestApp;
let tenant: Tenant;
let alice: Staff;
let bob: Staff;
const id: Record<string, string> = {};
const tickets: Record<string, { id: string; reference: string }> = {};

/**
 * Asia/Tokyo (UTC+9). Now: 2025-09-30 21:00 local; preset 30d = local 09-01…09-30
 * = [08-31 15:00Z, 09-30 15:00Z). "late" (09-30 23:30 local) is in, "before" (08-31 23:59 local) out.
 */
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-08-01T00:00:00Z'));
  tenant = await buildAccount(t, { projectKey: 'ACME' });
  await setTimezone(t, tenant, 'Asia/Tokyo');
  alice = await buildMember(t, tenant, { name: 'Alice Agent' });
  bob = await buildMember(t, tenant, { name: 'Bob Agent' });
  const ticket = async (key: string, subject: string, name: string, email: string) => {
    tickets[key] = await buildTicket(t, tenant, { subject, requester: { name, email } });
  };
  await ticket('printer', 'Printer on fire', 'Zoe Zebra', 'zoe@example.com');
  await ticket('refund', 'Refund request', 'Yann Yak', 'yann@shop.test');
  await ticket('login', 'Login 100% broken', 'Xena Xylo', 'xena@example.com');
  const answers = [
    ['great', 'printer', alice, '2025-09-02T03:00:00Z', 5, 'Great help, thanks', 'link'],
    ['formula', 'refund', bob, '2025-09-03T03:00:00Z', 1, '=HYPERLINK("http://evil","click")', 'email'],
    ['silent', 'refund', alice, '2025-09-04T03:00:00Z', 2, null, 'portal'],
    ['plus', 'login', null, '2025-09-05T03:00:00Z', 4, '+1 would recommend', 'discord'],
    ['minus', 'printer', bob, '2025-09-06T03:00:00Z', 3, '-minus, @at\nsecond line, "quoted"', 'link'],
    ['late', 'refund', alice, '2025-09-30T14:30:00Z', 4, '\tTabbed start', 'link'],
    ['before', 'printer', alice, '2025-08-31T14:59:00Z', 5, 'Too early', 'link'],
  ] as const;
  for (const [name, key, agent, at, rating, comment, channel] of answers) {
    id[name] = await insertSurvey(t, tenant, {
      ticketId: tickets[key]?.id as string,
      agentId: agent?.userId ?? null,
      createdAt: at,
      submittedAt: at,
      rating,
      comment,
      channel,
    });
  }
  await insertSurvey(t, tenant, { ticketId: tickets.login?.id as string, createdAt: '2025-09-20T00:00:00Z' });
  t.clock.set(new Date('2025-09-30T12:00:00Z'));
});

const list = (query: Query = {}) => getCsat<Page>(t, tenant.owner, tenant.projectId, 'reviews', query);
const names = async (query: Query = {}) => {
  const ids = (await list({ limit: 100, ...query })).reviews.map((r) => r.surveyId);
  return ids.map((x) => Object.keys(id).find((k) => id[k] === x));
};

describe('the review list', () => {
  it('has every answer of the period, newest first, with agent, ticket, requester, date and channel', async () => {
    const page = await list();
    expect(page.reviews.map((r) => r.surveyId)).toEqual(
      ['late', 'minus', 'plus', 'silent', 'formula', 'great'].map((k) => id[k]),
    );
    expect(page.nextCursor).toBeNull();
    expect(page.reviews[0]).toEqual({
      surveyId: id.late,
      rating: 4,
      comment: '\tTabbed start',
      agent: { id: alice.userId, name: 'Alice Agent' },
      ticket: {
        id: tickets.refund?.id,
        reference: tickets.refund?.reference,
        subject: 'Refund request',
        deleted: false,
      },
      requester: { name: 'Yann Yak', email: 'yann@shop.test' },
      submittedAt: '2025-09-30T14:30:00.000Z',
      channel: 'link',
      reason: null,
      followUp: null,
    });
    expect(tickets.refund?.reference).toBe('ACME-2');
    expect(page.reviews.find((r) => r.surveyId === id.plus)?.agent).toBeNull();
  });

  it.each<[Query, string[]]>([
    [{ rating: '1,2' }, ['silent', 'formula']],
    [{ rating: '5' }, ['great']],
    [{ hasComment: true }, ['late', 'minus', 'plus', 'formula', 'great']],
    [{ hasComment: false }, ['silent']],
    [{ channel: 'link' }, ['late', 'minus', 'great']],
    [{ agentId: 'ALICE' }, ['late', 'silent', 'great']],
    [{ agentId: 'none' }, ['plus']],
    [{ agentId: 'ALICE', rating: '2,4,5', hasComment: true }, ['late', 'great']],
    [{ from: '2025-08-31', to: '2025-09-03' }, ['formula', 'great', 'before']],
  ])('filters by %j', async (query, expected) => {
    const resolved = { ...query, ...(query.agentId === 'ALICE' && { agentId: alice.userId }) };
    expect(await names(resolved)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['recommend', ['plus']],
    ['PRINTER', ['minus', 'great']],
    ['zebra', ['minus', 'great']],
    ['SHOP.test', ['late', 'silent', 'formula']],
    ['100%', ['plus']],
    ['_', []],
    ['"quoted"', ['minus']],
  ])(
    'searches comment, subject and requester name/email for %j, case-insensitively and literally',
    async (q, expected) => {
      expect(await names({ q })).toEqual(expected);
    },
  );
});

describe('cursor pagination', () => {
  it('walks every answer exactly once, ties on the same instant included, down to the microsecond', async () => {
    const other = await buildAccount(t, { projectKey: 'TIE' });
    const ticket = await buildTicket(t, other);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await insertSurvey(t, other, {
          ticketId: ticket.id,
          createdAt: '2025-09-10T00:00:00Z',
          submittedAt: '2025-09-10T00:00:00Z',
        }),
      );
    }
    // Three of them a few microseconds apart: a cursor rounded to milliseconds would skip or repeat them.
    const micro = [
      '2025-09-10 00:00:00.000900+00',
      '2025-09-10 00:00:00.000300+00',
      '2025-09-10 00:00:00.000600+00',
    ];
    for (const [i, at] of micro.entries())
      await t.db.execute(
        sql`UPDATE csat_surveys SET submitted_at = ${at}::timestamptz WHERE id = ${made[i]}`,
      );
    const expected = [made[0], made[2], made[1], ...made.slice(3).sort().reverse()];

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: Page = await getCsat<Page>(t, other.owner, other.projectId, 'reviews', {
        limit: 2,
        cursor,
      });
      expect(page.reviews.length).toBeLessThanOrEqual(2);
      seen.push(...page.reviews.map((r) => r.surveyId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected);
  });

  it('keeps the filters across pages', async () => {
    const first = await list({ limit: 1, agentId: alice.userId });
    expect(first.reviews.map((r) => r.surveyId)).toEqual([id.late]);
    const second = await list({ limit: 2, agentId: alice.userId, cursor: first.nextCursor ?? '' });
    expect(second.reviews.map((r) => r.surveyId)).toEqual([id.silent, id.great]);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    [{ limit: 101 }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ rating: '6' }, 'rating'],
    [{ hasComment: 'yes' }, 'hasComment'],
  ])('refuses %j', async (query, field) => {
    const res = await t.app.inject({
      method: 'GET',
      url: csatUrl(tenant.projectId, 'reviews', query),
      headers: tenant.owner.headers,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.stringify(res.json().error)).toContain(field);
  });
});
