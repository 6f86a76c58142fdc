import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { inboundMessageChunks, inboundMessages, inboundSettings, projects } from '../../db/schema/index.js';

export type InboundMessageRow = typeof inboundMessages.$inferSelect;
export type InboundStatus = InboundMessageRow['status'];

// Read on every new ticket (does it get an acknowledgement?): prepared.
const settingsQuery = preparedQuery('inbound_settings', (db) =>
  db
    .select()
    .from(inboundSettings)
    .where(eq(inboundSettings.projectId, sql.placeholder('projectId'))),
);

export async function findSettings(db: Queryable, projectId: string) {
  const [row] = await settingsQuery(db, { projectId });
  return row ?? null;
}

export async function upsertSettings(tx: Tx, values: typeof inboundSettings.$inferInsert) {
  const [row] = await tx
    .insert(inboundSettings)
    .values(values)
    .onConflictDoUpdate({
      target: inboundSettings.projectId,
      set: {
        address: values.address,
        newTicketsPerSenderHour: values.newTicketsPerSenderHour,
        acknowledge: values.acknowledge,
        acknowledgementText: values.acknowledgementText,
        updatedAt: values.updatedAt,
      },
    })
    .returning();
  return row as typeof inboundSettings.$inferSelect;
}

/** The project an inbound address belongs to (case-insensitive, as mail addresses are in practice). */
export async function findProjectByAddress(db: Queryable, address: string) {
  const [row] = await db
    .select({ projectId: inboundSettings.projectId, accountId: inboundSettings.accountId })
    .from(inboundSettings)
    .where(sql`lower(${inboundSettings.address}) = lower(${address})`);
  return row ?? null;
}

export async function findProjectAccount(db: Queryable, projectId: string) {
  const [row] = await db
    .select({ projectId: projects.id, accountId: projects.accountId })
    .from(projects)
    .where(eq(projects.id, projectId));
  return row ?? null;
}

/** The mail's row, unless this project already has one with its Message-ID: null then. */
export async function insertOnce(tx: Tx, values: typeof inboundMessages.$inferInsert) {
  const [row] = await tx
    .insert(inboundMessages)
    .values(values)
    .onConflictDoNothing({ target: [inboundMessages.projectId, inboundMessages.messageIdHeader] })
    .returning({ id: inboundMessages.id });
  return row?.id ?? null;
}

export async function setOutcome(
  tx: Tx,
  id: string,
  values: { status: InboundStatus; reason: string | null; ticketId: string | null },
) {
  await tx.update(inboundMessages).set(values).where(eq(inboundMessages.id, id));
}

/** New tickets this sender opened by mail in the project since `since`. */
export async function countTicketsFrom(db: Queryable, projectId: string, from: string, since: Date) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.projectId, projectId),
        eq(inboundMessages.fromAddress, from),
        eq(inboundMessages.status, 'ticket'),
        gt(inboundMessages.receivedAt, since),
      ),
    );
  return row?.n ?? 0;
}

const listed = {
  id: inboundMessages.id,
  projectId: inboundMessages.projectId,
  accountId: inboundMessages.accountId,
  messageIdHeader: inboundMessages.messageIdHeader,
  fromAddress: inboundMessages.fromAddress,
  subject: inboundMessages.subject,
  status: inboundMessages.status,
  reason: inboundMessages.reason,
  ticketId: inboundMessages.ticketId,
  size: inboundMessages.size,
  receivedAt: inboundMessages.receivedAt,
};

export async function listMessages(db: Queryable, projectId: string, status: InboundStatus, limit: number) {
  return db
    .select(listed)
    .from(inboundMessages)
    .where(and(eq(inboundMessages.projectId, projectId), eq(inboundMessages.status, status)))
    .orderBy(desc(inboundMessages.receivedAt))
    .limit(limit);
}

export async function findMessage(db: Queryable, id: string, options: { lock?: boolean } = {}) {
  const query = db.select(listed).from(inboundMessages).where(eq(inboundMessages.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  return row ?? null;
}

/** Bytes per row of `inbound_message_chunks`. */
const CHUNK_BYTES = 256 * 1024;

/** Writes the mail's bytes, a row of at most CHUNK_BYTES at a time (views of the pieces, not copies). */
export async function insertRaw(tx: Tx, message: { id: string; accountId: string }, raw: readonly Buffer[]) {
  let seq = 0;
  for (const piece of raw) {
    for (let at = 0; at < piece.length; at += CHUNK_BYTES) {
      await tx.insert(inboundMessageChunks).values({
        inboundMessageId: message.id,
        seq: seq++,
        accountId: message.accountId,
        data: piece.subarray(at, at + CHUNK_BYTES),
      });
    }
  }
}

/** The mail's bytes in order, a row at a time (the primary key's index). */
export async function* readRaw(db: Queryable, id: string) {
  for (let seq = 0; ; seq++) {
    const [row] = await db
      .select({ data: inboundMessageChunks.data })
      .from(inboundMessageChunks)
      .where(and(eq(inboundMessageChunks.inboundMessageId, id), eq(inboundMessageChunks.seq, seq)));
    if (!row) return;
    yield row.data;
  }
}
