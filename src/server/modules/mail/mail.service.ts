import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext, Scope } from '../../app-context.js';
import type { Queryable } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { DomainEvents } from '../../lib/events.js';
import { cursorField, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { getUser, listAccountOwnerIds } from '../accounts/index.js';
import type { StaffActor } from '../auth/index.js';
import { findSurveyInvitation, getPendingSurvey } from '../csat/index.js';
import {
  type DeliveryRow,
  listAccountDeliveries,
  listDeliveriesByCause,
  listTicketDeliveries,
  queueDelivery,
} from '../delivery/index.js';
import { getIntakeSettings } from '../inbound/index.js';
import {
  getAccountMember,
  listMemberships,
  requireAccountPermission,
  requirePermission,
} from '../members/index.js';
import { findStaffNotification } from '../notifications/index.js';
import { findSignInLink, signInLinkIdsExcept } from '../portal/index.js';
import {
  AuditEventType,
  findMessageSummary,
  findTicketSummary,
  getTicketAccess,
  recordAuditEvent,
  requestersOutside,
} from '../tickets/index.js';
import type { MailCause, MailKind } from './mail.schemas.js';
import { renderEnv } from './mail-channel.js';
import { renderMail } from './mail-render.js';

const causeKeyOf = (cause: MailCause) => {
  switch (cause.kind) {
    case 'agent_reply':
      return `agent_reply:${cause.messageId}`;
    case 'survey_invitation':
      return `survey_invitation:${cause.surveyId}${cause.resend ? `:resend-${cause.resend}` : ''}`;
    case 'sign_in':
      return `sign_in:${cause.tokenId}`;
    case 'staff_notification':
      return `staff_notification:${cause.notificationId}`;
    case 'acknowledgement':
      return `acknowledgement:${cause.ticketId}`;
    case 'portal_link':
      return `portal_link:${cause.ticketId}:${cause.sendId}`;
    case 'password_reset':
      return `password_reset:${cause.resetId}`;
    case 'discord_setup_broken':
      return `discord_setup_broken:${cause.userId}:${cause.at}`;
    case 'webhook_disabled':
      return `webhook_disabled:${cause.endpointId}:${cause.userId}:${cause.failingSince}`;
  }
};

interface Recipient {
  email: string;
  accountId: string;
  projectId: string | null;
  ticketId: string | null;
}

const requesterOf = async (db: Queryable, ticketId: string | undefined): Promise<Recipient | null> => {
  const ticket = ticketId ? await findTicketSummary(db, ticketId) : null;
  return (
    ticket && {
      email: ticket.requester.email,
      accountId: ticket.accountId,
      projectId: ticket.projectId,
      ticketId: ticket.id,
    }
  );
};

/** Who gets the mail, asked of the modules that own what it is about. */
async function findRecipient(db: Queryable, cause: MailCause): Promise<Recipient | null> {
  switch (cause.kind) {
    case 'agent_reply':
      return requesterOf(db, (await findMessageSummary(db, cause.messageId))?.ticketId);
    case 'survey_invitation':
      return requesterOf(db, (await findSurveyInvitation(db, cause.surveyId))?.survey.ticketId ?? undefined);
    case 'sign_in': {
      const link = await findSignInLink(db, cause.tokenId);
      return (
        link && { email: link.customerEmail, accountId: link.accountId, projectId: null, ticketId: null }
      );
    }
    case 'acknowledgement':
    case 'portal_link':
      return requesterOf(db, cause.ticketId);
    case 'staff_notification': {
      const notification = await findStaffNotification(db, cause.notificationId);
      const user = notification && (await getUser(db, notification.userId));
      return (
        notification &&
        user && {
          email: user.email,
          accountId: user.accountId,
          projectId: notification.projectId,
          ticketId: notification.ticketId,
        }
      );
    }
    case 'password_reset':
    case 'discord_setup_broken':
    case 'webhook_disabled': {
      const user = await getUser(db, cause.userId);
      return user && { email: user.email, accountId: user.accountId, projectId: null, ticketId: null };
    }
  }
}

/**
 * Queues one mail for its cause, in the caller's transaction, through the delivery pipeline: the
 * row and its send job commit or roll back with the change that causes them. A second call for the
 * same cause does nothing (null).
 */
export async function queueMail(s: Scope, cause: MailCause): Promise<string | null> {
  const to = await findRecipient(s.tx, cause);
  if (!to) throw new Error(`queueMail: nothing found for ${causeKeyOf(cause)}`);
  const { kind, ...ids } = cause;
  return queueDelivery(s, {
    channel: 'mail',
    kind,
    causeKey: causeKeyOf(cause),
    cause: ids,
    recipient: to.email,
    accountId: to.accountId,
    projectId: to.projectId,
    ticketId: to.ticketId,
  });
}

/**
 * Subscriber of csat.survey_created (published inside the status change that created the survey):
 * its invitation is mailed to the requester.
 */
export async function queueSurveyInvitation(s: Scope, event: DomainEvents['csat.survey_created']) {
  await queueMail(s, { kind: 'survey_invitation', surveyId: event.surveyId });
}

/** Subscriber of message.created: staff's public replies are mailed to the requester, never a note. */
export async function queueReplyMail(s: Scope, event: DomainEvents['message.created']) {
  if (event.kind === 'public' && event.actor.type === 'staff') {
    await queueMail(s, { kind: 'agent_reply', messageId: event.messageId });
  }
}

/**
 * Subscriber of ticket.created: the requester is told their request arrived (reference, subject,
 * portal link) when whoever opened it asked for it (`acknowledge`) and the project's switch is on.
 */
export async function queueAcknowledgementMail(s: Scope, event: DomainEvents['ticket.created']) {
  if (event.acknowledge && (await getIntakeSettings(s.tx, event.projectId)).acknowledge) {
    await queueMail(s, { kind: 'acknowledgement', ticketId: event.ticketId });
  }
}

/** Subscriber of portal.link_send_requested: staff asked to mail the ticket's portal link to its requester. */
export async function queuePortalLinkMail(s: Scope, event: DomainEvents['portal.link_send_requested']) {
  await queueMail(s, { kind: 'portal_link', ticketId: event.ticketId, sendId: event.sendId });
}

/** Subscriber of customer.sign_in_link_created: the link goes to the customer's address. */
export async function queueSignInMail(s: Scope, event: DomainEvents['customer.sign_in_link_created']) {
  await queueMail(s, { kind: 'sign_in', tokenId: event.tokenId });
}

/** Subscriber of staff_notification.created: every in-app notification is mailed too. */
export async function queueStaffNotificationMail(
  s: Scope,
  event: DomainEvents['staff_notification.created'],
) {
  await queueMail(s, { kind: 'staff_notification', notificationId: event.notificationId });
}

/** Subscriber of discord.setup_broken: each account owner is told that DMs stopped, and why. */
export async function queueDiscordBrokenMail(s: Scope, event: DomainEvents['discord.setup_broken']) {
  for (const userId of await listAccountOwnerIds(s.tx, event.accountId)) {
    await queueMail(s, {
      kind: 'discord_setup_broken',
      userId,
      reason: event.reason,
      at: event.at.toISOString(),
    });
  }
}

/** Subscriber of webhook.endpoint_disabled: each account owner (who alone manages webhooks) is told. */
export async function queueWebhookDisabledMail(s: Scope, event: DomainEvents['webhook.endpoint_disabled']) {
  for (const userId of await listAccountOwnerIds(s.tx, event.accountId)) {
    await queueMail(s, {
      kind: 'webhook_disabled',
      userId,
      endpointId: event.endpointId,
      url: event.url,
      failingSince: event.failingSince.toISOString(),
    });
  }
}

/** Subscriber of auth.password_reset_requested: the link goes to the staff member by mail. */
export async function queuePasswordResetMail(s: Scope, event: DomainEvents['auth.password_reset_requested']) {
  await queueMail(s, { kind: 'password_reset', resetId: event.resetId, userId: event.userId });
}

const presentMail = (m: DeliveryRow) => ({
  id: m.id,
  kind: m.kind as MailKind,
  status: m.status,
  recipient: m.recipient,
  ticketId: m.ticketId,
  attempts: m.attempts,
  lastError: m.lastError,
  createdAt: m.createdAt,
  sentAt: m.sentAt,
});

/**
 * Sends a pending survey's invitation again, with the same link, only when the last one's delivery
 * failed or bounced: surveys are created automatically and the customer is never asked twice, so a
 * resend is a repair, not a reminder. Needs tickets.update; audited with its actor.
 */
export async function resendSurveyInvitation(
  s: Scope,
  actor: StaffActor,
  ticketId: string,
  surveyId: string,
) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  requirePermission(member, 'tickets.update');
  const pending = await getPendingSurvey(s.tx, s.clock, ticketId);
  if (pending?.id !== surveyId) {
    throw new AppError('CONFLICT', "Only a pending survey's invitation can be sent again.");
  }
  if (!(await hasSurveyInvitationFailed(s.tx, surveyId))) {
    throw new AppError(
      'INVITATION_NOT_FAILED',
      'Only an invitation whose delivery failed can be sent again; this one was delivered or is on its way.',
    );
  }
  const sent = (await listSurveyInvitationMails(s.tx, surveyId)).length;
  const mailId = await queueMail(s, { kind: 'survey_invitation', surveyId, resend: sent });
  if (!mailId) throw new AppError('CONFLICT', 'This invitation is already on its way.');
  await recordAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: AuditEventType.InvitationResent,
    data: { surveyId, mailId },
    createdAt: s.clock.now(),
  });
  return mailId;
}

