import { and, eq, type Placeholder, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import { accounts, projects, users } from '../../db/schema/index.js';

export async function hasAnyAccount(db: Queryable) {
  const result = await db.execute(sql`SELECT EXISTS (SELECT 1 FROM ${accounts}) AS "exists"`);
  return Boolean(result.rows[0]?.exists);
}

export async function findFirstAccountName(db: Queryable) {
  const [row] = await db.select({ name: accounts.name }).from(accounts).orderBy(accounts.createdAt).limit(1);
  return row?.name ?? null;
}

export async function insertAccount(tx: Tx, values: typeof accounts.$inferInsert) {
  const [row] = await tx.insert(accounts).values(values).returning({ id: accounts.id });
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findAccount(db: Queryable, accountId: string) {
  const [row] = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      timezone: accounts.timezone,
      defaultLanguage: accounts.defaultLanguage,
      hasLogo: sql<boolean>`${accounts.logo} IS NOT NULL`,
      brandColor: accounts.brandColor,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ?? null;
}

export async function findAccountBrand(db: Queryable, accountId: string) {
  const [row] = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      timezone: accounts.timezone,
      defaultLanguage: accounts.defaultLanguage,
      hasLogo: sql<boolean>`${accounts.logo} IS NOT NULL`,
      brandColor: accounts.brandColor,
    })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ?? null;
}

export async function findAccountLogo(db: Queryable, accountId: string) {
  const [row] = await db
    .select({ logo: accounts.logo, contentType: accounts.logoContentType })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row?.logo && row.contentType ? { logo: row.logo, contentType: row.contentType } : null;
}

export async function updateAccount(
  tx: Tx,
  accountId: string,
  values: Partial<typeof accounts.$inferInsert>,
) {
  await tx.update(accounts).set(values).where(eq(accounts.id, accountId));
}

export async function insertProject(tx: Tx, values: typeof projects.$inferInsert) {
  const [row] = await tx.insert(projects).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findProject(db: Queryable, accountId: string, projectId: string) {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.accountId, accountId)));
  return row ?? null;
}

export async function updateProject(tx: Tx, projectId: string, values: { name?: string }) {
  const [row] = await tx.update(projects).set(values).where(eq(projects.id, projectId)).returning();
  return row ?? null;
}

export async function deleteProject(tx: Tx, projectId: string) {
  await tx.delete(projects).where(eq(projects.id, projectId));
}

/** The account owners' ids: who is told about account-wide problems (a refused Discord bot token). */
export async function findAccountOwnerIds(db: Queryable, accountId: string) {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.accountRole, 'owner')));
  return rows.map((r) => r.id);
}

export async function findUser(db: Queryable, userId: string) {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      accountId: users.accountId,
      accountRole: users.accountRole,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** Serialises first-run setup: two concurrent setups cannot both create an account. */
export async function lockSetup(tx: Tx) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(7240118)`);
}

export async function pingDatabase(db: Queryable) {
  await db.execute(sql`SELECT 1`);
}

/** The statement that hands out the next per-project ticket number; it locks the project row. */
export const incrementTicketCounter = (db: Queryable, projectId: string | Placeholder) =>
  db
    .update(projects)
    .set({ ticketCounter: sql`${projects.ticketCounter} + 1` })
    .where(eq(projects.id, projectId))
    .returning({ number: projects.ticketCounter });
