import { eq } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.js';
import { projectMailboxes } from '../../db/schema/index.js';

export type MailboxRow = typeof projectMailboxes.$inferSelect;

export async function findMailbox(db: Queryable, projectId: string): Promise<MailboxRow | null> {
  const [row] = await db.select().from(projectMailboxes).where(eq(projectMailboxes.projectId, projectId));
  return row ?? null;
}

export async function upsertMailbox(tx: Tx, values: typeof projectMailboxes.$inferInsert) {
  const { projectId: _, accountId: __, ...changes } = values;
  const [row] = await tx
    .insert(projectMailboxes)
    .values(values)
    .onConflictDoUpdate({ target: projectMailboxes.projectId, set: { ...changes, lastError: null } })
    .returning();
  return row as MailboxRow;
}

export async function deleteMailbox(tx: Tx, projectId: string) {
  const rows = await tx.delete(projectMailboxes).where(eq(projectMailboxes.projectId, projectId)).returning();
  return rows.length > 0;
}

export const listEnabledMailboxes = (db: Queryable) =>
  db.select().from(projectMailboxes).where(eq(projectMailboxes.enabled, true));

export async function recordCheck(db: Queryable, projectId: string, at: Date, error: string | null) {
  await db
    .update(projectMailboxes)
    .set({ lastCheckedAt: at, lastError: error })
    .where(eq(projectMailboxes.projectId, projectId));
}
