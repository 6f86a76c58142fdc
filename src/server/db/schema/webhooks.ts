import { boolean, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts, timestamptz } from './accounts.js';
import { deliveries } from './delivery.js';

/**
 * Where an account's events are POSTed. The signing secret is sealed with ctx.secrets (context
 * `webhook.secret:{id}`): Clearline must read it back to sign. `failing_since` is the first failed
 * attempt since the last success; three days of it disable the endpoint (`disabled_at`).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    url: text().notNull(),
    events: text().array().notNull(),
    /** message.created carries internal notes only when chosen explicitly. */
    includeInternalNotes: boolean().notNull().default(false),
    secretSealed: text().notNull(),
    createdAt: timestamptz().notNull(),
    failingSince: timestamptz(),
    disabledAt: timestamptz(),
  },
  (t) => [index().on(t.accountId)],
);

/** One HTTP attempt at a webhook delivery: the endpoint's delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    deliveryId: uuid()
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    at: timestamptz().notNull(),
    /** The HTTP status; null when no answer came (refused address, connection error, timeout). */
    statusCode: integer(),
    durationMs: integer().notNull(),
    /** The first 500 characters of the answer's body, or what went wrong. */
    excerpt: text().notNull(),
  },
  (t) => [index().on(t.endpointId, t.at), index().on(t.deliveryId)],
);
