import { z } from 'zod';
import { AppError } from './errors.js';
import { text } from './http.js';

export const pageQuery = {
  cursor: text().max(200).optional().describe('Opaque cursor from the previous page.'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
};

/** PostgreSQL's `integer` ends here: a larger number sent to the database fails there, so refuse it first. */
export const MAX_INT4 = 2_147_483_647;

/** What a cursor may carry: an integer column's value, or a timestamp, in the range the database holds. */
export const cursorField = {
  integer: z.number().int().min(0).max(MAX_INT4),
  /** An ISO time in UTC naming a real instant: 2024-02-30 is refused, not rolled over to March. */
  timestamp: z.iso.datetime().refine((t) => {
    const date = new Date(t);
    const real = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === t.slice(0, 19);
    return real && date.getUTCFullYear() >= 1;
  }, 'Not a real time'),
};

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('VALIDATION_ERROR', 'The cursor is not valid.', [
      { field: 'cursor', message: 'Invalid cursor' },
    ]);
  }
}
