import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts, bytea, timestamptz } from './accounts.js';
import { messages, tickets } from './tickets.js';

/**
 * A file on a message. Its bytes are in `attachment_chunks` or, when it was stored while
 * ATTACHMENTS_DIR was set (`on_disk`), in a file named by its id there. `content_id` is the
 * MIME Content-ID of an inline image (`cid:` in the mail's HTML), without angle brackets.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ticketId: uuid()
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    /** Storing order: a message's files are listed as they were attached. */
    seq: bigserial({ mode: 'number' }).notNull(),
    filename: text().notNull(),
    contentType: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    contentId: text(),
    onDisk: boolean().notNull(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [
    index().on(t.messageId, t.seq),
    index().on(t.ticketId),
    check('attachments_size_not_negative', sql`${t.size} >= 0`),
  ],
);

/** The bytes of a database-stored attachment, in order (`seq` from 0), each at most 256 KiB. */
export const attachmentChunks = pgTable(
  'attachment_chunks',
  {
    attachmentId: uuid()
      .notNull()
      .references(() => attachments.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.seq] })],
);
