import type { FastifyReply } from 'fastify';
import { z } from 'zod';

import type { Queryable } from '../../db/client.js';
import { type Attachment, type AttachmentStorage, openAttachment } from './attachments.service.js';

/** The raster images a browser may show in place; every other file is a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Types a browser would run or render as a page: sent as bytes, whatever they were uploaded as. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/ecmascript|multipart\/x-mixed-replace)$/;

/** How a message's files appear in API responses (the bytes come from the download URL). */
export const attachmentSchema = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().describe('Bytes.'),
});

export const presentAttachment = (a: Attachment) => ({
  id: a.id,
  filename: a.filename,
  contentType: a.contentType,
  size: a.size,
});

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with RFC 5987), or inline for raster images. */
export function contentDisposition(attachment: Pick<Attachment, 'filename' | 'contentType'>) {
  const disposition = INLINE_TYPES.has(attachment.contentType) ? 'inline' : 'attachment';
  const fallback = attachment.filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(attachment.filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Sends the file with the headers that keep it from acting as a page of ours: a download except
 * raster images, nosniff, a CSP that allows nothing (and sandboxes whatever a browser still shows),
 * and no caching beyond the user's own browser session.
 */
export function sendAttachment(
  reply: FastifyReply,
  db: Queryable,
  storage: AttachmentStorage,
  attachment: Attachment,
) {
  const type = ACTIVE_TYPES.test(attachment.contentType)
    ? 'application/octet-stream'
    : attachment.contentType;
  return reply
    .header('content-type', type)
    .header('content-length', String(attachment.size))
    .header('content-disposition', contentDisposition(attachment))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox; frame-ancestors 'none'")
    .header('cache-control', 'private, no-store')
    .send(openAttachment(db, storage, attachment));
}
