import { z } from 'zod';
import { AppError } from './errors.js';

export const pageQuery = {
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page.'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
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
