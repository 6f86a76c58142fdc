import { and, count, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { apiTokens, loginAttempts, passwordResets, sessions, users } from '../../db/schema/index.js';

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
  const [row] = await tx
    .insert(loginAttempts)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning({ id: loginAttempts.id });
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export async function markLoginAttemptSucceeded(tx: Tx, id: string) {
  await tx.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, id));
}

export async function insertSession(tx: Tx, values: typeof sessions.$inferInsert) {
  await tx.insert(sessions).values(values);
}

export async function deleteSession(tx: Tx, tokenHash: string) {
  await tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function findUserBySession(db: Queryable, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ id: users.id, accountId: users.accountId, sessionId: sessions.id })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  return row ?? null;
}

// Every API request looks its token up: prepared.
const userByApiTokenQuery = preparedQuery('user_by_api_token', (db) =>
  db
    .select({
      id: users.id,
      accountId: users.accountId,
      tokenId: apiTokens.id,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt))),
);

export async function findUserByApiToken(db: Queryable, tokenHash: string) {
  const [row] = await userByApiTokenQuery(db, { tokenHash });
  return row ?? null;
}

const TOUCH_EVERY_MS = 60_000;

/** Use is recorded at most once a minute per token, so reads don't turn into writes. */
export const isTouchDue = (lastUsedAt: Date | null, now: Date) =>
  !lastUsedAt || lastUsedAt.getTime() < now.getTime() - TOUCH_EVERY_MS;

/** Records the token's use; the condition keeps concurrent requests from writing it twice. */
export async function touchApiToken(db: Queryable, tokenId: string, now: Date) {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, tokenId),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))),
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

/** Sign-ins that ended, sign-in attempts too old to count towards a lockout, and expired reset links. */
export async function deleteExpiredSignIns(db: Queryable, now: Date, attemptsBefore: Date) {
  const ended = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ id: sessions.tokenHash });
  const attempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, attemptsBefore))
    .returning({ id: loginAttempts.id });
  const resets = await db
    .delete(passwordResets)
    .where(lt(passwordResets.expiresAt, now))
    .returning({ id: passwordResets.id });
  return ended.length + attempts.length + resets.length;
}

/** Records use at most once a minute per session, like API tokens. */
export async function touchSession(db: Queryable, sessionId: string, now: Date) {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(sessions.id, sessionId),
        or(isNull(sessions.lastSeenAt), lt(sessions.lastSeenAt, new Date(now.getTime() - 60_000))),
      ),
    );
}

export async function listSessions(db: Queryable, userId: string, now: Date) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userAgent: sessions.userAgent,
      ipAddress: sessions.ipAddress,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
}

/** Ends the user's sessions, all of them or one (`only`), or all but one (`except`). */
export async function deleteSessions(
  tx: Tx,
  userId: string,
  which: { only?: string | undefined; except?: string | undefined } = {},
) {
  const rows = await tx
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        which.only ? eq(sessions.id, which.only) : undefined,
        which.except ? ne(sessions.id, which.except) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/** The user row, locked: password changes and reset requests for one user run one at a time. */
export async function lockUser(tx: Tx, userId: string) {
  const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
  return row ?? null;
}

export async function insertUser(tx: Tx, values: typeof users.$inferInsert) {
  const [row] = await tx.insert(users).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updatePasswordHash(tx: Tx, userId: string, passwordHash: string) {
  await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function countPasswordResetsSince(db: Queryable, userId: string, since: Date) {
  const [row] = await db
    .select({ n: count() })
    .from(passwordResets)
    .where(and(eq(passwordResets.userId, userId), gt(passwordResets.createdAt, since)));
  return row?.n ?? 0;
}

export async function insertPasswordReset(tx: Tx, values: typeof passwordResets.$inferInsert) {
  const [row] = await tx.insert(passwordResets).values(values).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function lockPasswordReset(tx: Tx, resetId: string) {
  const [row] = await tx.select().from(passwordResets).where(eq(passwordResets.id, resetId)).for('update');
  return row ?? null;
}

export async function findPasswordReset(db: Queryable, resetId: string) {
  const [row] = await db
    .select({ reset: passwordResets, userName: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.id, resetId));
  return row ?? null;
}

/** Kills every open reset link of the user: used, or made pointless by a new password. */
export async function closePasswordResets(tx: Tx, userId: string, now: Date) {
  await tx
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}
