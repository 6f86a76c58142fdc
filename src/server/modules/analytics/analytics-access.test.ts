import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { csatUrl, getCsat } from '../../../../tests/helpers/analytics.js';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';
import { PERMISSIONS } from '../../../shared/tickets.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { csatSurveys } from '../../db/schema/index.js';
import { expireSurveysJob, submitSurvey } from '../csat/index.js';
import type { agentsSchema, overviewSchema } from './analytics.schemas.js';

let t: TestApp;
let tenant: Tenant;
let agent: Staff;
let viewer: Staff;
let everythingElse: Staff;
let stranger: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2025-06-02T10:00:00Z'));
  tenant = await buildAccount(t);
  agent = await buildMember(t, tenant, { name: 'Ada Agent' });
  viewer = await buildMember(t, tenant, { permissions: ['csat.view'] });
  everythingElse = await buildMember(t, tenant, {
    permissions: PERMISSIONS.filter((p) => p !== 'csat.view'),
  });
  stranger = await buildAccount(t);
});

const ENDPOINTS = ['overview', 'agents', 'reviews', 'reviews.csv'];

describe('permissions', () => {
  it.each(ENDPOINTS)('%s refuses a member without csat.view with 403', async (path) => {
    const res = await t.app.inject({
      method: 'GET',
      url: csatUrl(tenant.projectId, path),
      headers: everythingElse.headers,
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it.each(ENDPOINTS)('%s answers a member whose role holds only csat.view', async (path) => {
    const res = await t.app.inject({
      method: 'GET',
      url: csatUrl(tenant.projectId, path),
      headers: viewer.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it.each(ENDPOINTS)('%s is 404 for someone who is not a member of the project', async (path) => {
    const res = await t.app.inject({
      method: 'GET',
      url: csatUrl(tenant.projectId, path),
      headers: stranger.owner.headers,
    });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it.each(ENDPOINTS)('%s is 401 without a session or token', async (path) => {
    const res = await t.app.inject({ method: 'GET', url: csatUrl(tenant.projectId, path) });
    expect(res.statusCode, res.body).toBe(401);
  });

  it('is documented in the OpenAPI document, the CSV as text/csv', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of ENDPOINTS) {
      expect(doc.paths[`/api/v1/projects/{projectId}/csat/${path}`]?.get, path).toBeDefined();
    }
    const csv = doc.paths['/api/v1/projects/{projectId}/csat/reviews.csv'].get.responses['200'];
    expect(Object.keys(csv.content)).toEqual(['text/csv']);
  });
});

const surveysOf = (ticketId: string) =>
  t.db.select().from(csatSurveys).where(eq(csatSurveys.ticketId, ticketId));

async function setStatus(ticketId: string, status: string) {
  const res = await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload: { status },
  });
  expect(res.statusCode, res.body).toBe(200);
}

describe('response rate through the real survey lifecycle', () => {
  it('withdrawn surveys are not sent; expired ones are sent and unanswered', async () => {
    const ticket = () => buildTicket(t, tenant, { assigneeId: agent.userId });
    const withdrawn = await ticket();
    await setStatus(withdrawn.id, 'resolved');
    await setStatus(withdrawn.id, 'open');
    const expired = await ticket();
    await setStatus(expired.id, 'resolved');
    const answered = await ticket();
    await setStatus(answered.id, 'resolved');
    const resolvedTwice = await ticket();
    await setStatus(resolvedTwice.id, 'resolved');
    await setStatus(resolvedTwice.id, 'open');
    await setStatus(resolvedTwice.id, 'resolved');

    t.clock.set(new Date('2025-06-03T09:00:00Z'));
    const [survey] = await surveysOf(answered.id);
    await inTransaction(t.db, (tx) =>
      submitSurvey(scopeOf(t.ctx, tx), survey?.id as string, { rating: 4, comment: null, channel: 'email' }),
    );
    t.clock.set(new Date('2025-06-20T10:00:00Z'));
    await expireSurveysJob.handle(t.ctx, {});
    expect((await surveysOf(withdrawn.id)).length).toBe(0);
    expect((await surveysOf(expired.id)).map((s) => s.expiredAt !== null)).toEqual([true]);
    expect((await surveysOf(resolvedTwice.id)).map((s) => s.resolution)).toEqual([2]);

    const query = { from: '2025-06-01', to: '2025-06-30' };
    const overview = await getCsat<z.infer<typeof overviewSchema>>(
      t,
      tenant.owner,
      tenant.projectId,
      'overview',
      query,
    );
    // Sent: expired, answered, and the second resolution of resolvedTwice (its first was withdrawn).
    expect(overview.current).toEqual({
      answers: 1,
      average: 4,
      csatScore: 1,
      surveysSent: 3,
      surveysAnswered: 1,
      responseRate: 1 / 3,
    });
    const { agents } = await getCsat<z.infer<typeof agentsSchema>>(
      t,
      tenant.owner,
      tenant.projectId,
      'agents',
      query,
    );
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({
      agent: { id: agent.userId, name: 'Ada Agent' },
      answers: 1,
      surveysSent: 3,
      responseRate: 1 / 3,
    });
  });
});
