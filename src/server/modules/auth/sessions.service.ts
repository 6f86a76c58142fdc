import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import * as repo from './auth.repo.js';
import type { StaffActor } from './auth.service.js';

/** The actor's open sessions, most recently used first, the one of this request marked `current`. */
export async function listSessions(db: Queryable, clock: Clock, actor: StaffActor) {
  const rows = await repo.listSessions(db, actor.userId, clock.now());
  return rows.map((r) => ({ ...r, current: r.id === actor.sessionId }));
}

export async function endSessionById(tx: Tx, actor: StaffActor, sessionId: string) {
  if ((await repo.deleteSessions(tx, actor.userId, { only: sessionId })) === 0) throw notFound('Session');
}

/** Signs the user out everywhere (their API tokens are kept: they are revoked one by one). */
export const endAllSessions = (tx: Tx, userId: string) => repo.deleteSessions(tx, userId);
