import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import {
  accounts,
  customers,
  discordApps,
  discordLinks,
  discordOauthStates,
  discordProjectSettings,
} from '../../db/schema/index.js';

export async function findApp(db: Queryable, accountId: string) {
  const [row] = await db.select().from(discordApps).where(eq(discordApps.accountId, accountId));
  return row ?? null;
}

const hasAppQuery = preparedQuery('discord_has_app', (db) =>
  db
    .select({ accountId: discordApps.accountId })
    .from(discordApps)
    .where(eq(discordApps.accountId, sql.placeholder('accountId'))),
);

/** Whether the account has a Discord application set up (the portal's question on every page). */
export const hasApp = async (db: Queryable, accountId: string) =>
  (await hasAppQuery(db, { accountId })).length > 0;

export async function upsertApp(tx: Tx, values: typeof discordApps.$inferInsert) {
  await tx
    .insert(discordApps)
    .values(values)
    .onConflictDoUpdate({
      target: discordApps.accountId,
      set: { ...values, brokenAt: null, brokenReason: null },
    });
}

/** Marks the setup broken once; a later 401 keeps the first time and reason. */
export async function markAppBroken(tx: Tx, accountId: string, at: Date, reason: string) {
  const rows = await tx
    .update(discordApps)
    .set({ brokenAt: at, brokenReason: reason })
    .where(and(eq(discordApps.accountId, accountId), sql`${discordApps.brokenAt} IS NULL`))
    .returning({ accountId: discordApps.accountId });
  return rows.length > 0;
}

export async function findProjectModes(db: Queryable, accountId: string) {
  return db
    .select({ projectId: discordProjectSettings.projectId, dmAndEmail: discordProjectSettings.dmAndEmail })
    .from(discordProjectSettings)
    .where(eq(discordProjectSettings.accountId, accountId));
}

export async function findProjectMode(db: Queryable, projectId: string) {
  const [row] = await db
    .select({ dmAndEmail: discordProjectSettings.dmAndEmail })
    .from(discordProjectSettings)
    .where(eq(discordProjectSettings.projectId, projectId));
  return row?.dmAndEmail ?? false;
}

export async function upsertProjectMode(tx: Tx, accountId: string, projectId: string, dmAndEmail: boolean) {
  await tx
    .insert(discordProjectSettings)
    .values({ accountId, projectId, dmAndEmail })
    .onConflictDoUpdate({ target: discordProjectSettings.projectId, set: { dmAndEmail } });
}

export async function findLink(db: Queryable, accountId: string, customerId: string) {
  const [row] = await db
    .select()
    .from(discordLinks)
    .where(and(eq(discordLinks.accountId, accountId), eq(discordLinks.customerId, customerId)));
  return row ?? null;
}

export async function findLinkByDiscordUser(db: Queryable, accountId: string, discordUserId: string) {
  const [row] = await db
    .select()
    .from(discordLinks)
    .where(and(eq(discordLinks.accountId, accountId), eq(discordLinks.discordUserId, discordUserId)));
  return row ?? null;
}

/** Removes this Discord user's link to any other customer of the account; true when one was moved. */
export async function deleteLinkOfOthers(
  tx: Tx,
  accountId: string,
  discordUserId: string,
  customerId: string,
) {
  const rows = await tx
    .delete(discordLinks)
    .where(
      and(
        eq(discordLinks.accountId, accountId),
        eq(discordLinks.discordUserId, discordUserId),
        ne(discordLinks.customerId, customerId),
      ),
    )
    .returning({ id: discordLinks.id });
  return rows.length > 0;
}

export async function upsertLink(
  tx: Tx,
  values: {
    accountId: string;
    customerId: string;
    discordUserId: string;
    discordUsername: string;
    linkedAt: Date;
  },
) {
  await tx
    .insert(discordLinks)
    .values(values)
    .onConflictDoUpdate({
      target: [discordLinks.accountId, discordLinks.customerId],
      set: {
        discordUserId: values.discordUserId,
        discordUsername: values.discordUsername,
        linkedAt: values.linkedAt,
        dmUndeliverableAt: null,
        dmUndeliverableReason: null,
        dmChannelId: null,
      },
    });
}

export async function deleteLink(tx: Tx, accountId: string, customerId: string) {
  const rows = await tx
    .delete(discordLinks)
    .where(and(eq(discordLinks.accountId, accountId), eq(discordLinks.customerId, customerId)))
    .returning({ id: discordLinks.id });
  return rows.length > 0;
}

export async function markLinkUndeliverable(
  tx: Tx,
  accountId: string,
  customerId: string,
  at: Date,
  reason: string,
) {
  await tx
    .update(discordLinks)
    .set({ dmUndeliverableAt: at, dmUndeliverableReason: reason })
    .where(and(eq(discordLinks.accountId, accountId), eq(discordLinks.customerId, customerId)));
}

/** Keeps (or, with null, forgets) the bot's DM channel with this Discord user. */
export async function setDmChannel(
  db: Queryable,
  accountId: string,
  discordUserId: string,
  channelId: string | null,
) {
  await db
    .update(discordLinks)
    .set({ dmChannelId: channelId })
    .where(and(eq(discordLinks.accountId, accountId), eq(discordLinks.discordUserId, discordUserId)));
}

export async function insertState(tx: Tx, values: typeof discordOauthStates.$inferInsert) {
  await tx.insert(discordOauthStates).values(values);
}

export async function deleteExpiredStates(db: Queryable, now: Date) {
  await db.delete(discordOauthStates).where(lt(discordOauthStates.expiresAt, now));
}

/** Takes the state out (single use): the row, or null when unknown or already used. */
export async function takeState(tx: Tx, stateHash: string) {
  const [row] = await tx
    .delete(discordOauthStates)
    .where(eq(discordOauthStates.stateHash, stateHash))
    .returning();
  return row ?? null;
}

/** What a link page's language is chosen from: the customer's stored one, the account's default and time zone. */
export async function findCustomerLocale(db: Queryable, accountId: string, customerId: string) {
  const [row] = await db
    .select({
      language: customers.language,
      defaultLanguage: accounts.defaultLanguage,
      timezone: accounts.timezone,
    })
    .from(customers)
    .innerJoin(accounts, eq(accounts.id, customers.accountId))
    .where(and(eq(customers.id, customerId), eq(customers.accountId, accountId)));
  return row ?? null;
}
