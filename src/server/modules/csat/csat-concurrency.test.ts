import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { isActiveStatus, isEligibleStatus, type TicketStatus } from '../../../shared/tickets.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import {
  auditEvents,
  csatEvents,
  csatSurveys,
  requesterNotifications,
  tickets,
} from '../../db/schema/index.js';
import { AppError } from '../../lib/errors.js';
import { createCaptchaChallenge } from '../spam/index.js';
import { onTicketStatusChanged, submitSurvey, surveyPath } from './index.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  // 50 answers to one link at once is a race, not a flood: the per-link form limit must not decide it.
  t = await createTestApp({ rateLimitPublicPerMinute: 600 });
  tenant = await buildAccount(t);
});

const patch = (ticketId: string, status: string) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload: { status },
  });

const surveysOf = (ticketId: string) =>
  t.db
    .select()
    .from(csatSurveys)
    .where(eq(csatSurveys.ticketId, ticketId))
    .orderBy(asc(csatSurveys.resolution));
const eventsOf = (ticketId: string) =>
  t.db.select().from(csatEvents).where(eq(csatEvents.ticketId, ticketId)).orderBy(asc(csatEvents.id));

/** The ticket's status changes in the order they committed (each one waits for the ticket's row lock). */
async function statusHistory(ticketId: string) {
  const rows = await t.db
    .select({ data: auditEvents.data })
    .from(auditEvents)
    .where(eq(auditEvents.ticketId, ticketId))
    .orderBy(asc(auditEvents.id));
  return rows
    .map((r) => r.data as { from?: TicketStatus; to?: TicketStatus; resolution?: number })
    .filter((d): d is { from: TicketStatus; to: TicketStatus; resolution: number } => d.from !== undefined);
}

describe('one survey per resolution, under concurrent requests (rule 2)', () => {
  it('20 concurrent status changes of one ticket make exactly one survey per resolution the history shows', async () => {
    const statuses = ['resolved', 'closed', 'open', 'pending_closure'];
    for (let round = 0; round < 5; round++) {
      const ticket = await buildTicket(t, tenant);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => patch(ticket.id, statuses[(i + round) % 4] ?? 'open')),
      );
      for (const res of responses) {
        if (res.statusCode !== 200) expect(res.json().error.code, res.body).toBe('INVALID_TRANSITION');
      }

      // Replays the committed history: each change starts where the previous one ended, and every
      // entry into an eligible status from an active one opens the next resolution.
      const history = await statusHistory(ticket.id);
      expect(history).toHaveLength(responses.filter((r) => r.statusCode === 200).length);
      let status: TicketStatus = 'open';
      let resolution = 0;
      let reopenings = 0;
      for (const change of history) {
        expect(change.from).toBe(status);
        if (isActiveStatus(change.from) && isEligibleStatus(change.to)) resolution++;
        if (isEligibleStatus(change.from) && isActiveStatus(change.to)) reopenings++;
        expect(change.resolution).toBe(resolution);
        status = change.to;
      }
      expect(resolution, 'the race produced no resolution at all').toBeGreaterThan(0);
      const [row] = await t.db.select().from(tickets).where(eq(tickets.id, ticket.id));
      expect(row).toMatchObject({ status, resolution });

      const events = await eventsOf(ticket.id);
      const created = events.filter((e) => e.type === 'created');
      expect(created).toHaveLength(resolution);
      expect(new Set(created.map((e) => e.surveyId)).size).toBe(resolution);
      expect(events.filter((e) => e.type === 'withdrawn')).toHaveLength(reopenings);
      const surveys = await surveysOf(ticket.id);
      expect(surveys.map((s) => s.resolution)).toEqual(isEligibleStatus(status) ? [resolution] : []);
    }
  });

  it('the same resolution delivered to the subscriber 10 times at once makes one survey, one invitation', async () => {
    const ticket = await buildTicket(t, tenant);
    const event = {
      ticketId: ticket.id,
      projectId: tenant.projectId,
      accountId: tenant.accountId,
      from: 'open',
      to: 'resolved',
      resolution: 1,
      actor: { type: 'system' as const },
      at: t.clock.now(),
    };
    await Promise.all(
      Array.from({ length: 10 }, () =>
        inTransaction(t.db, (tx) => onTicketStatusChanged(scopeOf(t.ctx, tx), event)),
      ),
    );
    const [survey, ...others] = await surveysOf(ticket.id);
    expect(others).toEqual([]);
    expect((await eventsOf(ticket.id)).map((e) => [e.surveyId, e.type])).toEqual([
      [survey?.id, 'created'],
      [survey?.id, 'invitation_sent'],
    ]);
    const bell = await t.db
      .select()
      .from(requesterNotifications)
      .where(eq(requesterNotifications.ticketId, ticket.id));
    expect(bell).toHaveLength(1);
  });

  it('the database itself refuses a second survey for the same ticket and resolution', async () => {
    const ticket = await buildTicket(t, tenant);
    expect((await patch(ticket.id, 'resolved')).statusCode).toBe(200);
    const insert = `INSERT INTO csat_surveys (account_id, project_id, ticket_id, resolution, created_at, expires_at)
                    VALUES ($1, $2, $3, $4, now(), now() + interval '7 days')`;
    const values = (resolution: number) => [tenant.accountId, tenant.projectId, ticket.id, resolution];
    await expect(t.db.$client.query(insert, values(1))).rejects.toMatchObject({
      code: '23505',
      constraint: 'csat_surveys_one_per_resolution',
    });
    await t.db.$client.query(insert, values(2));
    expect((await surveysOf(ticket.id)).map((s) => s.resolution)).toEqual([1, 2]);
  });
});

