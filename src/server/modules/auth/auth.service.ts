import type { Database, Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import {
  dummyPasswordHash,
  generateSecret,
  hashSecret,
  type PasswordCost,
  verifyPassword,
} from '../../lib/tokens.js';
import * as repo from './auth.repo.js';

/** A signed-in staff member. Requesters are a different kind of actor with their own links. */
export interface StaffActor {
  kind: 'staff';
  userId: string;
  accountId: string;
  via: 'session' | 'token';
  /** The session signed in with (via: 'session'), so that it can be told apart from the others. */
  sessionId?: string;
}

export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
/** Failures of one email, from all addresses together, before its password checks are slowed down. */
export const SLOWDOWN_AFTER = 10;
/** The longest wait between two checks of a slowed-down email: what the owner may have to wait. */
export const MAX_SLOWDOWN_MS = 60_000;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Refuses the check while this client address has had 5 failures for the email in 15 minutes
 * (since its last success from there), or while the email waits out its slowdown. Locking out by
 * email and address means a stranger cannot keep the owner out; the per-email slowdown (one check
 * per 1, 2, 4… up to 60 seconds after 10 failures from anywhere) means many addresses cannot guess fast.
 */
async function assertSignInAllowed(db: Queryable, email: string, clientAddress: string, now: Date) {
  const since = new Date(now.getTime() - LOCKOUT_WINDOW_MS);
  const fromClient = await repo.countRecentFailures(db, email, since, clientAddress);
  if (fromClient.failures >= LOCKOUT_ATTEMPTS && fromClient.oldest) {
    const seconds = Math.ceil((fromClient.oldest.getTime() + LOCKOUT_WINDOW_MS - now.getTime()) / 1000);
    throw new AppError(
      'ACCOUNT_LOCKED',
      `Too many failed sign-in attempts for this email. Try again in ${plural(Math.max(1, Math.ceil(seconds / 60)), 'minute')}.`,
      { retryAfterSeconds: seconds },
    );
  }
  const fromAnywhere = await repo.countRecentFailures(db, email, since);
  if (fromAnywhere.failures >= SLOWDOWN_AFTER && fromAnywhere.newest) {
    const delay = Math.min(1000 * 2 ** (fromAnywhere.failures - SLOWDOWN_AFTER), MAX_SLOWDOWN_MS);
    const seconds = Math.ceil((fromAnywhere.newest.getTime() + delay - now.getTime()) / 1000);
    if (seconds > 0) {
      throw new AppError(
        'SIGN_IN_SLOWED',
        `Many failed sign-in attempts for this email; sign-in is slowed down. Try again in ${plural(seconds, 'second')}.`,
        { retryAfterSeconds: seconds },
      );
    }
  }
}

/**
 * Counts a sign-in attempt as a failure before its password is checked, under a per-email lock,
 * so concurrent attempts see each other and at most the allowed number are ever checked. The
 * password is then checked outside any transaction (scrypt takes a tenth of a second or more, and
 * must not hold a connection or the lock) and a success is recorded by `recordSignInSuccess`.
 */
export async function beginSignInAttempt(
  tx: Tx,
  clock: Clock,
  credentials: { email: string; clientAddress: string },
) {
  const { email, clientAddress } = credentials;
  await repo.lockSignInAttempts(tx, email);
  const now = clock.now();
  await assertSignInAllowed(tx, email, clientAddress, now);
  const user = await repo.findUserByEmail(tx, email);
  const attemptId = await repo.insertLoginAttempt(tx, { email, clientAddress, succeeded: false, at: now });
  return { attemptId, user };
}

/** Checks a password against the user's hash; unknown emails cost the same scrypt time as known ones. */
export async function checkPassword(
  cost: PasswordCost,
  user: { passwordHash: string } | null,
  password: string,
) {
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash(cost)));
  return ok && user !== null;
}

export async function recordSignInSuccess(tx: Tx, attemptId: string) {
  await repo.markLoginAttemptSucceeded(tx, attemptId);
}

/** Who a session or API token is for: the user and their account. */
export type StaffIdentity = Pick<StaffActor, 'userId' | 'accountId'>;

/** Where a session was opened from, shown in its owner's list of sessions. */
export interface SessionClient {
  userAgent: string | undefined;
  ipAddress: string;
}

export async function createSession(
  tx: Tx,
  clock: Clock,
  staff: StaffIdentity,
  days: number,
  client?: SessionClient,
) {
  const token = generateSecret();
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  await repo.insertSession(tx, {
    tokenHash: hashSecret(token),
    accountId: staff.accountId,
    userId: staff.userId,
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
    userAgent: client?.userAgent?.slice(0, 500) ?? null,
    ipAddress: client?.ipAddress ?? null,
  });
  return { token, expiresAt };
}

export async function endSession(tx: Tx, token: string) {
  await repo.deleteSession(tx, hashSecret(token));
}

export async function resolveSession(db: Database, clock: Clock, token: string): Promise<StaffActor | null> {
  const user = await repo.findUserBySession(db, hashSecret(token), clock.now());
  if (!user) return null;
  await repo.touchSession(db, user.sessionId, clock.now());
  return {
    kind: 'staff',
    userId: user.id,
    accountId: user.accountId,
    via: 'session',
    sessionId: user.sessionId,
  };
}

export async function resolveApiToken(db: Database, clock: Clock, token: string): Promise<StaffActor | null> {
  const user = await repo.findUserByApiToken(db, hashSecret(token));
  if (!user) return null;
  const now = clock.now();
  if (repo.isTouchDue(user.lastUsedAt, now)) await repo.touchApiToken(db, user.tokenId, now);
  return { kind: 'staff', userId: user.id, accountId: user.accountId, via: 'token' };
}

/** A new personal API token; the secret is returned once and only its hash is kept. */
export async function createApiToken(tx: Tx, clock: Clock, staff: StaffIdentity, name: string) {
  const token = generateSecret('cl_');
  const row = await repo.insertApiToken(tx, {
    accountId: staff.accountId,
    userId: staff.userId,
    name,
    tokenHash: hashSecret(token),
    createdAt: clock.now(),
  });
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: null,
    token,
  };
}

export const listApiTokens = (db: Queryable, actor: StaffActor) => repo.listApiTokens(db, actor.userId);

export async function revokeApiToken(tx: Tx, clock: Clock, actor: StaffActor, tokenId: string) {
  if (!(await repo.revokeApiToken(tx, actor.userId, tokenId, clock.now()))) throw notFound('API token');
}

/** Deletes ended sessions, and sign-in attempts a day old (they count for 15 minutes only). */
export const purgeExpiredSignIns = (db: Queryable, clock: Clock) =>
  repo.deleteExpiredSignIns(db, clock.now(), new Date(clock.now().getTime() - 86_400_000));

/** A new staff user: auth owns `users`, since it holds their credentials; members adds memberships. */
export function createUser(tx: Tx, values: Parameters<typeof repo.insertUser>[1]) {
  return repo.insertUser(tx, values);
}
