import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, bytea, projects, timestamptz } from './accounts.js';
import { tickets } from './tickets.js';

/**
 * A project's intake: the address mail for it arrives at, how many new tickets one sender may open
 * per hour, and the acknowledgement mailed to a requester whose new ticket came in (switch and text).
 */
export const inboundSettings = pgTable(
  'inbound_settings',
  {
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    address: text(),
    newTicketsPerSenderHour: integer().notNull().default(20),
    acknowledge: boolean().notNull().default(true),
    /** Replaces the catalogue's opening words of the acknowledgement; null: the catalogue's, in the customer's language. */
    acknowledgementText: text(),
    updatedAt: timestamptz().notNull(),
  },
  // An address names one project on the whole instance: the listener routes by it alone.
  (t) => [uniqueIndex('inbound_settings_address_key').on(sql`lower(${t.address})`)],
);

/**
 * Every mail that came in, as received (its `size` bytes in `inbound_message_chunks`, for staff to
 * download) and what became of it:
 * ticket (opened one), reply (added to one), held (flood or malformed: for review), auto (an
 * auto-reply, a list or our own mail: kept, nothing answered), bounce (marked our delivery),
 * discarded (by staff). The unique (project, Message-ID) makes a second delivery of one mail a no-op.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    messageIdHeader: text().notNull(),
    source: text({ enum: ['smtp', 'imap'] }).notNull(),
    fromAddress: text().notNull(),
    subject: text().notNull(),
    status: text({ enum: ['ticket', 'reply', 'held', 'auto', 'bounce', 'discarded'] }).notNull(),
    reason: text(),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'set null' }),
    size: integer().notNull(),
    receivedAt: timestamptz().notNull(),
  },
  (t) => [
    unique().on(t.projectId, t.messageIdHeader),
    index().on(t.projectId, t.fromAddress, t.receivedAt),
    index().on(t.projectId, t.status, t.receivedAt),
  ],
);

/**
 * A received mail's bytes in order (`seq` from 0), each row at most 256 KiB: written and read a
 * row at a time, so a large mail is never one parameter or one value in memory.
 */
export const inboundMessageChunks = pgTable(
  'inbound_message_chunks',
  {
    inboundMessageId: uuid()
      .notNull()
      .references(() => inboundMessages.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.inboundMessageId, t.seq] })],
);
