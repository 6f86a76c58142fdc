import type { TicketStatus } from '../../../shared/tickets.js';
import type { Scope } from '../../app-context.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { renderMarkdown } from '../../lib/markdown.js';
import type { UploadedFile } from '../../lib/multipart.js';
import { type AttachmentStorage, storeUploads } from '../attachments/index.js';
import type { StaffActor } from '../auth/index.js';
import { requirePermission } from '../members/index.js';
import { insertSystemMessage } from './system-message.service.js';
import { changeStatus } from './ticket-status.service.js';
import { AuditEventType } from './tickets.events.js';
import { canDeleteMessage, canEditMessage } from './tickets.policy.js';
import * as repo from './tickets.repo.js';
import { getTicketAccess, getTicketForUpdate, openTicket, reference } from './tickets.service.js';

/** The files a message is posted with (a multipart request's), and where they are stored. */
export interface Files {
  storage: AttachmentStorage;
  uploads: AsyncIterable<UploadedFile>;
}

/** A staff reply (public) or internal note on the ticket's thread, with its files. */
export async function postStaffMessage(
  s: Scope,
  actor: StaffActor,
  ticketId: string,
  input: { body: string; internal?: boolean | undefined },
  files: Files,
) {
  const { ticket, member } = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  requirePermission(member, input.internal ? 'messages.create_internal' : 'messages.create');
  const now = s.clock.now();
  const message = await repo.insertMessage(s.tx, {
    accountId: ticket.accountId,
    ticketId,
    kind: input.internal ? 'internal' : 'public',
    authorUserId: actor.userId,
    body: input.body,
    bodyHtml: renderMarkdown(input.body),
    createdAt: now,
  });
  const attachments = await storeUploads(
    s,
    files.storage,
    { accountId: ticket.accountId, ticketId, messageId: message.id },
    files.uploads,
  );
  await repo.updateTicket(s.tx, ticketId, { updatedAt: now });
  await s.bus.publish(s, 'message.created', {
    ticketId,
    projectId: member.projectId,
    accountId: ticket.accountId,
    messageId: message.id,
    kind: message.kind === 'internal' ? 'internal' : 'public',
    actor: { type: 'staff', userId: actor.userId },
    at: now,
  });
  return { message, attachments, member, authorName: await repo.findUserName(s.tx, actor.userId) };
}

/** The status a requester's reply leaves the ticket in: pending and resolved reopen, the others stay. */
export const statusAfterRequesterReply = (status: TicketStatus): TicketStatus =>
  status === 'pending' || status === 'resolved' ? 'open' : status;

/** A closed ticket takes no more replies (forms check early; postRequesterMessage again under the lock). */
export function assertAcceptsReplies(ticket: { status: TicketStatus }) {
  if (ticket.status === 'closed') {
    throw new AppError(
      'TICKET_CLOSED',
      'This ticket is closed and takes no more replies; open a new ticket instead.',
    );
  }
}

/**
 * The requester replies (portal, mail). A reply on a pending or resolved ticket reopens it through
 * the same status operation staff use (so an unsubmitted survey is withdrawn); a closed ticket
 * takes no more replies. `files` (the portal reply's uploads) are stored on the message.
 */
export async function postRequesterMessage(s: Scope, ticketId: string, body: string, files?: Files) {
  const ticket = await getTicketForUpdate(s.tx, ticketId);
  assertAcceptsReplies(ticket);
  const now = s.clock.now();
  const actor = { type: 'requester' as const, customerId: ticket.requesterId };
  const message = await repo.insertMessage(s.tx, {
    accountId: ticket.accountId,
    ticketId,
    kind: 'public',
    authorCustomerId: ticket.requesterId,
    body,
    bodyHtml: renderMarkdown(body),
    createdAt: now,
  });
  const attachments = files
    ? await storeUploads(
        s,
        files.storage,
        { accountId: ticket.accountId, ticketId, messageId: message.id },
        files.uploads,
      )
    : [];
  await repo.updateTicket(s.tx, ticketId, { updatedAt: now });
  await s.bus.publish(s, 'message.created', {
    ticketId,
    projectId: ticket.projectId,
    accountId: ticket.accountId,
    messageId: message.id,
    kind: 'public',
    actor,
    at: now,
  });
  const after = statusAfterRequesterReply(ticket.status);
  if (after !== ticket.status) {
    await changeStatus(s, ticket, after, { actor, named: { kind: 'requester_reply' } });
  }
  return { ...message, attachments };
}

