import { z } from 'zod';
import { BRAND_COLOR_PATTERN } from '../../../shared/brand-color.js';
import { ACCOUNT_ROLES } from '../../../shared/tickets.js';
import { nonEmptyPatch, text } from '../../lib/http.js';
import { languageSchema } from '../../lib/language.js';
import { permissionSchema, roleKindSchema } from '../members/index.js';

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
  defaultLanguage: languageSchema.describe("Customers' language while their own is not known."),
  hasLogo: z.boolean(),
  brandColor: z
    .string()
    .nullable()
    .describe("Buttons and links of the customer pages and mails (#rrggbb); null: Clearline's default."),
  abilities: z
    .object({ update: z.boolean(), viewOutgoingMail: z.boolean() })
    .describe(
      'Both come from the account-wide "account.manage" permission, held by the account owner only (not by project roles).',
    ),
});

export const updateAccountBody = nonEmptyPatch(
  z.object({
    name: text().trim().min(1).max(200).optional(),
    timezone: timezone.optional(),
    defaultLanguage: languageSchema.optional(),
    brandColor: text()
      .regex(BRAND_COLOR_PATTERN, 'A colour as #rrggbb')
      .transform((c) => c.toLowerCase())
      .nullable()
      .optional()
      .describe(
        'Buttons (with white or black text, whichever reads better) and, in a shade readable on the page, links; null restores the default.',
      ),
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
  user: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    accountRole: z
      .enum(ACCOUNT_ROLES)
      .describe('owner: holds the account-wide permissions (account.manage); member: none.'),
  }),
  account: accountSchema,
  projects: z.array(projectSchema),
  mailDelivery: z
    .enum(['kept', 'smtp'])
    .describe(
      'kept: no SMTP server is configured, mails are not delivered (demo mode); smtp: they are sent.',
    ),
});
