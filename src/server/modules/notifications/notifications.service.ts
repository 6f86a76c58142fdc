import { z } from 'zod';
import type { Scope } from '../../app-context.js';
import type { Queryable } from '../../db/client.js';
import type { DomainEvents, EventActor } from '../../lib/events.js';
import { cursorField, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import type { StaffActor } from '../auth/index.js';
import { reference } from '../tickets/index.js';
import * as repo from './notifications.repo.js';

const EXCERPT_LENGTH = 200;

/** Notifies the ticket's assignee and watchers, except whoever caused it (mail hears of each). */
async function notifyStaff(
  s: Scope,
  event: { ticketId: string; projectId: string; accountId: string; actor: EventActor; at: Date },
  kind: repo.StaffNotificationKind,
  messageId: string | null = null,
) {
  const actorId = event.actor.type === 'staff' ? event.actor.userId : null;
  const audience = (await repo.findTicketAudience(s.tx, event.ticketId)).filter((id) => id !== actorId);
  const rows = await repo.insertStaffNotifications(
    s.tx,
    audience.map((userId) => ({
      userId,
      accountId: event.accountId,
      projectId: event.projectId,
      ticketId: event.ticketId,
      kind,
      messageId,
      createdAt: event.at,
    })),
  );
  await announce(s, rows, event);
}

/** A low score tells the credited agent and the csat.follow_up holders, in-app and (mail's subscriber) by mail. */
export async function onLowScoreAnswered(s: Scope, event: DomainEvents['csat.low_score_answered']) {
  const audience = await repo.findLowScoreAudience(s.tx, event.projectId, event.agentId);
  const rows = await repo.insertStaffNotifications(
    s.tx,
    audience.map((userId) => ({
      userId,
      accountId: event.accountId,
      projectId: event.projectId,
      ticketId: event.ticketId,
      kind: 'low_score' as const,
      surveyId: event.surveyId,
      createdAt: event.at,
    })),
  );
  await announce(s, rows, event);
}

async function announce(
  s: Scope,
  rows: { id: string }[],
  event: { ticketId: string; projectId: string; at: Date },
) {
  for (const row of rows) {
    await s.bus.publish(s, 'staff_notification.created', {
      notificationId: row.id,
      ticketId: event.ticketId,
      projectId: event.projectId,
      at: event.at,
    });
  }
}

/** A staff notification (its mail renders from it); null when it is gone. */
export const findStaffNotification = (db: Queryable, notificationId: string) =>
  repo.findStaffNotification(db, notificationId);

export async function onTicketCreated(s: Scope, event: DomainEvents['ticket.created']) {
  // Its audience is its assignee (it has no watchers yet): no query when it has none.
  if (event.assigneeId) await notifyStaff(s, event, 'new_ticket');
}

/**
 * A requester's reply tells the staff; an agent's public reply goes to the requester's bell (and,
 * through mail's own subscriber, to their mailbox). Internal notes reach nobody outside the staff app.
 */
export async function onMessageCreated(s: Scope, event: DomainEvents['message.created']) {
  if (event.kind !== 'public') return;
  if (event.actor.type === 'requester') {
    await notifyStaff(s, event, 'requester_reply', event.messageId);
  } else if (event.actor.type === 'staff') {
    await repo.insertRequesterNotification(s.tx, {
      kind: 'reply',
      ticketId: event.ticketId,
      messageId: event.messageId,
      createdAt: event.at,
    });
  }
}

export async function onTicketStatusChanged(s: Scope, event: DomainEvents['ticket.status_changed']) {
  // A requester moves a ticket to open only by replying to it (tickets' reopen-on-reply rule).
  if (event.actor.type === 'requester' && event.to === 'open') {
    await notifyStaff(s, event, 'reopened');
  }
}

/** The portal bell is the invitation channel every requester has; mail and Discord add theirs. */
export async function onSurveyCreated(s: Scope, event: DomainEvents['csat.survey_created']) {
  await repo.insertRequesterNotification(s.tx, {
    kind: 'survey',
    ticketId: event.ticketId,
    surveyId: event.surveyId,
    createdAt: event.at,
  });
}

/** An answered or expired survey leaves the bell. */
export async function onSurveysEnded(s: Scope, event: DomainEvents['csat.surveys_ended']) {
  await repo.deleteRequesterSurveyNotifications(s.tx, event.surveyIds);
}

export async function onTicketReadByRequester(s: Scope, event: DomainEvents['ticket.read_by_requester']) {
  await repo.markRequesterRepliesRead(s.tx, event.ticketId, event.customerId, event.at);
}

const cursorSchema = z.object({ r: z.boolean(), t: cursorField.timestamp, id: z.uuid() });

export async function listMyNotifications(
  db: Queryable,
  actor: StaffActor,
  query: { cursor?: string | undefined; limit: number },
) {
  const after = query.cursor ? decodeCursor(query.cursor, cursorSchema) : undefined;
  const [rows, unreadCount] = await Promise.all([
    repo.listStaffNotifications(db, {
      userId: actor.userId,
      after: after && { read: after.r, createdAt: new Date(after.t), id: after.id },
      limit: query.limit,
    }),
    repo.countUnread(db, actor.userId),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1)?.notification;
  return {
    notifications: page.map((r) => ({
      id: r.notification.id,
      kind: r.notification.kind,
      ticket: {
        id: r.notification.ticketId,
        projectId: r.notification.projectId,
        reference: reference(r.projectKey, r.number),
        subject: r.subject,
        requesterName: r.requesterName,
      },
      messageId: r.notification.messageId,
      excerpt: excerptOf(r.messageBody ?? r.comment),
      lowScore:
        r.notification.surveyId && r.rating !== null
          ? { surveyId: r.notification.surveyId, rating: r.rating, reason: r.reason }
          : null,
      createdAt: r.notification.createdAt,
      readAt: r.notification.readAt,
    })),
    unreadCount,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ r: last.readAt !== null, t: last.createdAt.toISOString(), id: last.id })
        : null,
  };
}

const excerptOf = (body: string | null) => {
  if (body === null) return null;
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
};

export const countUnreadNotifications = (db: Queryable, actor: StaffActor) =>
  repo.countUnread(db, actor.userId);

export async function markNotificationsRead(s: Scope, actor: StaffActor, ids: string[] | 'all') {
  return repo.markRead(s.tx, actor.userId, ids, s.clock.now());
}
