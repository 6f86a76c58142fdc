import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
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
    /** An answer at or below this many stars is a low score: followed up, and offered the reasons. */
    lowScoreThreshold: smallint().notNull().default(2),
    /** The project's own reasons a customer may pick on a low score; none (the default) offers none. */
    lowScoreReasons: text().array().notNull().default(sql`'{}'::text[]`),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [
    check('csat_settings_expiry_days_range', sql`${t.expiryDays} BETWEEN 1 AND 30`),
    check('csat_settings_low_score_threshold_range', sql`${t.lowScoreThreshold} BETWEEN 1 AND 4`),
  ],
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
    /** The reason picked on a low score, as the project's list named it then. */
    reason: text(),
    channel: csatChannel(),
  },
  (t) => [
    unique('csat_surveys_one_per_resolution').on(t.ticketId, t.resolution),
    check('csat_surveys_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
    check('csat_surveys_comment_length', sql`char_length(${t.comment}) <= 2000`),
    check('csat_surveys_reason_length', sql`char_length(${t.reason}) <= 100`),
    check(
      'csat_surveys_answer_complete',
      sql`(${t.submittedAt} IS NULL) = (${t.rating} IS NULL) AND (${t.submittedAt} IS NULL) = (${t.channel} IS NULL)`,
    ),
    // The review list walks the answers by submission time; the roll-up's recount reads a
    // project's surveys by the second (the daily counts themselves come from csat_daily_counts).
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

/** Stands for "credited to nobody" in csat_daily_counts, whose key columns cannot be null. */
export const NO_AGENT = '00000000-0000-0000-0000-000000000000';

/**
 * CSAT analytics' daily roll-up of csat_surveys, so that a period costs its days, not its surveys.
 * Kept by PostgreSQL itself (triggers of migrations 0024 and 0027): every insert, delete and counted
 * change of a survey adjusts its rows when its transaction commits (deferred constraint triggers, so
 * the row is locked only during the commit) with INSERT … ON CONFLICT DO UPDATE increments,
 * and a change of the account's time zone recounts the account (`csat_daily_counts_rebuild`, also
 * `clearline analytics rebuild`). `day` is a local day in the account's time zone. A row counts the
 * surveys created on `day` whose answer came through `channel` ('' for none yet) in `sent`, and the
 * answers submitted on `day` through `channel` by rating in `rated_1` … `rated_5`.
 */
export const csatDailyCounts = pgTable(
  'csat_daily_counts',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    day: date({ mode: 'string' }).notNull(),
    /** The staff member credited, or NO_AGENT (a key column: PostgreSQL 14 has no NULLS NOT DISTINCT). */
    agentId: uuid().notNull(),
    /** The answer's channel, or '' for surveys not answered (yet). */
    channel: text().notNull(),
    sent: integer().notNull().default(0),
    rated1: integer('rated_1').notNull().default(0),
    rated2: integer('rated_2').notNull().default(0),
    rated3: integer('rated_3').notNull().default(0),
    rated4: integer('rated_4').notNull().default(0),
    rated5: integer('rated_5').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day, t.agentId, t.channel] }), index().on(t.accountId)],
);

/**
 * A low score waiting for (or given) a follow-up by staff: one row per survey answered at or below
 * its project's threshold, made with the answer. The answer itself is never changed by staff; what
 * they did about it lives here.
 */
export const csatFollowUps = pgTable(
  'csat_follow_ups',
  {
    surveyId: uuid()
      .primaryKey()
      .references(() => csatSurveys.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The survey's submission time: the dashboard counts low scores by it, as it counts answers. */
    answeredAt: timestamptz().notNull(),
    doneAt: timestamptz(),
    doneByUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    note: text(),
  },
  (t) => [
    index().on(t.projectId, t.answeredAt),
    index().on(t.doneByUserId),
    check('csat_follow_ups_note_length', sql`char_length(${t.note}) <= 2000`),
    check('csat_follow_ups_note_when_done', sql`${t.note} IS NULL OR ${t.doneAt} IS NOT NULL`),
  ],
);
