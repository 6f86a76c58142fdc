import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts, timestamptz } from './accounts.js';
import { customers } from './tickets.js';

/** Single-use sign-in links for customers; the link is derived from the id (HMAC), never stored. */
export const customerSignInTokens = pgTable(
  'customer_sign_in_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    usedAt: timestamptz(),
  },
  (t) => [index().on(t.customerId)],
);

/** Signed-in customers on the portal home; the cookie's secret is stored hashed. */
export const customerSessions = pgTable(
  'customer_sessions',
  {
    tokenHash: text().primaryKey(),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.customerId)],
);
