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

const newPassword = z.string().min(8).max(1000);

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword,
});

export const passwordResetRequestBody = z.object({ email: z.email().max(320) });

export const passwordResetBody = z.object({
  token: z.string().min(1).max(200).describe('The last part of the reset link.'),
  password: newPassword,
});

export const sessionSchema = z.object({
  id: z.uuid(),
  createdAt: z.date(),
  lastSeenAt: z.date().nullable(),
  expiresAt: z.date(),
  userAgent: z.string().nullable(),
  ipAddress: z.string().nullable(),
  current: z.boolean().describe('The session this request was made with.'),
});
