import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import {
  buildAccount,
  buildMember,
  buildTicket,
  type Staff,
  type Tenant,
} from '../../../../tests/helpers/factories.js';

let t: TestApp;
let tenant: Tenant;
let staff: Staff;
const refs: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
  staff = await buildMember(t, tenant, { permissions: ['messages.create'] });
  for (const priority of ['low', 'normal', 'high', 'urgent'] as const) {
    const assigneeId = priority === 'urgent' ? staff.userId : null;
    refs[priority] = (
      await buildTicket(t, tenant, { subject: `A ${priority} one`, priority, assigneeId })
    ).reference;
  }
});

const list = (query: string, as: Staff = tenant.owner) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/projects/${tenant.projectId}/tickets?${query}`,
    headers: as.headers,
  });

const references = (body: { tickets: { reference: string }[] }) => body.tickets.map((x) => x.reference);

describe('the ticket list filtered by priority', () => {
  it('returns only the tickets of the priorities asked for, one or several', async () => {
    const urgent = await list('priority=urgent');
    expect(urgent.statusCode).toBe(200);
    expect(references(urgent.json())).toEqual([refs.urgent]);
    const several = await list('priority=low,high');
    expect(references(several.json())).toEqual([refs.high, refs.low]);
  });

  it('combines with the other filters and with the tickets.view_all scope', async () => {
    const mine = await list('priority=urgent,low&assignee=me', staff);
    expect(references(mine.json())).toEqual([refs.urgent]);
    // Without tickets.view_all the priority filter never reaches beyond the member's own tickets.
    const others = await list('priority=low', staff);
    expect(references(others.json())).toEqual([]);
  });

  it('an unknown priority is a validation error naming the field', async () => {
    const res = await list('priority=urgent,whenever');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
    expect(res.json().error.message).toContain('priority');
  });
});
