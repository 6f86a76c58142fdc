import type { StatusChangedBy } from '../../../shared/system-events.js';
import {
  isActiveStatus,
  isEligibleStatus,
  STATUS_LABELS,
  type TicketStatus,
} from '../../../shared/tickets.js';
import type { Scope } from '../../app-context.js';
import { AppError } from '../../lib/errors.js';
import type { EventActor } from '../../lib/events.js';
import { insertSystemMessage } from './system-message.service.js';
import { closeScheduledTicketJob } from './ticket-closure.job.js';
import { AuditEventType } from './tickets.events.js';
import * as repo from './tickets.repo.js';

export interface StatusChangeBy {
  actor: EventActor;
  /** Who the system message names: "by Ada Lovelace", "by the requester". */
  named: StatusChangedBy;
}

/** Refuses transitions the rules do not allow; returns nothing when the change may go ahead. */
export function assertTransition(
  from: TicketStatus,
  to: TicketStatus,
  closesAt: Date | null | undefined,
  now: Date,
) {
  if (from === to && to === 'closure_scheduled') {
    throw new AppError(
      'INVALID_TRANSITION',
      'A closure is already scheduled for this ticket; change its status first.',
    );
  }
  if (from === to)
    throw new AppError('INVALID_TRANSITION', `The ticket is already ${STATUS_LABELS[to].toLowerCase()}.`);
  if (from === 'closed' && !isActiveStatus(to)) {
    throw new AppError('INVALID_TRANSITION', 'A closed ticket can only be reopened to an active status.');
  }
  if (to === 'closure_scheduled' && (!closesAt || closesAt.getTime() <= now.getTime())) {
    throw new AppError('VALIDATION_ERROR', 'Scheduling a closure needs a closesAt time in the future.', [
      { field: 'closesAt', message: 'Required, in the future, with status closure_scheduled' },
    ]);
  }
  if (to !== 'closure_scheduled' && closesAt) {
    throw new AppError('VALIDATION_ERROR', 'closesAt only goes with status closure_scheduled.', [
      { field: 'closesAt', message: 'Only with status closure_scheduled' },
    ]);
  }
}

/**
 * The one way a ticket's status changes. The caller holds the ticket row's lock (FOR UPDATE).
 * In the caller's transaction: apply, write the audit event and the system message, publish
 * ticket.status_changed to subscribers (CSAT) and, for a scheduled closure, enqueue its job.
 */
export async function changeStatus(
  s: Scope,
  ticket: repo.TicketRow,
  to: TicketStatus,
  by: StatusChangeBy,
  closesAt?: Date | null,
): Promise<repo.TicketRow> {
  const now = s.clock.now();
  const from = ticket.status;
  assertTransition(from, to, closesAt, now);
  const resolution = isActiveStatus(from) && isEligibleStatus(to) ? ticket.resolution + 1 : ticket.resolution;
  const scheduledAt = to === 'closure_scheduled' ? (closesAt ?? null) : null;
  const updated = await repo.updateTicket(s.tx, ticket.id, {
    status: to,
    closesAt: scheduledAt,
    resolution,
    updatedAt: now,
  });
  await repo.insertAuditEvent(s.tx, {
    accountId: ticket.accountId,
    projectId: ticket.projectId,
    ticketId: ticket.id,
    actorUserId: by.actor.type === 'staff' ? by.actor.userId : null,
    type: AuditEventType.StatusChanged,
    data: { from, to, resolution, ...(scheduledAt && { closesAt: scheduledAt.toISOString() }) },
    createdAt: now,
  });
  await insertSystemMessage(
    s,
    ticket,
    {
      type: 'status_changed',
      from,
      to,
      by: by.named,
      ...(scheduledAt && { closesAt: scheduledAt.toISOString() }),
    },
    now,
  );
  await s.bus.publish(s, 'ticket.status_changed', {
    ticketId: ticket.id,
    projectId: ticket.projectId,
    accountId: ticket.accountId,
    from,
    to,
    resolution,
    actor: by.actor,
    at: now,
  });
  if (scheduledAt) await enqueueClosure(s, ticket.id, scheduledAt);
  return updated;
}

const enqueueClosure = (s: Scope, ticketId: string, closesAt: Date) =>
  s.jobs.enqueue(
    s.tx,
    closeScheduledTicketJob,
    { ticketId, closesAt: closesAt.toISOString() },
    { startAfter: closesAt },
  );

/** After a restore (the job queue is not in a backup): every scheduled closure gets its job again. */
export async function requeueScheduledClosures(s: Scope) {
  const due = await repo.listScheduledClosures(s.tx);
  for (const ticket of due) await enqueueClosure(s, ticket.id, ticket.closesAt as Date);
  return due.length;
}

/**
 * Runs when a scheduled closure is due. A ticket whose status changed since, or whose closure
 * was rescheduled, is left alone: any other status change cancels the closure.
 */
export async function closeScheduledTicket(s: Scope, ticketId: string, closesAt: Date): Promise<boolean> {
  const ticket = await repo.lockTicket(s.tx, ticketId);
  if (ticket?.status !== 'closure_scheduled' || ticket.closesAt?.getTime() !== closesAt.getTime()) {
    return false;
  }
  if (closesAt.getTime() > s.clock.now().getTime()) {
    // The queue's clock ran ahead of ours: try again at the due time.
    await enqueueClosure(s, ticketId, closesAt);
    return false;
  }
  await changeStatus(s, ticket, 'closed', {
    actor: { type: 'system' },
    named: { kind: 'scheduled_closure' },
  });
  return true;
}
