import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { accounts, projects, timestamptz } from './accounts.js';
import { tickets } from './tickets.js';

/** Where a delivery goes out; Discord DMs and webhooks join as further channels. */
export const deliveryChannel = pgEnum('delivery_channel', ['mail', 'discord', 'webhook']);

/**
 * queued: waiting for its (next) attempt; sent: accepted by the other side; failed: given up (see
 * last_error); kept: the channel is not configured (mail without SMTP_URL), shown on the outbox
 * page instead; bounced: reported undeliverable after it was sent.
 */
export const deliveryStatus = pgEnum('delivery_status', ['queued', 'sent', 'failed', 'kept', 'bounced']);

/**
 * Everything that leaves the process, one row per cause (unique per channel: never sent twice for
 * one cause). Only the cause is stored; the channel renders it when it sends or shows it, so secret
 * links are never written to the database. A worker claims a row by setting a lease, sends outside
 * any transaction, and records the result; a lease that runs out (the worker died) frees the row.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid().references(() => projects.id, { onDelete: 'cascade' }),
    ticketId: uuid().references(() => tickets.id, { onDelete: 'cascade' }),
    channel: deliveryChannel().notNull(),
    /** The channel's kind of message (mail: agent_reply, survey_invitation…). */
    kind: text().notNull(),
    causeKey: text().notNull(),
    /** The ids the channel renders from, as its own schema describes them. */
    cause: jsonb().notNull(),
    /** An address, a Discord user, an endpoint: whatever the channel sends to. */
    recipient: text().notNull(),
    status: deliveryStatus().notNull().default('queued'),
    /** Attempts started so far (counted when claimed, so a crashed attempt counts too). */
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamptz().notNull(),
    leaseUntil: timestamptz(),
    /** The claim that holds the lease: only its worker records a retry or a failure. */
    claimedBy: text(),
    /** What staff see: the other side's answer or the connection problem, never internals. */
    lastError: text(),
    /** The id the other side knows it by (mail: the Message-ID). */
    externalId: text(),
    createdAt: timestamptz().notNull(),
    sentAt: timestamptz(),
  },
  (t) => [
    unique().on(t.channel, t.causeKey),
    index().on(t.ticketId),
    index().on(t.accountId, t.createdAt),
    index().on(t.channel, t.recipient, t.createdAt),
    index().on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    check('deliveries_lease_has_claim', sql`(${t.leaseUntil} IS NULL) = (${t.claimedBy} IS NULL)`),
  ],
);
