import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildMember, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { expectError } from '../../../../tests/helpers/permissions.js';
import { linksIn, startSmtpServer } from '../../../../tests/helpers/smtp.js';
import { scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { submitSurvey } from '../csat/index.js';
import { sendDeliveryJob } from '../delivery/index.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let tenant: Tenant;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestApp({ smtpUrl: smtp.url });
  tenant = await buildAccount(t);
});

afterAll(() => smtp?.close());

const resend = (ticketId: string, surveyId: string, as = tenant.owner) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/surveys/${surveyId}/invitation`,
    headers: as.headers,
  });

/** A resolved ticket whose invitation went through the send job; `refuse` makes the SMTP server refuse it for good. */
async function resolvedTicket(options: { refuse?: boolean } = {}) {
  const email = `req-${randomBytes(4).toString('hex')}@example.com`;
  const ticket = await buildTicket(t, tenant, { requester: { email, name: 'Rita Requester' } });
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticket.id}`,
    headers: tenant.owner.headers,
    payload: { status: 'resolved' },
  });
  if (options.refuse) smtp.refuseNext(1, 550);
  await t.runJobs(sendDeliveryJob);
  const surveys = await t.app.inject({
    method: 'GET',
    url: `/api/v1/tickets/${ticket.id}/surveys`,
    headers: tenant.owner.headers,
  });
  return { ticketId: ticket.id, email, surveyId: surveys.json().surveys[0].id as string };
}

const invitationCount = async (surveyId: string) =>
  (
    await t.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM deliveries WHERE kind = 'survey_invitation' AND cause->>'surveyId' = ${surveyId}`,
    )
  ).rows[0]?.n;

const resendAudits = async (ticketId: string) =>
  (
    await t.db.execute<{ actor_user_id: string; data: { surveyId: string; mailId: string } }>(
      sql`SELECT actor_user_id, data FROM audit_events WHERE ticket_id = ${ticketId} AND type = 'csat.invitation_resent'`,
    )
  ).rows;

describe('re-sending a survey invitation', () => {
  it('a delivered invitation cannot be re-sent', async () => {
    const { ticketId, surveyId, email } = await resolvedTicket();
    expect(smtp.to(email)).toHaveLength(1);
    expectError(await resend(ticketId, surveyId), 409, 'INVITATION_NOT_FAILED');
    expect(await invitationCount(surveyId)).toBe(1);
    expect(await resendAudits(ticketId)).toEqual([]);
  });

  it('a failed invitation can be re-sent once and it is audited', async () => {
    const { ticketId, surveyId, email } = await resolvedTicket({ refuse: true });
    expect(smtp.to(email)).toHaveLength(0);
    const again = await resend(ticketId, surveyId);
    expect(again.statusCode, again.body).toBe(202);
    const { mailId } = again.json();
    // The repair is queued: a second resend is refused until it fails too.
    expectError(await resend(ticketId, surveyId), 409, 'INVITATION_NOT_FAILED');
    await t.runJobs(sendDeliveryJob);
    const [mail] = smtp.to(email);
    expect(smtp.to(email)).toHaveLength(1);
    expect(linksIn(mail?.parsed.text ?? '').some((l) => new URL(l).pathname.startsWith('/s/'))).toBe(true);
    expectError(await resend(ticketId, surveyId), 409, 'INVITATION_NOT_FAILED');
    expect(await invitationCount(surveyId)).toBe(2);
    expect(await resendAudits(ticketId)).toEqual([
      { actor_user_id: tenant.owner.userId, data: { surveyId, mailId } },
    ]);
  });

  it('is refused without tickets.update, and for an answered survey', async () => {
    const { ticketId, surveyId } = await resolvedTicket({ refuse: true });
    const reader = await buildMember(t, tenant, { permissions: ['tickets.view_all'] });
    expectError(await resend(ticketId, surveyId, reader), 403, 'FORBIDDEN');
    await inTransaction(t.db, (tx) =>
      submitSurvey(scopeOf(t.ctx, tx), surveyId, { rating: 5, comment: null, channel: 'link' }),
    );
    expectError(await resend(ticketId, surveyId), 409, 'CONFLICT');
    expect(await invitationCount(surveyId)).toBe(1);
  });
});
