import { and, arrayContains, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { webhookAttempts, webhookEndpoints } from '../../db/schema/index.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

export async function insertEndpoint(tx: Tx, values: typeof webhookEndpoints.$inferInsert) {
  const [row] = await tx.insert(webhookEndpoints).values(values).returning();
  return row as EndpointRow;
}

export async function listEndpoints(db: Queryable, accountId: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.accountId, accountId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function findEndpoint(db: Queryable, accountId: string, id: string) {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)));
  return row ?? null;
}

export async function findEndpointById(db: Queryable, id: string) {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row ?? null;
}

const subscribedEndpointsQuery = preparedQuery('subscribed_webhook_endpoints', (db) =>
  db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.accountId, sql.placeholder('accountId')),
        isNull(webhookEndpoints.disabledAt),
        arrayContains(webhookEndpoints.events, sql.placeholder('events')),
      ),
    ),
);

/** The account's enabled endpoints that chose this event (looked up on every event: prepared). */
export async function listSubscribedEndpoints(db: Queryable, accountId: string, type: string) {
  return subscribedEndpointsQuery(db, { accountId, events: [type] });
}

export async function updateEndpoint(
  tx: Tx,
  accountId: string,
  id: string,
  values: Partial<
    Pick<EndpointRow, 'url' | 'events' | 'includeInternalNotes' | 'failingSince' | 'disabledAt'>
  >,
) {
  const [row] = await tx
    .update(webhookEndpoints)
    .set(values)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)))
    .returning();
  return row ?? null;
}

export async function deleteEndpoint(tx: Tx, accountId: string, id: string) {
  const rows = await tx
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.accountId, accountId)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

export async function insertAttempt(tx: Tx, values: typeof webhookAttempts.$inferInsert) {
  await tx.insert(webhookAttempts).values(values);
}

/** A success clears the endpoint's failure streak. */
export async function markEndpointHealthy(tx: Tx, id: string) {
  await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, id));
}

/**
 * A failure starts the streak if none runs; an endpoint failing since `disableBefore` or earlier is
 * disabled. Returns the endpoint when this call disabled it.
 */
export async function markEndpointFailing(tx: Tx, id: string, now: Date, disableBefore: Date) {
  await tx
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now})` })
    .where(eq(webhookEndpoints.id, id));
  const [disabled] = await tx
    .update(webhookEndpoints)
    .set({ disabledAt: now })
    .where(
      and(
        eq(webhookEndpoints.id, id),
        isNull(webhookEndpoints.disabledAt),
        lte(webhookEndpoints.failingSince, disableBefore),
      ),
    )
    .returning();
  return disabled ?? null;
}

export async function listAttempts(db: Queryable, deliveryIds: string[]) {
  if (!deliveryIds.length) return [];
  return db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(desc(webhookAttempts.at), desc(webhookAttempts.id));
}
