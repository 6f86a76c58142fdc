import { boolean, index, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { accounts, projects, timestamptz } from './accounts.js';
import { customers } from './tickets.js';

/**
 * The account's Discord application (one per account). The bot token and the OAuth2 client secret
 * are sealed with the secret box (context `discord.bot_token:{accountId}` and
 * `discord.client_secret:{accountId}`); only their last 4 characters are kept in the clear.
 */
export const discordApps = pgTable('discord_apps', {
  accountId: uuid()
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  applicationId: text().notNull(),
  publicKey: text().notNull(),
  botTokenSealed: text().notNull(),
  botTokenLast4: text().notNull(),
  clientSecretSealed: text().notNull(),
  clientSecretLast4: text().notNull(),
  /** The bot's user name as Discord answered when the token was checked. */
  botName: text().notNull(),
  savedAt: timestamptz().notNull(),
  /** Set when Discord refused the bot token (401) while sending: every send stops until saved again. */
  brokenAt: timestamptz(),
  brokenReason: text(),
});

/** Per project: Discord-linked customers get invitations by DM only (default) or by DM and email. */
export const discordProjectSettings = pgTable(
  'discord_project_settings',
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    dmAndEmail: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.projectId] }), index().on(t.accountId)],
);

/** A customer's linked Discord user: one Discord user to at most one customer per account, and back. */
export const discordLinks = pgTable(
  'discord_links',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    discordUserId: text().notNull(),
    discordUsername: text().notNull(),
    linkedAt: timestamptz().notNull(),
    /** Discord refused DMs to this user for good (50007, 50278, 10013); cleared by linking again. */
    dmUndeliverableAt: timestamptz(),
    dmUndeliverableReason: text(),
    /** The bot's DM channel with this user, kept from the first DM: Discord's is stable per user. */
    dmChannelId: text(),
  },
  (t) => [unique().on(t.accountId, t.customerId), unique().on(t.accountId, t.discordUserId)],
);

/**
 * OAuth2 `state` of a "Link Discord" in progress: the id is the state itself (random, 256 bits,
 * stored hashed), bound to the customer, used once, 10 minutes.
 */
export const discordOauthStates = pgTable(
  'discord_oauth_states',
  {
    stateHash: text().primaryKey(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /**
     * The portal page to go back to, sealed (context `discord.return_to:{stateHash}`): a ticket page
     * reached by its secret link must not land in the database in the clear.
     */
    returnToSealed: text().notNull(),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.customerId)],
);
