import { and, asc, desc, eq, inArray, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { deliveries } from '../../db/schema/index.js';

export type DeliveryRow = typeof deliveries.$inferSelect;
export type DeliveryChannelName = DeliveryRow['channel'];
export type DeliveryStatus = DeliveryRow['status'];

const insertDeliveryQuery = preparedQuery('insert_delivery_once', (db) =>
  db
    .insert(deliveries)
    .values({
      accountId: sql.placeholder('accountId'),
      projectId: sql.placeholder('projectId'),
      ticketId: sql.placeholder('ticketId'),
      channel: sql.placeholder('channel'),
      kind: sql.placeholder('kind'),
      causeKey: sql.placeholder('causeKey'),
      cause: sql.placeholder('cause'),
      recipient: sql.placeholder('recipient'),
      nextAttemptAt: sql.placeholder('nextAttemptAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .onConflictDoNothing({ target: [deliveries.channel, deliveries.causeKey] })
    .returning({ id: deliveries.id }),
);

export type NewDeliveryRow = Pick<
  typeof deliveries.$inferInsert,
  'accountId' | 'channel' | 'kind' | 'causeKey' | 'cause' | 'recipient' | 'nextAttemptAt' | 'createdAt'
> & { projectId: string | null; ticketId: string | null };

/** Inserts the delivery unless one exists for this cause on this channel; null then. */
export async function insertDeliveryOnce(tx: Tx, values: NewDeliveryRow) {
  const [row] = await insertDeliveryQuery(tx, values);
  return row?.id ?? null;
}

/**
 * One conditional UPDATE claims the delivery for attempt number `attempt`: still queued, that many
 * attempts short of it, and no live lease on it. Of two workers racing for it, the second re-checks
 * the row after the first commits and gets nothing, as does a stale job for an earlier attempt.
 * The attempt is counted here, so an attempt whose worker died counts too.
 */
export async function claimDelivery(
  tx: Tx,
  deliveryId: string,
  claim: { attempt: number; claimedBy: string; now: Date; leaseUntil: Date },
) {
  const [row] = await tx
    .update(deliveries)
    .set({ claimedBy: claim.claimedBy, leaseUntil: claim.leaseUntil, attempts: claim.attempt })
    .where(
      and(
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, 'queued'),
        eq(deliveries.attempts, claim.attempt - 1),
        or(isNull(deliveries.leaseUntil), lte(deliveries.leaseUntil, claim.now)),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Records an attempt's end and releases the lease, if the delivery is still queued. With
 * `claimedBy`, only while that claim holds (a worker whose lease ran out records nothing); a
 * successful send is recorded whoever holds the lease now. False when nothing was recorded.
 */
export async function finishAttempt(
  tx: Tx,
  deliveryId: string,
  values: Pick<Partial<DeliveryRow>, 'status' | 'lastError' | 'nextAttemptAt' | 'externalId' | 'sentAt'>,
  claimedBy?: string,
) {
  const rows = await tx
    .update(deliveries)
    .set({ ...values, leaseUntil: null, claimedBy: null })
    .where(
      and(
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, 'queued'),
        claimedBy === undefined ? undefined : eq(deliveries.claimedBy, claimedBy),
      ),
    )
    .returning({ id: deliveries.id });
  return rows.length > 0;
}

/** Queued deliveries overdue by their own job and not leased: their job or worker was lost. */
export async function findStrandedDeliveries(db: Queryable, dueBefore: Date, now: Date, limit: number) {
  return db
    .select({ id: deliveries.id, kind: deliveries.kind, attempts: deliveries.attempts })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, 'queued'),
        lte(deliveries.nextAttemptAt, dueBefore),
        or(isNull(deliveries.leaseUntil), lte(deliveries.leaseUntil, now)),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit);
}

/** Deliveries of one kind whose cause contains `cause` (jsonb containment), oldest first. */
/** The deliveries of these causes on one channel (its unique index on channel and cause key). */
export async function findDeliveriesByCauseKeys(
  db: Queryable,
  channel: DeliveryChannelName,
  causeKeys: string[],
) {
  if (!causeKeys.length) return [];
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.channel, channel), inArray(deliveries.causeKey, causeKeys)));
}

export async function listDeliveriesByCause(
  db: Queryable,
  f: { channel: DeliveryChannelName; kind: string; cause: Record<string, unknown> },
) {
  return db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.channel, f.channel),
        eq(deliveries.kind, f.kind),
        sql`${deliveries.cause} @> ${JSON.stringify(f.cause)}::jsonb`,
      ),
    )
    .orderBy(asc(deliveries.createdAt), asc(deliveries.id));
}

export async function listTicketDeliveries(db: Queryable, ticketId: string, channel: DeliveryChannelName) {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.ticketId, ticketId), eq(deliveries.channel, channel)))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.id));
}

/**
 * The account's deliveries on a channel, newest first: those of the given projects, and those of no
 * project (customer sign-in links…) whose cause key the channel's subquery `projectlessCauseKeys`
 * yields. One more than `limit`, to tell whether a next page exists.
 */
export async function listAccountDeliveries(
  db: Queryable,
  f: {
    accountId: string;
    channel: DeliveryChannelName;
    projectIds: string[];
    projectlessCauseKeys: SQL;
    before?: { createdAt: Date; id: string } | undefined;
    limit: number;
  },
) {
  const conditions: (SQL | undefined)[] = [
    eq(deliveries.accountId, f.accountId),
    eq(deliveries.channel, f.channel),
    or(
      f.projectIds.length ? inArray(deliveries.projectId, f.projectIds) : undefined,
      and(isNull(deliveries.projectId), sql`${deliveries.causeKey} IN ${f.projectlessCauseKeys}`),
    ),
  ];
  if (f.before) {
    conditions.push(
      sql`(${deliveries.createdAt}, ${deliveries.id}) < (${f.before.createdAt}, ${f.before.id})`,
    );
  }
  return db
    .select()
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(f.limit + 1);
}

/** A sent mail's row, by the id its Message-ID carries. */
export async function findDelivery(db: Queryable, deliveryId: string) {
  const [row] = await db
    .select({
      id: deliveries.id,
      accountId: deliveries.accountId,
      ticketId: deliveries.ticketId,
      status: deliveries.status,
    })
    .from(deliveries)
    .where(eq(deliveries.id, deliveryId));
  return row ?? null;
}

/** A DSN reported a sent delivery undeliverable. */
export async function markBounced(tx: Tx, deliveryId: string, accountId: string, error: string) {
  const rows = await tx
    .update(deliveries)
    .set({ status: 'bounced', lastError: error })
    .where(
      and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId), eq(deliveries.status, 'sent')),
    )
    .returning({ id: deliveries.id });
  return rows.length > 0;
}

export async function findAccountDelivery(db: Queryable, accountId: string, deliveryId: string) {
  const [row] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId)));
  return row ?? null;
}

export async function listRecipientDeliveries(
  db: Queryable,
  f: { accountId: string; channel: DeliveryChannelName; recipient: string; limit: number },
) {
  return db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.accountId, f.accountId),
        eq(deliveries.channel, f.channel),
        eq(deliveries.recipient, f.recipient),
      ),
    )
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(f.limit);
}