/** A ticket's mails and their delivery state, for anyone who can see the ticket. */
export async function listTicketMails(db: Queryable, actor: StaffActor, ticketId: string) {
  await getTicketAccess(db, actor, ticketId);
  return (await listTicketDeliveries(db, ticketId, 'mail')).map(presentMail);
}

const cursorSchema = z.object({ t: cursorField.timestamp, id: z.uuid() });

/**
 * The Outgoing mail list, a demo-mode tool for the account owner (account.manage): kept mails are
 * rendered now, links included, so they can be followed without a mail server. It still shows only
 * the mails of projects the owner is a member of, customer sign-in links only when all of the
 * customer's tickets are in them, and never a staff member's password reset link. Delivered mails
 * are not shown again (their links went to their recipients alone).
 */
export async function listOutgoingMails(
  ctx: AppContext,
  actor: StaffActor,
  query: { cursor?: string | undefined; limit: number },
) {
  requireAccountPermission(await getAccountMember(ctx.db, actor), 'account.manage');
  const projectIds = (await listMemberships(ctx.db, actor)).map((m) => m.projectId);
  // A customer's sign-in link opens all their tickets: shown only when every one is in these projects.
  const signInLinks = signInLinkIdsExcept(actor.accountId, requestersOutside(actor.accountId, projectIds));
  const before = query.cursor ? decodeCursor(query.cursor, cursorSchema) : undefined;
  const rows = await listAccountDeliveries(ctx.db, {
    accountId: actor.accountId,
    channel: 'mail',
    projectIds,
    projectlessCauseKeys: sql`(SELECT 'sign_in:' || l.id::text FROM ${signInLinks} AS l(id))`,
    before: before && { createdAt: new Date(before.t), id: before.id },
    limit: query.limit,
  });
  const page = rows.slice(0, query.limit);
  const env = renderEnv(ctx);
  const mails = [];
  for (const m of page) {
    const rendered = m.status === 'kept' ? await renderMail(ctx.db, env, m) : null;
    mails.push({ ...presentMail(m), rendered: rendered && 'mail' in rendered ? rendered.mail : null });
  }
  const last = page.at(-1);
  return {
    mails,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id })
        : null,
  };
}

const listSurveyInvitationMails = (db: Queryable, surveyId: string) =>
  listDeliveriesByCause(db, { channel: 'mail', kind: 'survey_invitation', cause: { surveyId } });

/**
 * Whether the survey's invitation did not reach the requester: it has invitation mails and every one
 * of them failed or bounced. False while one is queued, or once one was sent (or kept, without SMTP).
 */
export async function hasSurveyInvitationFailed(db: Queryable, surveyId: string): Promise<boolean> {
  const mails = await listSurveyInvitationMails(db, surveyId);
  return mails.length > 0 && mails.every((m) => m.status === 'failed' || m.status === 'bounced');
}