describe('one answer per survey, under concurrent submissions', () => {
  async function resolvedSurvey() {
    const ticket = await buildTicket(t, tenant);
    expect((await patch(ticket.id, 'resolved')).statusCode).toBe(200);
    const [survey] = await surveysOf(ticket.id);
    if (!survey) throw new Error('no survey');
    return survey;
  }

  async function assertAnsweredOnce(surveyId: string, comment: string) {
    const [survey] = await t.db.select().from(csatSurveys).where(eq(csatSurveys.id, surveyId));
    expect(survey?.comment).toBe(comment);
    const events = await t.db.select().from(csatEvents).where(eq(csatEvents.surveyId, surveyId));
    expect(events.filter((e) => e.type === 'submitted')).toHaveLength(1);
    expect(
      await t.db.select().from(requesterNotifications).where(eq(requesterNotifications.surveyId, surveyId)),
    ).toEqual([]);
  }

  it('50 submissions of one survey in 50 transactions at once: exactly one wins, 49 get ALREADY_SUBMITTED', async () => {
    const survey = await resolvedSurvey();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        inTransaction(t.db, (tx) =>
          submitSurvey(scopeOf(t.ctx, tx), survey.id, {
            rating: (i % 5) + 1,
            comment: `answer ${i}`,
            channel: 'link',
          }),
        ).then(
          () => `won ${i}`,
          (err) => (err instanceof AppError ? err.code : Promise.reject(err)),
        ),
      ),
    );
    const winners = outcomes.filter((o) => o.startsWith('won'));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ALREADY_SUBMITTED')).toHaveLength(49);
    await assertAnsweredOnce(survey.id, `answer ${winners[0]?.slice(4)}`);
  });

  it('50 POSTs of one survey link at once, each with its own solved captcha: one 200, 49 × 409 ALREADY_SUBMITTED', async () => {
    const survey = await resolvedSurvey();
    const token = surveyPath(t.ctx.links, survey).replace('/s/', '');
    // What the widget does for each visitor: fetch a challenge, solve it, send base64 of both.
    const captchas = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const challenge = await createCaptchaChallenge(t.db, t.clock, t.ctx.config);
        const solution = await solveChallenge({ challenge, deriveKey });
        if (!solution) throw new Error('captcha not solved');
        return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
      }),
    );
    const responses = await Promise.all(
      captchas.map((altcha, i) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/surveys/${token}`,
          remoteAddress: `10.1.0.${i + 1}`,
          payload: { rating: (i % 5) + 1, comment: `answer ${i}`, altcha },
        }),
      ),
    );
    const won = responses.flatMap((res, i) => (res.statusCode === 200 ? [i] : []));
    expect(won, responses[0]?.body).toHaveLength(1);
    for (const res of responses.filter((r) => r.statusCode !== 200)) {
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('ALREADY_SUBMITTED');
    }
    await assertAnsweredOnce(survey.id, `answer ${won[0]}`);
  });
});
