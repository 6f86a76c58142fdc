import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './accounts.js';

/** Captcha challenges already used once: a replayed solution finds its row and is refused. */
export const captchaUses = pgTable(
  'captcha_uses',
  {
    challenge: text().primaryKey(),
    expiresAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.expiresAt)],
);

/** Server-generated keys shared by every instance (e.g. the captcha HMAC key). */
export const instanceSecrets = pgTable('instance_secrets', {
  name: text().primaryKey(),
  value: text().notNull(),
  createdAt: timestamptz().notNull(),
});
