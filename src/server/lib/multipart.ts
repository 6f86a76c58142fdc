import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** A file of a multipart request, read once as it arrives. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  content: AsyncIterable<Uint8Array>;
}

/** How many files one request may carry; the bytes are limited where they are stored. */
export const MAX_FILES_PER_REQUEST = 20;

const files = new WeakMap<FastifyRequest, AsyncIterable<UploadedFile>>();

const malformed = () =>
  new AppError('VALIDATION_ERROR', 'The multipart/form-data body is malformed or ends early.', [
    { field: 'body', in: 'body', message: 'Malformed multipart body.' },
  ]);

/** The parser's own refusals as our errors; anything else it throws is a broken body. */
function toAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `A request may carry at most ${MAX_FILES_PER_REQUEST} files and a few text fields.`,
    );
  }
  if (code === 'FST_PROTO_VIOLATION') {
    return new AppError('VALIDATION_ERROR', 'A form field has a reserved name.', [
      { field: 'body', in: 'body', message: 'Reserved field name.' },
    ]);
  }
  return malformed();
}

async function* guarded(stream: AsyncIterable<Uint8Array>) {
  try {
    yield* stream;
  } catch (err) {
    throw toAppError(err);
  }
}

/**
 * Makes routes that opt in (`preValidation: readMultipartFields`) take multipart/form-data besides
 * their JSON or form body: the text fields, which must come before the files, become the body the
 * route's schema validates as usual, and the files wait, unread, for `uploadedFiles(request)`.
 */
export async function registerMultipart(app: FastifyInstance, maxFieldBytes: number) {
  await app.register(multipart, {
    limits: {
      fieldSize: maxFieldBytes,
      fields: 20,
      files: MAX_FILES_PER_REQUEST,
      parts: MAX_FILES_PER_REQUEST + 20,
      // Each file's bytes are counted (and refused past the limit) where they are stored.
      fileSize: Number.POSITIVE_INFINITY,
    },
  });
}

/** preValidation hook: see registerMultipart. A field sent twice is refused, as in HTML forms. */
export async function readMultipartFields(request: FastifyRequest) {
  if (!request.isMultipart()) return;
  const parts = request.parts()[Symbol.asyncIterator]();
  const fields: Record<string, unknown> = Object.create(null);
  let firstFile: MultipartFile | undefined;
  try {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      const part: Multipart = next.value;
      if (part.type === 'file') {
        firstFile = part;
        break;
      }
      if (Object.hasOwn(fields, part.fieldname)) {
        throw new AppError(
          'VALIDATION_ERROR',
          `The form field "${part.fieldname}" was sent more than once.`,
          [{ field: part.fieldname, in: 'body', message: 'Sent more than once.' }],
        );
      }
      fields[part.fieldname] = part.value;
    }
  } catch (err) {
    throw toAppError(err);
  }
  request.body = fields;
  files.set(request, filesOf(firstFile, parts));
}

async function* filesOf(
  first: MultipartFile | undefined,
  parts: AsyncIterator<Multipart>,
): AsyncGenerator<UploadedFile> {
  let part: Multipart | undefined = first;
  while (part) {
    if (part.type !== 'file') {
      throw new AppError('VALIDATION_ERROR', `Send the field "${part.fieldname}" before the files.`, [
        { field: part.fieldname, in: 'body', message: 'Text fields go before the files.' },
      ]);
    }
    // A file input left empty still sends a part, without a name or bytes; some clients leave the name out.
    if (!part.filename) part.file.resume();
    else yield { filename: part.filename, contentType: part.mimetype, content: guarded(part.file) };
    try {
      const next = await parts.next();
      part = next.done ? undefined : next.value;
    } catch (err) {
      throw toAppError(err);
    }
  }
}

/** The files of a multipart request, in order, each to be read before the next; none for other bodies. */
export const uploadedFiles = (request: FastifyRequest): AsyncIterable<UploadedFile> =>
  files.get(request) ?? (async function* () {})();
