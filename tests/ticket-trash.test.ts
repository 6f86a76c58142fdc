import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { scopeOf } from '../src/server/app-context.js';
import { inTransaction } from '../src/server/db/client.js';
import { submitSurvey } from '../src/server/modules/csat/index.js';
import { portalPath, purgeTrashJob } from '../src/server/modules/tickets/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Staff, type Tenant } from './helpers/factories.js';
import { expectError } from './helpers/permissions.js';

const DAY = 86_400_000;
let t: TestApp;
let tenant: Tenant;
let agent: Staff;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t, { projectKey: 'ACME' });
  agent = await buildMember(t, tenant, { name: 'Ada Agent' });
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: tenant.owner.headers, ...(payload && { payload }) });

/** A ticket resolved by the owner, assigned to Ada, whose survey the requester answered with a 1. */
async function answeredTicket() {
  const ticket = await buildTicket(t, tenant, { assigneeId: agent.userId, subject: 'Angry customer' });
  await call('PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
  const [survey] = (await call('GET', `/api/v1/tickets/${ticket.id}/surveys`)).json().surveys;
  await inTransaction(t.db, (tx) =>
    submitSurvey(scopeOf(t.ctx, tx), survey.id, { rating: 1, comment: 'Terrible', channel: 'link' }),
  );
  return { ...ticket, surveyId: survey.id as string };
}

const overview = async () =>
  (await call('GET', `/api/v1/projects/${tenant.projectId}/csat/overview?period=7d`)).json().current;
const reviews = async () =>
  (await call('GET', `/api/v1/projects/${tenant.projectId}/csat/reviews?period=7d`)).json().reviews as {
    surveyId: string;
    rating: number;
    ticket: { id: string | null; reference: string; deleted: boolean };
  }[];
const audits = async (type: string) =>
  (
    await t.db.execute<{ actor_user_id: string | null; data: object }>(
      sql`SELECT actor_user_id, data FROM audit_events WHERE type = ${type} ORDER BY id`,
    )
  ).rows;

describe('the ticket trash', () => {
  it("a deleted ticket's answered survey still counts in analytics", async () => {
    const before = await overview();
    const ticket = await answeredTicket();
    const counted = await overview();
    expect(counted.answers).toBe(before.answers + 1);
    expect((await call('DELETE', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(204);
    expect(await overview()).toEqual(counted);
    const review = (await reviews()).find((r) => r.surveyId === ticket.surveyId);
    expect(review).toMatchObject({
      rating: 1,
      ticket: { id: ticket.id, reference: ticket.reference, deleted: true },
    });
  });

  it('a deleted ticket can be restored within 30 days', async () => {
    const ticket = await buildTicket(t, tenant, { subject: 'Oops, deleted' });
    const portal = portalPath(t.ctx.links, { id: ticket.id, portalTokenVersion: 1 });
    expect((await call('DELETE', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(204);
    expectError(await call('GET', `/api/v1/tickets/${ticket.id}`), 404, 'NOT_FOUND');
    const list = (await call('GET', `/api/v1/projects/${tenant.projectId}/tickets`)).json().tickets;
    expect(list.map((x: { id: string }) => x.id)).not.toContain(ticket.id);
    expect((await t.app.inject({ method: 'GET', url: portal })).statusCode).toBe(404);
    const trash = (await call('GET', `/api/v1/projects/${tenant.projectId}/trash`)).json().tickets;
    expect(trash.find((x: { id: string }) => x.id === ticket.id)).toMatchObject({
      id: ticket.id,
      deletedBy: { id: tenant.owner.userId },
      purgeAt: new Date(t.clock.now().getTime() + 30 * DAY).toISOString(),
    });
    expectError(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/${tenant.projectId}/trash`,
        headers: agent.headers,
      }),
      403,
      'FORBIDDEN',
    );

    t.clock.advance(29 * DAY);
    const restored = await call('POST', `/api/v1/tickets/${ticket.id}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().subject).toBe('Oops, deleted');
    expect((await t.app.inject({ method: 'GET', url: portal })).statusCode).toBe(200);

    expect((await call('DELETE', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(204);
    t.clock.advance(30 * DAY);
    expectError(await call('POST', `/api/v1/tickets/${ticket.id}/restore`), 404, 'NOT_FOUND');
  });

  it('the purge keeps the answer row with the ticket reference', async () => {
    const ticket = await answeredTicket();
    expect((await call('DELETE', `/api/v1/tickets/${ticket.id}`)).statusCode).toBe(204);
    t.clock.advance(29 * DAY);
    await purgeTrashJob.handle(t.ctx, {});
    expect((await t.db.execute(sql`SELECT 1 FROM tickets WHERE id = ${ticket.id}`)).rows).toHaveLength(1);
    t.clock.advance(2 * DAY);
    await purgeTrashJob.handle(t.ctx, {});
    expect((await t.db.execute(sql`SELECT 1 FROM tickets WHERE id = ${ticket.id}`)).rows).toHaveLength(0);
    const rows = await t.db.execute(sql`
      SELECT ticket_id, ticket_reference, rating, comment, agent_id, channel, submitted_at IS NOT NULL AS answered
      FROM csat_surveys WHERE id = ${ticket.surveyId}`);
    expect(rows.rows).toEqual([
      {
        ticket_id: null,
        ticket_reference: ticket.reference,
        rating: 1,
        comment: 'Terrible',
        agent_id: agent.userId,
        channel: 'link',
        answered: true,
      },
    ]);
    const purged = await audits('ticket.purged');
    expect(purged.at(-1)).toMatchObject({ actor_user_id: null, data: { ticketId: ticket.id } });
  });

  it('deletion, restore and CSAT-settings changes are audited with their actor', async () => {
    const ticket = await buildTicket(t, tenant);
    await call('DELETE', `/api/v1/tickets/${ticket.id}`);
    await call('POST', `/api/v1/tickets/${ticket.id}/restore`);
    const settings = { enabled: true, expiryDays: 14, invitationText: 'Tell us how we did.' };
    expect(
      (await call('PUT', `/api/v1/projects/${tenant.projectId}/csat/settings`, settings)).statusCode,
    ).toBe(200);
    const actor = tenant.owner.userId;
    expect((await audits('ticket.deleted')).at(-1)).toEqual({
      actor_user_id: actor,
      data: { reference: ticket.reference },
    });
    expect((await audits('ticket.restored')).at(-1)).toEqual({
      actor_user_id: actor,
      data: { reference: ticket.reference },
    });
    expect((await audits('csat.settings_changed')).at(-1)).toEqual({
      actor_user_id: actor,
      data: {
        from: {
          enabled: true,
          expiryDays: 7,
          invitationText: expect.any(String),
          lowScoreThreshold: 2,
          lowScoreReasons: [],
        },
        // A client that leaves the low-score fields out keeps their values.
        to: { ...settings, lowScoreThreshold: 2, lowScoreReasons: [] },
      },
    });
  });
});
