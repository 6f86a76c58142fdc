import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { SystemEvent } from '../../../shared/system-events.js';
import { ACTIVE_STATUSES, ELIGIBLE_STATUSES, PRIORITIES } from '../../../shared/tickets.js';
import { accounts, projects, timestamptz, users } from './accounts.js';

export const ticketStatus = pgEnum('ticket_status', [...ACTIVE_STATUSES, ...ELIGIBLE_STATUSES]);
export const ticketPriority = pgEnum('ticket_priority', PRIORITIES);
export const messageKind = pgEnum('message_kind', ['public', 'internal', 'system']);

export const customers = pgTable(
  'customers',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    name: text().notNull(),
    /** Their chosen or first-seen language; null until known (the account's default applies). */
    language: text(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [
    uniqueIndex('customers_account_email_key').on(t.accountId, sql`lower(${t.email})`),
    // Staff's requester search: prefix ranges of the email or the name, in order (text_pattern_ops
    // serves LIKE 'abc%' whatever the database's collation).
    index('customers_email_prefix_idx').on(t.accountId, sql`lower(${t.email}) text_pattern_ops`),
    index('customers_name_prefix_idx').on(t.accountId, sql`lower(${t.name}) text_pattern_ops`),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    number: integer().notNull(),
    subject: text().notNull(),
    requesterId: uuid()
      .notNull()
      .references(() => customers.id),
    priority: ticketPriority().notNull().default('normal'),
    status: ticketStatus().notNull().default('open'),
    assigneeId: uuid().references(() => users.id, { onDelete: 'set null' }),
    closesAt: timestamptz(),
    /** Set while the ticket is in the trash (hidden everywhere, restorable for 30 days, then purged). */
    deletedAt: timestamptz(),
    deletedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** How many times the ticket entered an eligible status from an active one. */
    resolution: integer().notNull().default(0),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    /** Part of the signed portal link; staff bump it to kill the old link. */
    portalTokenVersion: integer().notNull().default(1),
    createdAt: timestamptz().notNull(),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [
    unique().on(t.projectId, t.number),
    index().on(t.projectId, t.status, t.number),
    index().on(t.projectId, t.assigneeId, t.number),
    index().on(t.requesterId),
    index('tickets_tags_idx').using('gin', t.tags),
    index('tickets_trash_idx').on(t.deletedAt).where(sql`${t.deletedAt} IS NOT NULL`),
    check(
      'tickets_closes_at_iff_scheduled',
      sql`(${t.status} = 'closure_scheduled') = (${t.closesAt} IS NOT NULL)`,
    ),
  ],
);

export const ticketWatchers = pgTable(
  'ticket_watchers',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.userId] }), index().on(t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** Insertion order: several messages can share a timestamp within one transaction. */
    seq: bigserial({ mode: 'number' }).notNull(),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: messageKind().notNull(),
    authorUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    authorCustomerId: uuid().references(() => customers.id, { onDelete: 'set null' }),
    body: text().notNull(),
    bodyHtml: text().notNull(),
    /** A system message's meaning, for readers in other languages; null on older rows and other kinds. */
    systemEvent: jsonb().$type<SystemEvent>(),
    createdAt: timestamptz().notNull(),
    editedAt: timestamptz(),
  },
  (t) => [index().on(t.ticketId, t.seq)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Null once the ticket is purged: its deletion and the rest of its trail stay. */
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    actorUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** See AuditEventType in the tickets module. */
    type: text().notNull(),
    data: jsonb().notNull().default({}),
    createdAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.ticketId, t.id)],
);
