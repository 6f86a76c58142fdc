import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const timestamptz = (name?: string) =>
  name ? timestamp(name, { withTimezone: true }) : timestamp({ withTimezone: true });

export const accounts = pgTable(
  'accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    timezone: text().notNull().default('UTC'),
    /** The language of customers whose own is not known yet (see src/shared/i18n). */
    defaultLanguage: text().notNull().default('en'),
    logo: bytea(),
    logoContentType: text(),
    /** Buttons and links of the customer pages and mails (`#rrggbb`); null: Clearline's own. */
    brandColor: text(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [check('accounts_brand_color_format', sql`${t.brandColor} ~ '^#[0-9a-f]{6}$'`)],
);

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    /** owner: holds the account-wide permissions (the person who set the account up); member: none. */
    accountRole: text({ enum: ['owner', 'member'] })
      .notNull()
      .default('member'),
    createdAt: timestamptz().notNull(),
  },
  // One staff identity per email across the instance: sign-in is by email alone.
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`), index().on(t.accountId)],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    /** The client address the attempt came from (null for attempts recorded before it was kept). */
    clientAddress: text(),
    succeeded: boolean().notNull(),
    at: timestamptz().notNull(),
  },
  (t) => [index().on(t.email, t.at)],
);

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text().primaryKey(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** Names the session in the sessions list (the token hash never leaves the server). */
    id: uuid().notNull().defaultRandom().unique(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    /** Updated at most once a minute, so reads do not all turn into writes. */
    lastSeenAt: timestamptz(),
    userAgent: text(),
    ipAddress: text(),
  },
  (t) => [index().on(t.userId)],
);

/** Single-use password reset links; the link is derived from the id (HMAC), never stored. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    /** Set when used, or when the password changed otherwise: either way the link is dead. */
    usedAt: timestamptz(),
  },
  (t) => [index().on(t.userId, t.createdAt)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdAt: timestamptz().notNull(),
    lastUsedAt: timestamptz(),
    revokedAt: timestamptz(),
  },
  (t) => [index().on(t.userId)],
);

export const projects = pgTable(
  'projects',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** Prefix of ticket references: ACME in ACME-42. */
    key: text().notNull(),
    /** The last ticket number handed out; incremented under the row lock. */
    ticketCounter: integer().notNull().default(0),
    createdAt: timestamptz().notNull(),
  },
  (t) => [unique().on(t.accountId, t.key)],
);

export const roles = pgTable(
  'roles',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** owner | admin | staff | custom. Owner is immutable; built-in roles cannot be deleted. */
    kind: text({ enum: ['owner', 'admin', 'staff', 'custom'] }).notNull(),
    permissions: text().array().notNull(),
  },
  (t) => [unique().on(t.projectId, t.name), unique('roles_id_project_key').on(t.id, t.projectId)],
);

export const projectMembers = pgTable(
  'project_members',
  {
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: uuid().notNull(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.userId] }),
    index().on(t.userId),
    // The role must belong to the same project.
    foreignKey({ columns: [t.roleId, t.projectId], foreignColumns: [roles.id, roles.projectId] }),
  ],
);

export { timestamptz };