async function getMessageAccess(s: Scope, actor: StaffActor, ticketId: string, messageId: string) {
  const access = await getTicketAccess(s.tx, actor, ticketId, { lock: true });
  const message = await repo.findMessage(s.tx, ticketId, messageId);
  if (!message) throw notFound('Message');
  return { ...access, message };
}

export async function editStaffMessage(
  s: Scope,
  actor: StaffActor,
  ticketId: string,
  messageId: string,
  body: string,
) {
  const { member, ticket, message } = await getMessageAccess(s, actor, ticketId, messageId);
  if (!canEditMessage(member, message)) {
    throw message.kind === 'system'
      ? new AppError('CONFLICT', 'System messages cannot be edited.')
      : forbidden('You may edit only your own messages, with the "messages.edit_own" permission.');
  }
  const now = s.clock.now();
  await repo.updateMessage(s.tx, messageId, { body, bodyHtml: renderMarkdown(body), editedAt: now });
  await repo.insertAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: AuditEventType.MessageEdited,
    data: { messageId, kind: message.kind },
    createdAt: now,
  });
}

export async function deleteStaffMessage(s: Scope, actor: StaffActor, ticketId: string, messageId: string) {
  const { member, ticket, message } = await getMessageAccess(s, actor, ticketId, messageId);
  if (!canDeleteMessage(member, message)) {
    throw message.kind === 'system'
      ? new AppError('CONFLICT', 'System messages cannot be deleted.')
      : forbidden(
          'Deleting this message needs "messages.delete_any", or "messages.delete_own" for your own.',
        );
  }
  await repo.deleteMessage(s.tx, messageId);
  await repo.insertAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId,
    actorUserId: actor.userId,
    type: AuditEventType.MessageDeleted,
    data: { messageId, kind: message.kind },
    createdAt: s.clock.now(),
  });
}

/**
 * A requester's reply from outside the portal's form (mail): the portal's rule on an open, pending
 * or resolved ticket (postRequesterMessage); on a closed one a follow-up ticket for the same
 * requester and project, each thread naming the other in a system message.
 */
export async function replyOrFollowUp(s: Scope, ticketId: string, body: string) {
  const ticket = await getTicketForUpdate(s.tx, ticketId);
  if (ticket.status !== 'closed') {
    const message = await postRequesterMessage(s, ticketId, body);
    return { ticketId, messageId: message.id, followUpOf: null };
  }
  const details = await repo.findTicketDetails(s.tx, ticketId);
  if (!details) throw notFound('Ticket');
  const followUp = await openTicket(
    s,
    { projectId: ticket.projectId, accountId: ticket.accountId },
    // The requester answered a thread they know; both threads name the follow-up, so no acknowledgement.
    { subject: ticket.subject, body, requester: details.requester, acknowledge: false },
    { type: 'requester', customerId: ticket.requesterId },
  );
  const closedRef = reference(details.projectKey, ticket.number);
  const followUpRef = reference(details.projectKey, followUp.number);
  const now = s.clock.now();
  await insertSystemMessage(s, followUp, { type: 'follow_up_created', ref: closedRef }, now);
  await insertSystemMessage(s, ticket, { type: 'continued_in', ref: followUpRef }, now);
  return { ticketId: followUp.id, messageId: null, followUpOf: ticketId };
}
