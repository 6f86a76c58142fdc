import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { UploadedFile } from '../../lib/multipart.js';
import { type AttachmentStorage, tooLarge } from './attachments.service.js';

export interface SpooledUploads {
  /** The files again, in order, read from the temporary files (for storeUploads). */
  uploads: () => AsyncIterable<UploadedFile>;
  /** Removes the temporary files. */
  cleanup: () => Promise<void>;
}

/**
 * Writes a request's files to a temporary directory as they arrive, counting them against the
 * storage's limits (past one: ATTACHMENT_TOO_LARGE, and nothing kept), so that a transaction that
 * stores them later reads local files instead of waiting on the client's upload.
 */
export async function spoolUploads(
  files: AsyncIterable<UploadedFile>,
  storage: AttachmentStorage,
): Promise<SpooledUploads> {
  const dir = await mkdtemp(join(tmpdir(), 'clearline-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const spooled: { filename: string; contentType: string; path: string }[] = [];
  let total = 0;
  try {
    for await (const file of files) {
      const path = join(dir, String(spooled.length));
      let size = 0;
      await pipeline(
        file.content,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            size += chunk.length;
            total += chunk.length;
            if (size > storage.maxFileBytes) throw tooLarge('file', storage.maxFileBytes);
            if (total > storage.maxMessageBytes) throw tooLarge('message', storage.maxMessageBytes);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
      spooled.push({ filename: file.filename, contentType: file.contentType, path });
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  async function* uploads(): AsyncGenerator<UploadedFile> {
    for (const { path, ...file } of spooled) yield { ...file, content: createReadStream(path) };
  }
  return { uploads, cleanup };
}
