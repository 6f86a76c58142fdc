import { eq, lt, sql } from 'drizzle-orm';
import { type Database, preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { captchaUses, instanceSecrets } from '../../db/schema/index.js';

/**
 * Stores `value` under `name` unless a secret of that name exists already (another instance may
 * have created it first); either way the stored value is what every instance must use.
 */
export async function insertInstanceSecretIfAbsent(db: Database, name: string, value: string, now: Date) {
  await db.insert(instanceSecrets).values({ name, value, createdAt: now }).onConflictDoNothing();
}

export async function findInstanceSecret(db: Queryable, name: string) {
  const [row] = await db
    .select({ value: instanceSecrets.value })
    .from(instanceSecrets)
    .where(eq(instanceSecrets.name, name));
  return row?.value ?? null;
}

const captchaUseQuery = preparedQuery('insert_captcha_use', (db) =>
  db
    .insert(captchaUses)
    .values({ challenge: sql.placeholder('challenge'), expiresAt: sql.placeholder('expiresAt') })
    .onConflictDoNothing()
    .returning({ challenge: captchaUses.challenge }),
);

/**
 * Records a captcha challenge as used (every captcha-protected form does: prepared). Returns false when it was used already: the primary key and
 * ON CONFLICT DO NOTHING make this one atomic "set if absent", even between instances.
 */
export async function insertCaptchaUseIfAbsent(tx: Tx, challenge: string, expiresAt: Date) {
  const rows = await captchaUseQuery(tx, { challenge, expiresAt });
  return rows.length === 1;
}

/** Deletes the records of challenges that expired before `before`; returns how many. */
export async function deleteCaptchaUsesExpiredBefore(db: Queryable, before: Date) {
  const rows = await db
    .delete(captchaUses)
    .where(lt(captchaUses.expiresAt, before))
    .returning({ challenge: captchaUses.challenge });
  return rows.length;
}
