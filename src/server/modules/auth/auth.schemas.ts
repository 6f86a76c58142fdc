import { z } from 'zod';
import { text } from '../../lib/http.js';

export const signInBody = z.object({
  email: z.email().max(320),
  password: text().min(1).max(1000),
});

export const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const createApiTokenBody = z.object({ name: text().trim().min(1).max(100) });
export const createdApiToken = apiTokenSchema.extend({
  token: z.string().describe('The secret. Shown once: store it now.'),
});
