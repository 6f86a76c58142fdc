import { sql } from 'drizzle-orm';
import { check, index, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts, projects, timestamptz, users } from './accounts.js';
import { csatSurveys } from './csat.js';
import { customers, messages, tickets } from './tickets.js';

/** Items in a requester's notification bell: unread public replies and pending surveys. */
export const requesterNotifications = pgTable(
  'requester_notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text({ enum: ['survey', 'reply'] }).notNull(),
    /** A survey's item goes with the survey (withdrawn, expired, answered). */
    surveyId: uuid().references(() => csatSurveys.id, { onDelete: 'cascade' }),
    messageId: uuid().references(() => messages.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    readAt: timestamptz(),
  },
  (t) => [
    index().on(t.customerId, t.createdAt),
    index().on(t.surveyId),
    // Deleting a ticket or a message cascades here: without these, every delete scans the table.
    index().on(t.ticketId),
    index().on(t.messageId),
    check('requester_notifications_survey_kind', sql`(${t.kind} = 'survey') = (${t.surveyId} IS NOT NULL)`),
    check('requester_notifications_reply_kind', sql`(${t.kind} = 'reply') = (${t.messageId} IS NOT NULL)`),
  ],
);

export const staffNotificationKind = pgEnum('staff_notification_kind', [
  'new_ticket',
  'requester_reply',
  'reopened',
  'low_score',
]);

/** In-app notifications for staff: the assignee and the watchers of a ticket. */
export const staffNotifications = pgTable(
  'staff_notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: staffNotificationKind().notNull(),
    messageId: uuid().references(() => messages.id, { onDelete: 'cascade' }),
    /** The low score a `low_score` notification is about. */
    surveyId: uuid().references(() => csatSurveys.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    readAt: timestamptz(),
  },
  (t) => [
    index().on(t.userId, t.createdAt),
    index().on(t.ticketId),
    index().on(t.messageId),
    index().on(t.surveyId),
    // As text: the enum's new value cannot be used in the migration's transaction that adds it.
    check(
      'staff_notifications_low_score_survey',
      sql`(${t.kind}::text = 'low_score') = (${t.surveyId} IS NOT NULL)`,
    ),
  ],
);
