import { z } from 'zod';
import { text } from '../../lib/http.js';

const folder = text().trim().min(1).max(200);

export const mailboxBody = z.object({
  enabled: z.boolean().default(true),
  host: text()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'Give a host name or an IP address.'),
  port: z.number().int().min(1).max(65535),
  tls: z.boolean().describe('Implicit TLS (IMAPS, usually port 993); otherwise STARTTLS when offered.'),
  username: text().trim().min(1).max(320),
  password: text()
    .min(1)
    .max(1000)
    .optional()
    .describe('Required the first time; leave it out to keep the saved one. Never returned.'),
  folder: folder.default('INBOX'),
  processedFolder: folder
    .nullable()
    .default(null)
    .describe('Move processed messages here; null flags them with the $Clearline keyword instead.'),
  pollSeconds: z
    .number()
    .int()
    .min(10)
    .max(3600)
    .default(60)
    .describe('Seconds between checks when the server offers no IDLE (and the longest wait otherwise).'),
});

export const mailboxResponse = z.object({
  enabled: z.boolean(),
  host: z.string(),
  port: z.number(),
  tls: z.boolean(),
  username: z.string(),
  passwordSet: z.literal(true),
  folder: z.string(),
  processedFolder: z.string().nullable(),
  pollSeconds: z.number(),
  updatedAt: z.iso.datetime(),
  lastCheckedAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
});
