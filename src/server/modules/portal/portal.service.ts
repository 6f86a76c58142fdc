import { randomUUID } from 'node:crypto';
import { readSystemEvent } from '../../../shared/system-events.js';
import { isActiveStatus, STATUS_LABELS, type TicketStatus } from '../../../shared/tickets.js';
import { type AppContext, type Scope, scopeOf } from '../../app-context.js';
import { inTransaction, type Queryable } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { logoPathOf } from '../accounts/index.js';
import { findAttachment, listAttachmentsByMessage, presentAttachment } from '../attachments/index.js';
import type { StaffActor } from '../auth/index.js';
import { getLowScoreOptions, getPendingSurvey } from '../csat/index.js';
import { requirePermission } from '../members/index.js';
import {
  AuditEventType,
  changeStatus,
  getTicketAccess,
  getTicketForUpdate,
  listRequesterThread,
  PORTAL_LINK_PURPOSE,
  recordAuditEvent,
  reference,
} from '../tickets/index.js';
import * as repo from './portal.repo.js';

export type PortalTicket = NonNullable<Awaited<ReturnType<typeof repo.findPortalTicket>>>;

/** The ticket a portal link points to; 404 for anything unknown, reset or forged. */
export async function getPortalTicketByToken(db: Queryable, links: LinkTokens, token: string) {
  const id = links.parseId(token);
  const row = id ? await repo.findPortalTicket(db, id) : null;
  if (!id || !row || !links.verify(PORTAL_LINK_PURPOSE, token, id, row.ticket.portalTokenVersion)) {
    throw notFound('Ticket');
  }
  return row;
}

/** A signed-in customer's own ticket in this account; anyone else's is simply not found. */
export async function getCustomerTicket(
  db: Queryable,
  customer: { id: string; accountId: string },
  ticketId: string,
) {
  const row = await repo.findPortalTicket(db, ticketId);
  if (!row || row.ticket.requesterId !== customer.id || row.accountId !== customer.accountId) {
    throw notFound('Ticket');
  }
  return row;
}

/**
 * Staff with tickets.update have the ticket's portal link mailed to its requester (audited); they
 * never see it. The mail module queues it on the event.
 */
export async function sendPortalLink(s: Scope, actor: StaffActor, ticketId: string) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  requirePermission(member, 'tickets.update');
  const sendId = randomUUID();
  const now = s.clock.now();
  await recordAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: AuditEventType.PortalLinkSent,
    data: { sendId },
    createdAt: now,
  });
  await s.bus.publish(s, 'portal.link_send_requested', {
    ticketId,
    projectId: ticket.projectId,
    accountId: ticket.accountId,
    sendId,
    at: now,
  });
}

/**
 * The requester's view of a ticket for staff who may see it, read only: nothing is marked read, and
 * the page built from it has no forms.
 */
export async function previewTicketView(db: Queryable, clock: Clock, actor: StaffActor, ticketId: string) {
  await getTicketAccess(db, actor, ticketId);
  const row = await repo.findPortalTicket(db, ticketId);
  if (!row) throw notFound('Ticket');
  return readTicketView(db, clock, row);
}

export const portalAbilities = (status: TicketStatus) => ({
  reply: status !== 'closed',
  requestClosure: isActiveStatus(status) || status === 'resolved',
  closeNow: status === 'closure_scheduled',
});

/**
 * What the requester sees of a ticket: public replies and system messages, never internal notes
 * (they are not even read from the database), and the survey waiting for an answer, if any.
 * Opening the page reads the ticket's replies (their bell items).
 */
export async function openTicketView(ctx: AppContext, row: PortalTicket) {
  // A view is a write only when it reads replies that were unread: most views change nothing.
  if (row.hasUnreadReplies) {
    await inTransaction(ctx.db, (tx) =>
      ctx.bus.publish(scopeOf(ctx, tx), 'ticket.read_by_requester', {
        ticketId: row.ticket.id,
        customerId: row.ticket.requesterId,
        at: ctx.clock.now(),
      }),
    );
  }
  return readTicketView(ctx.db, ctx.clock, row);
}

