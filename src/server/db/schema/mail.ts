import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts, timestamptz } from './accounts.js';
import { tickets } from './tickets.js';

export const mailKind = pgEnum('mail_kind', [
  'agent_reply',
  'survey_invitation',
  'sign_in',
  'staff_notification',
]);
export const mailStatus = pgEnum('mail_status', ['queued', 'sent', 'failed', 'kept']);

/**
 * Every mail Clearline sends, one row per cause (`cause_key` is unique: never sent twice for one
 * cause). Only the cause is stored; the mail is rendered when sent or shown, so secret links in it
 * are never written to the database.
 */
export const outgoingMails = pgTable(
  'outgoing_mails',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'cascade' }),
    causeKey: text().notNull().unique(),
    kind: mailKind().notNull(),
    /** The ids the renderer needs: { messageId } | { surveyId } | { tokenId } | { notificationId }. */
    cause: jsonb().notNull(),
    recipient: text().notNull(),
    status: mailStatus().notNull().default('queued'),
    attempts: integer().notNull().default(0),
    lastError: text(),
    createdAt: timestamptz().notNull(),
    sentAt: timestamptz(),
  },
  (t) => [index().on(t.ticketId), index().on(t.accountId, t.createdAt)],
);
