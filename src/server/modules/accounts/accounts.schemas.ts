import { z } from 'zod';
import { nonEmptyPatch, text } from '../../lib/http.js';
import { permissionSchema, roleKindSchema } from '../members/members.schemas.js';

const timezone = text()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown time zone');

export const projectKey = text().regex(
  /^[A-Z][A-Z0-9]{1,9}$/,
  'Two to ten capital letters or digits, starting with a letter',
);

export const setupBody = z.object({
  accountName: text().trim().min(1).max(200),
  projectName: text().trim().min(1).max(200),
  projectKey: projectKey.optional(),
  timezone: timezone.optional(),
  name: text().trim().min(1).max(200),
  email: z.email().max(320),
  password: text().min(8).max(1000),
});

export const setupResult = z.object({
  token: z.string().describe('An API token for the owner. Shown once.'),
  accountId: z.uuid(),
  projectId: z.uuid(),
  userId: z.uuid(),
});

export const accountSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  hasLogo: z.boolean(),
});

export const updateAccountBody = nonEmptyPatch(
  z.object({
    name: text().trim().min(1).max(200).optional(),
    timezone: timezone.optional(),
  }),
);

export const projectSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  key: z.string(),
  role: z.object({ id: z.uuid(), name: z.string(), kind: roleKindSchema }),
  permissions: z.array(permissionSchema),
  abilities: z.object({ update: z.boolean(), delete: z.boolean() }),
});

export const meSchema = z.object({
  user: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  account: accountSchema,
  projects: z.array(projectSchema),
});
