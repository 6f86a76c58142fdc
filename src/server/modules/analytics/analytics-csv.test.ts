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
import { csvCell } from './reviews-csv.js';

let t: TestApp;
let tenant: Tenant;
let alice: Staff;
const id: Record<string, string> = {};

/** An RFC 4180 reader, written here independently of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell || row.length) throw new Error('the last line has no CRLF');
  return rows;
}

/**
 * Europe/Paris; now 2025-05-31 12:00 local (CEST). Every comment is something a spreadsheet could
 * run or split: formulas, quotes, commas, line breaks.
 */
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-05-01T00:00:00Z'));
  tenant = await buildAccount(t, { projectKey: 'CSV' });
  await setTimezone(t, tenant, 'Europe/Paris');
  alice = await buildMember(t, tenant, { name: '@lice "the" Agent' });
  const ticket = await buildTicket(t, tenant, {
    subject: '=cmd|/c calc|!A1',
    requester: { name: '-Minus Person', email: 'minus@example.com' },
  });
  const answers = [
    ['equals', '=1+2', 1, alice, '2025-05-10T21:30:00Z'],
    ['plus', '+SUM(A1:A9)', 2, null, '2025-05-11T08:00:00Z'],
    ['minus', '-2+3', 3, alice, '2025-05-12T08:00:00Z'],
    ['at', '@SUM(1)', 4, null, '2025-05-13T08:00:00Z'],
    ['tab', '\t=1', 5, alice, '2025-05-14T08:00:00Z'],
    ['cr', '\r=1', 5, alice, '2025-05-15T08:00:00Z'],
    ['quotes', 'She said "fine", then left\nSecond line', 4, alice, '2025-05-16T08:00:00Z'],
    ['plain', null, 5, null, '2025-05-17T08:00:00Z'],
  ] as const;
  for (const [name, comment, rating, agent, at] of answers) {
    id[name] = await insertSurvey(t, tenant, {
      ticketId: ticket.id,
      agentId: agent?.userId ?? null,
      createdAt: at,
      submittedAt: at,
      rating,
      comment,
    });
  }
  t.clock.set(new Date('2025-05-31T10:00:00Z'));
});

const download = async (query: Query = {}, as: Staff = tenant.owner, projectId = tenant.projectId) => {
  const res = await t.app.inject({
    method: 'GET',
    url: csatUrl(projectId, 'reviews.csv', query),
    headers: as.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
const rowsOf = (body: string) => parseCsv(body.replace(/^\uFEFF/, ''));
const surveyIdColumn = 9;

describe('CSV export', () => {
  it('is a CSV attachment with a header row and one line per answer', async () => {
    const res = await download();
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="csat-reviews-2025-05-02-to-2025-05-31.csv"',
    );
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual([
      'Submitted at (Europe/Paris)',
      'Rating',
      'Comment',
      'Agent',
      'Ticket',
      'Subject',
      'Requester',
      'Requester email',
      'Channel',
      'Survey ID',
      'Reason',
      'Follow-up',
      'Followed up at (Europe/Paris)',
      'Followed up by',
      'Follow-up note',
    ]);
    expect(rows).toHaveLength(8);
    const equals = rows.find((r) => r[surveyIdColumn] === id.equals);
    // 21:30 UTC on the 10th is 23:30 on the 10th in Paris.
    expect(equals?.slice(0, 9)).toEqual([
      '2025-05-10 23:30:00',
      '1',
      "'=1+2",
      `'@lice "the" Agent`,
      'CSV-1',
      "'=cmd|/c calc|!A1",
      "'-Minus Person",
      'minus@example.com',
      'link',
    ]);
  });

  it('neutralises cells starting with =, +, -, @, tab or carriage return with a leading quote', async () => {
    const rows = rowsOf((await download()).body);
    const comment = (name: string) => rows.find((r) => r[surveyIdColumn] === id[name])?.[2];
    expect(comment('equals')).toBe("'=1+2");
    expect(comment('plus')).toBe("'+SUM(A1:A9)");
    expect(comment('minus')).toBe("'-2+3");
    expect(comment('at')).toBe("'@SUM(1)");
    expect(comment('tab')).toBe("'\t=1");
    expect(comment('cr')).toBe("'\r=1");
    expect(comment('plain')).toBe('');
  });

  it('quotes cells with quotes, commas and line breaks, doubling the quotes', async () => {
    const res = await download({ rating: '4', agentId: alice.userId });
    expect(res.body).toContain('"She said ""fine"", then left\nSecond line"');
    const [, ...rows] = rowsOf(res.body);
    expect(rows.map((r) => r[2])).toEqual(['She said "fine", then left\nSecond line']);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=a,"b"')).toBe(`"'=a,""b"""`);
  });

  it('has exactly the rows the review list shows for the same filters, across all its pages', async () => {
    const filters: Query[] = [
      {},
      { rating: '4,5' },
      { agentId: alice.userId, hasComment: true },
      { agentId: 'none' },
      { q: 'sum' },
      { from: '2025-05-11', to: '2025-05-13' },
      { channel: 'email' },
    ];
    for (const query of filters) {
      const listed = await getCsat<{ reviews: { surveyId: string }[] }>(
        t,
        tenant.owner,
        tenant.projectId,
        'reviews',
        { ...query, limit: 100 },
      );
      const [, ...rows] = rowsOf((await download({ ...query, limit: 2 })).body);
      expect(
        rows.map((r) => r[surveyIdColumn]),
        JSON.stringify(query),
      ).toEqual(listed.reviews.map((r) => r.surveyId));
    }
    const [, ...sums] = rowsOf((await download({ q: 'sum' })).body);
    expect(sums.map((r) => r[surveyIdColumn])).toEqual([id.at, id.plus]);
  });

  it('exports more rows than one read batch holds, each once', async () => {
    const big = await buildAccount(t, { projectKey: 'BIG' });
    const ticket = await buildTicket(t, big);
    await t.db.execute(sql`
      INSERT INTO csat_surveys (account_id, project_id, ticket_id, resolution, created_at, expires_at, submitted_at, rating, channel)
      SELECT ${big.accountId}, ${big.projectId}, ${ticket.id}, n, ts, ts + interval '7 days', ts, 1 + n % 5, 'link'
      FROM generate_series(1, 2345) AS n,
        LATERAL (SELECT timestamptz '2025-05-20 00:00:00+00' + (n % 7) * interval '1 second') AS at(ts)`);
    const [header, ...rows] = rowsOf((await download({}, big.owner, big.projectId)).body);
    expect(header?.[0]).toBe('Submitted at (UTC)');
    expect(rows).toHaveLength(2345);
    expect(new Set(rows.map((r) => r[surveyIdColumn])).size).toBe(2345);
  });
});
