/**
 * Files on messages. Other modules use this API only:
 *
 * - `attachmentStorage(ctx.config)` — where bytes go (PostgreSQL chunks of 256 KiB, or files in
 *   ATTACHMENTS_DIR) and the limits (ATTACHMENT_MAX_BYTES per file, ATTACHMENT_MESSAGE_MAX_BYTES
 *   per message). Build it once where the AppContext is at hand and pass it down.
 * - `storeAttachment(scope, storage, { accountId, ticketId, messageId, filename, contentType,
 *   contentId?, content })` — in the caller's transaction, after the message is inserted. `content`
 *   is a Buffer/Uint8Array/ArrayBuffer (used as is, not copied) or any async iterable of bytes (a
 *   Readable, a multipart file stream) read once, a chunk at a time. Filename and content type are
 *   cleaned (no path, `type/subtype` or application/octet-stream). Past a limit it throws
 *   AppError ATTACHMENT_TOO_LARGE (413, details `{ per: 'file' | 'message', limitBytes }`): let it
 *   roll the transaction back, so neither the message nor any of its files stays.
 *   `contentId` is an inline image's MIME Content-ID without `<>` (for `cid:` references).
 * - `listAttachments(db, messageIds)` — every attachment of these messages in one query, grouped by
 *   message, each message's in storing order.
 * - `openAttachment(db, storage, attachment)` — a Readable of its bytes, one chunk in memory at a
 *   time; use it outside the transaction that stored them (e.g. when sending or serving).
 */
export {
  type Attachment,
  type AttachmentContent,
  type AttachmentStorage,
  attachmentStorage,
  listAttachments,
  type NewAttachment,
  openAttachment,
  storeAttachment,
} from './attachments.service.js';
