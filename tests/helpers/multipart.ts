import { randomBytes } from 'node:crypto';

export interface FilePart {
  filename: string;
  contentType: string;
  content: Buffer;
  /** The part's field name; `files` unless a test needs another. */
  name?: string;
}

/**
 * A multipart/form-data body as a browser's FormData sends it: the text fields first, then the
 * files; `trailing` fields come after the files (which the server refuses).
 */
export function multipart(
  fields: Record<string, string> | [string, string][],
  files: FilePart[] = [],
  trailing: Record<string, string> = {},
) {
  const boundary = `----clearline${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  const field = (name: string, value: string) =>
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) field(name, value);
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'files'}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  for (const [name, value] of Object.entries(trailing)) field(name, value);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