async function readTicketView(db: Queryable, clock: Clock, row: PortalTicket) {
  const { ticket } = row;
  const [thread, survey] = await Promise.all([
    listRequesterThread(db, ticket.id),
    getPendingSurvey(db, clock, ticket.id),
  ]);
  // Only the listed (public and system) messages' files: a note's never reach the view.
  const files = await listAttachmentsByMessage(
    db,
    thread.map((m) => m.id),
  );
  return {
    account: {
      id: row.accountId,
      name: row.accountName,
      logoUrl: logoPathOf({ id: row.accountId, hasLogo: row.hasLogo }),
      timezone: row.accountTimezone,
      defaultLanguage: row.accountLanguage,
      brandColor: row.brandColor,
    },
    /** The requester's stored language; null until known. */
    requesterLanguage: row.requesterLanguage,
    ticket: {
      id: ticket.id,
      reference: reference(row.projectKey, ticket.number),
      subject: ticket.subject,
      status: ticket.status,
      statusLabel: STATUS_LABELS[ticket.status],
      priority: ticket.priority,
      closesAt: ticket.closesAt,
      createdAt: ticket.createdAt,
      lastActivityAt: row.lastActivityAt,
    },
    thread: thread.map((m) => ({
      id: m.id,
      kind: m.kind === 'system' ? ('system' as const) : ('public' as const),
      body: m.body,
      bodyHtml: m.bodyHtml,
      /** What a system message says, for the page's language; null on older rows (their text stands). */
      systemEvent: m.kind === 'system' ? readSystemEvent(m.systemEvent) : null,
      author: m.authorUserId
        ? { type: 'staff' as const, name: m.authorUserName ?? 'Support' }
        : m.authorCustomerId
          ? { type: 'requester' as const, name: m.authorCustomerName ?? 'You' }
          : null,
      createdAt: m.createdAt,
      attachments: (files.get(m.id) ?? []).map(presentAttachment),
    })),
    survey: survey
      ? {
          id: survey.id,
          expiresAt: survey.expiresAt,
          lowScore: await getLowScoreOptions(db, survey.projectId),
        }
      : null,
    abilities: portalAbilities(ticket.status),
  };
}

export type PortalTicketView = Awaited<ReturnType<typeof readTicketView>>;

/** A file of the ticket's public messages; a note's file, or another ticket's, is not found. */
export async function getPortalAttachment(db: Queryable, row: PortalTicket, attachmentId: string) {
  const attachment = await findAttachment(db, attachmentId);
  if (!attachment || attachment.ticketId !== row.ticket.id || attachment.messageKind !== 'public') {
    throw notFound('Attachment');
  }
  return attachment;
}

/**
 * "Close my ticket": from an active status or resolved it asks for closure (pending_closure, which
 * offers the survey at once); a scheduled closure can be brought forward to now.
 */
export async function closeAsRequester(s: Scope, ticketId: string) {
  const ticket = await getTicketForUpdate(s.tx, ticketId);
  const actor = { type: 'requester' as const, customerId: ticket.requesterId };
  if (ticket.status === 'closure_scheduled') {
    return changeStatus(s, ticket, 'closed', { actor, named: { kind: 'requester' } });
  }
  if (portalAbilities(ticket.status).requestClosure) {
    return changeStatus(s, ticket, 'pending_closure', {
      actor,
      named: { kind: 'requester_request' },
    });
  }
  throw ticket.status === 'closed'
    ? new AppError('INVALID_TRANSITION', 'This ticket is already closed.')
    : new AppError('INVALID_TRANSITION', 'You already asked to close this ticket; we are on it.');
}

/** The survey the portal's form answers: the ticket's pending one, never an id from the form. */
export async function getAnswerableSurvey(db: Queryable, clock: Clock, ticketId: string) {
  const survey = await getPendingSurvey(db, clock, ticketId);
  if (!survey) throw new AppError('NOT_FOUND', 'No survey is waiting for an answer on this ticket.');
  return survey;
}
