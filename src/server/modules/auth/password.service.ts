import type { Scope } from '../../app-context.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { hashPassword, needsRehash, type PasswordCost, verifyPassword } from '../../lib/tokens.js';
import * as repo from './auth.repo.js';
import type { StaffActor } from './auth.service.js';

export const PASSWORD_RESET_MINUTES = 30;
/** At most this many reset links per user per 30 minutes: a stranger cannot flood an inbox. */
export const PASSWORD_RESETS_PER_WINDOW = 3;
const RESET_LINK_PURPOSE = 'password-reset';
const RESET_LINK_VERSION = 1;

/** The staff app's page that sets a new password with the link. */
export const passwordResetPath = (links: LinkTokens, resetId: string) =>
  `/app/reset-password/${links.sign(RESET_LINK_PURPOSE, resetId, RESET_LINK_VERSION)}`;

/** What the reset mail shows: the user's name and when the link dies; null when it is gone. */
export async function findPasswordResetForMail(db: Queryable, resetId: string) {
  const row = await repo.findPasswordReset(db, resetId);
  return row && { ...row.reset, userName: row.userName };
}

/** Hashes made with older parameters are replaced, now that the password is known to be right. */
export async function rehashIfOutdated(
  cost: PasswordCost,
  user: { id: string; passwordHash: string },
  password: string,
): Promise<((tx: Tx) => Promise<void>) | null> {
  if (!needsRehash(user.passwordHash, cost)) return null;
  // Hashed before the caller's transaction opens: scrypt must not hold a connection.
  const passwordHash = await hashPassword(password, cost);
  return (tx) => repo.updatePasswordHash(tx, user.id, passwordHash);
}

/** A new password ends every other session and kills the open reset links. */
async function setPassword(tx: Tx, clock: Clock, cost: PasswordCost, userId: string, password: string) {
  await repo.updatePasswordHash(tx, userId, await hashPassword(password, cost));
  await repo.closePasswordResets(tx, userId, clock.now());
}

export async function changePassword(
  tx: Tx,
  clock: Clock,
  cost: PasswordCost,
  actor: StaffActor,
  input: { currentPassword: string; newPassword: string },
) {
  const user = await repo.lockUser(tx, actor.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('VALIDATION_ERROR', 'The current password is incorrect.', [
      { field: 'currentPassword', message: 'Incorrect password' },
    ]);
  }
  await setPassword(tx, clock, cost, user.id, input.newPassword);
  await repo.deleteSessions(tx, user.id, { except: actor.sessionId });
}

/**
 * Queues a reset link for the address if it is a staff member's, within the per-user cap. Says
 * nothing either way: the caller answers the same for known and unknown addresses.
 */
export async function requestPasswordReset(s: Scope, email: string) {
  const known = await repo.findUserByEmail(s.tx, email);
  const user = known && (await repo.lockUser(s.tx, known.id));
  if (!user) return;
  const now = s.clock.now();
  const windowStart = new Date(now.getTime() - PASSWORD_RESET_MINUTES * 60_000);
  if ((await repo.countPasswordResetsSince(s.tx, user.id, windowStart)) >= PASSWORD_RESETS_PER_WINDOW) return;
  const reset = await repo.insertPasswordReset(s.tx, {
    accountId: user.accountId,
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000),
  });
  await s.bus.publish(s, 'auth.password_reset_requested', { resetId: reset.id, userId: user.id, at: now });
}

const invalidLink = () =>
  new AppError('RESET_LINK_INVALID', 'This reset link is invalid, used or expired; ask for a new one.');

/** Sets the password with a reset link: once, within 30 minutes; every session of the user ends. */
export async function resetPassword(
  tx: Tx,
  clock: Clock,
  links: LinkTokens,
  cost: PasswordCost,
  input: { token: string; password: string },
) {
  const resetId = links.parseId(input.token);
  const reset = resetId && (await repo.lockPasswordReset(tx, resetId));
  if (!reset || !links.verify(RESET_LINK_PURPOSE, input.token, reset.id, RESET_LINK_VERSION)) {
    throw invalidLink();
  }
  if (reset.usedAt || reset.expiresAt.getTime() <= clock.now().getTime()) throw invalidLink();
  await setPassword(tx, clock, cost, reset.userId, input.password);
  await repo.deleteSessions(tx, reset.userId);
}
