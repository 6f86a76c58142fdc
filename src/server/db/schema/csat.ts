import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  smallint,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, projects, timestamptz, users } from './accounts.js';
import { tickets } from './tickets.js';

export const csatChannel = pgEnum('csat_channel', ['link', 'email', 'portal', 'discord']);
export const csatEventType = pgEnum('csat_event_type', [
  'created',
  'invitation_sent',
  'withdrawn',
  'expired',
  'submitted',
]);

/** Per-project CSAT behaviour; a project without a row uses the defaults. */
export const csatSettings = pgTable(
  'csat_settings',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    enabled: boolean().notNull().default(true),
    expiryDays: integer().notNull().default(7),
    invitationText: text().notNull(),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [check('csat_settings_expiry_days_range', sql`${t.expiryDays} BETWEEN 1 AND 30`)],
);

/**
 * One survey per ticket resolution (the unique constraint makes a second one impossible, also under
 * concurrent requests). Unsubmitted surveys are deleted when the ticket is reopened; their events stay.
 */
export const csatSurveys = pgTable(
  'csat_surveys',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Null once the ticket is purged from the trash: the answer stays, with ticketReference. */
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    /** The ticket's reference (ACME-42), copied at creation so a purged ticket's answer still names it. */
    ticketReference: text(),
    resolution: integer().notNull(),
    /** The staff member credited: the assignee at creation, else the last public staff replier. */
    agentId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** Part of the signed link; bumping it revokes the old link. */
    tokenVersion: integer().notNull().default(1),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    /** Set by the expiry job; submission checks expiresAt itself, never this. */
    expiredAt: timestamptz(),
    submittedAt: timestamptz(),
    rating: smallint(),
    comment: text(),
    channel: csatChannel(),
  },
  (t) => [
    unique('csat_surveys_one_per_resolution').on(t.ticketId, t.resolution),
    check('csat_surveys_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
    check('csat_surveys_comment_length', sql`char_length(${t.comment}) <= 2000`),
    check(
      'csat_surveys_answer_complete',
      sql`(${t.submittedAt} IS NULL) = (${t.rating} IS NULL) AND (${t.submittedAt} IS NULL) = (${t.channel} IS NULL)`,
    ),
    // CSAT analytics (modules/analytics) read only these columns, so its range scans over a period
    // are index-only: answers by submission time, surveys sent by creation time.
    index('csat_surveys_answers_idx')
      .on(t.projectId, t.submittedAt, t.agentId, t.rating, t.channel)
      .where(sql`${t.submittedAt} IS NOT NULL`),
    index('csat_surveys_sent_idx').on(t.projectId, t.createdAt, t.agentId, t.channel),
    index('csat_surveys_due_idx')
      .on(t.expiresAt)
      .where(sql`${t.submittedAt} IS NULL AND ${t.expiredAt} IS NULL`),
  ],
);

/** The audit trail of every survey; kept when a withdrawn survey is deleted (no foreign key to it). */
export const csatEvents = pgTable(
  'csat_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    surveyId: uuid().notNull(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Null once the ticket is purged: the trail of its surveys stays. */
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    type: csatEventType().notNull(),
    channel: csatChannel(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.surveyId), index().on(t.projectId, t.createdAt), index().on(t.ticketId)],
);
