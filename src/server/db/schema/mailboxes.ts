import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts, projects, timestamptz } from './accounts.js';

/**
 * A project's mailbox polled over IMAP (the other way in besides the SMTP listener). The password is
 * sealed with the SecretBox (context `mailbox.password:{projectId}`); it is never returned. After a
 * message is committed it gets the `$Clearline` keyword, or is moved to `processedFolder`.
 */
export const projectMailboxes = pgTable(
  'project_mailboxes',
  {
    projectId: uuid()
      .primaryKey()
      .references(() => projects.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    enabled: boolean().notNull().default(true),
    host: text().notNull(),
    port: integer().notNull(),
    /** Implicit TLS (IMAPS, usually 993); otherwise STARTTLS when the server offers it. */
    tls: boolean().notNull(),
    username: text().notNull(),
    passwordSealed: text().notNull(),
    folder: text().notNull().default('INBOX'),
    /** Null: flag processed messages and leave them; else move them there. */
    processedFolder: text(),
    /** Used when the server offers no IDLE, and as the longest wait between checks otherwise. */
    pollSeconds: integer().notNull().default(60),
    updatedAt: timestamptz().notNull(),
    lastCheckedAt: timestamptz(),
    lastError: text(),
  },
  (t) => [
    check('project_mailboxes_port_range', sql`${t.port} BETWEEN 1 AND 65535`),
    check('project_mailboxes_poll_range', sql`${t.pollSeconds} BETWEEN 10 AND 3600`),
  ],
);
