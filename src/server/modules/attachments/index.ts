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
 * - `listAttachmentsByMessage(db, messageIds)` — the same as a Map by message id.
 * - `openAttachment(db, storage, attachment)` — a Readable of its bytes, one chunk in memory at a
 *   time; use it outside the transaction that stored them (e.g. when sending or serving).
 * - `findAttachment(db, id)` — the attachment with its `accountId` and `messageKind`; callers check
 *   access (staff: can see the ticket; requesters: the ticket's portal token and a public message).
 * - `sendAttachment(reply, db, storage, attachment)` — the download response with its safety
 *   headers; `attachmentSchema`/`presentAttachment` — how a message lists its files.
 *
 * Uploads (the one shape every route with files uses): the route takes multipart/form-data besides
 * JSON — `preValidation: readMultipartFields` (src/server/lib/multipart.ts) turns the text fields,
 * which must come before the files, into the body its Zod schema validates; in the handler,
 * `storeUploads(scope, storage, { accountId, ticketId, messageId }, uploadedFiles(request))` stores
 * the files in the transaction that inserted the message, after the insert.
 */

export {
  attachmentSchema,
  contentDisposition,
  presentAttachment,
  sendAttachment,
} from './attachment-response.js';
export {
  type Attachment,
  type AttachmentContent,
  type AttachmentStorage,
  attachmentStorage,
  findAttachment,
  listAttachments,
  listAttachmentsByMessage,
  type NewAttachment,
  openAttachment,
  storeAttachment,
  storeUploads,
} from './attachments.service.js';
export { type SpooledUploads, spoolUploads } from './attachments-spool.js';
