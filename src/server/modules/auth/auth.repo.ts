import { and, count, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import { apiTokens, loginAttempts, sessions, users } from '../../db/schema/index.js';

export async function findUserByEmail(db: Queryable, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row ?? null;
}

/**
 * Serialises sign-in checks of one email until the transaction ends, so counting the failures,
 * checking the password and recording the attempt are one step under concurrent requests.
 */
export async function lockSignInAttempts(tx: Tx, email: string) {
  await tx.execute(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`staff-sign-in:${email.toLowerCase()}`}, 0))`,
  );
}

/**
 * Failed attempts for this email since `since` and since its last successful sign-in; with
 * `clientAddress`, only the attempts (failures and the last success) from that address.
 */
export async function countRecentFailures(db: Queryable, email: string, since: Date, clientAddress?: string) {
  const fromClient = clientAddress === undefined ? sql`true` : eq(loginAttempts.clientAddress, clientAddress);
  const lastSuccess = sql`coalesce((SELECT max(${loginAttempts.at}) FROM ${loginAttempts}
    WHERE ${loginAttempts.email} = lower(${email}) AND ${loginAttempts.succeeded} AND ${fromClient}), '-infinity')`;
  const [row] = await db
    .select({
      failures: count(),
      oldest: sql<Date | null>`min(${loginAttempts.at})`,
      newest: sql<Date | null>`max(${loginAttempts.at})`,
    })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.email, sql`lower(${email})`),
        eq(loginAttempts.succeeded, false),
        fromClient,
        gt(loginAttempts.at, since),
        gt(loginAttempts.at, lastSuccess),
      ),
    );
  return {
    failures: row?.failures ?? 0,
    oldest: row?.oldest ? new Date(row.oldest) : null,
    newest: row?.newest ? new Date(row.newest) : null,
  };
}

export async function insertLoginAttempt(
  tx: Tx,
  values: { email: string; clientAddress: string; succeeded: boolean; at: Date },
) {
  await tx.insert(loginAttempts).values({ ...values, email: values.email.toLowerCase() });
}

export async function insertSession(tx: Tx, values: typeof sessions.$inferInsert) {
  await tx.insert(sessions).values(values);
}

export async function deleteSession(tx: Tx, tokenHash: string) {
  await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function findUserBySession(db: Queryable, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ id: users.id, accountId: users.accountId })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  return row ?? null;
}

export async function findUserByApiToken(db: Queryable, tokenHash: string) {
  const [row] = await db
    .select({
      id: users.id,
      accountId: users.accountId,
      tokenId: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row ?? null;
}

/** Records use at most once a minute per token, so reads don't turn into writes. */
export async function touchApiToken(db: Queryable, tokenId: string, now: Date) {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, tokenId),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000))),
      ),
    );
}

export async function insertApiToken(tx: Tx, values: typeof apiTokens.$inferInsert) {
  const [row] = await tx.insert(apiTokens).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function listApiTokens(db: Queryable, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(apiTokens.createdAt);
}

export async function revokeApiToken(tx: Tx, userId: string, tokenId: string, now: Date) {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Sign-ins that ended, and sign-in attempts too old to count towards a lockout. */
export async function deleteExpiredSignIns(db: Queryable, now: Date, attemptsBefore: Date) {
  const ended = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ id: sessions.tokenHash });
  const attempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, attemptsBefore))
    .returning({ id: loginAttempts.id });
  return ended.length + attempts.length;
}
