import { and, asc, eq, sql } from 'drizzle-orm';
import { preparedQuery, type Queryable, type Tx } from '../../db/client.js';
import { attachmentChunks, attachments, messages } from '../../db/schema/index.js';

export type AttachmentRow = typeof attachments.$inferSelect;

export async function insertAttachment(tx: Tx, row: typeof attachments.$inferInsert) {
  const [inserted] = await tx.insert(attachments).values(row).returning();
  return inserted as AttachmentRow;
}

export async function setAttachmentSize(tx: Tx, id: string, size: number) {
  await tx.update(attachments).set({ size }).where(eq(attachments.id, id));
}

export async function insertChunk(tx: Tx, row: typeof attachmentChunks.$inferInsert) {
  await tx.insert(attachmentChunks).values(row);
}

/** One chunk by its key (the primary key's index); undefined past the last. */
export async function findChunk(db: Queryable, attachmentId: string, seq: number) {
  const [row] = await db
    .select({ data: attachmentChunks.data })
    .from(attachmentChunks)
    .where(and(eq(attachmentChunks.attachmentId, attachmentId), eq(attachmentChunks.seq, seq)));
  return row?.data;
}

/** What the message's attachments add up to so far. */
export async function sumMessageSizes(db: Queryable, messageId: string) {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${attachments.size}), 0)::bigint` })
    .from(attachments)
    .where(eq(attachments.messageId, messageId));
  return Number(row?.total ?? 0);
}

// One array parameter, not one per message: a statement prepared once (the portal page reads it on
// every view), whatever the number of messages.
const forMessagesQuery = preparedQuery('attachments_of_messages', (db) =>
  db
    .select()
    .from(attachments)
    .where(sql`${attachments.messageId} = ANY(${sql.placeholder('messageIds')}::uuid[])`)
    .orderBy(asc(attachments.messageId), asc(attachments.seq)),
);

export function listForMessages(db: Queryable, messageIds: readonly string[]) {
  if (messageIds.length === 0) return Promise.resolve([]);
  return forMessagesQuery(db, { messageIds });
}

/** The attachment with the kind of its message (requesters may reach only public messages' files). */
export async function findWithMessageKind(db: Queryable, id: string) {
  const [row] = await db
    .select({ attachment: attachments, messageKind: messages.kind })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, id));
  return row;
}
