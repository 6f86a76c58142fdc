import { z } from 'zod';
import { text } from '../../lib/http.js';

/** Discord ids are snowflakes: 17 to 20 digits. */
const snowflake = text().regex(/^\d{17,20}$/, 'A Discord id: 17 to 20 digits');

export const discordSettingsBody = z.object({
  applicationId: snowflake.describe("The application's id (General Information → Application ID)."),
  publicKey: text()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal characters')
    .transform((v) => v.toLowerCase())
    .describe('General Information → Public Key: verifies the interactions Discord sends.'),
  botToken: text()
    .trim()
    .min(20)
    .max(200)
    .regex(/^[\w.-]+$/, 'The token as Discord shows it (letters, digits, dots, - and _)')
    .optional()
    .describe('Bot → Token. Required the first time; leave out to keep the saved one.'),
  clientSecret: text()
    .trim()
    .min(8)
    .max(200)
    .regex(/^[\w.-]+$/, 'The secret as Discord shows it (letters, digits, dots, - and _)')
    .optional()
    .describe('OAuth2 → Client Secret. Required the first time; leave out to keep the saved one.'),
});

const secretState = z
  .object({ set: z.literal(true), last4: z.string(), savedAt: z.iso.datetime() })
  .describe('Saved secrets are never returned: only that one is set, its last 4 characters and when.');

export const discordSettingsSchema = z.object({
  configured: z.boolean(),
  applicationId: z.string().nullable(),
  publicKey: z.string().nullable(),
  botToken: secretState.nullable(),
  clientSecret: secretState.nullable(),
  botName: z.string().nullable().describe("The bot's name as Discord answered when the token was checked."),
  broken: z
    .object({ at: z.iso.datetime(), reason: z.string() })
    .nullable()
    .describe(
      'Discord refused the bot token while sending: every send is stopped until the settings are saved again.',
    ),
  interactionsUrl: z.string().describe('Paste into General Information → Interactions Endpoint URL.'),
  redirectUrl: z.string().describe('Paste into OAuth2 → Redirects.'),
  addBotUrl: z
    .string()
    .nullable()
    .describe("Adds the bot to the team's server: DMs need a server the bot shares with the customer."),
  projects: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      delivery: z
        .enum(['dm_only', 'dm_and_email'])
        .describe('dm_only (default): email only when the DM fails for good; dm_and_email: both.'),
    }),
  ),
});

export const ticketParams = z.object({ ticketId: z.uuid() });
export const ticketDmSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['survey_invitation', 'agent_reply', 'survey_closed']),
  status: z
    .enum(['queued', 'sent', 'failed', 'kept', 'bounced'])
    .describe(
      'queued: waiting or retrying (see lastError); sent; failed: refused for good or not sendable (see lastError).',
    ),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
});
export const requesterDiscordSchema = z.object({
  linked: z.boolean(),
  username: z
    .string()
    .nullable()
    .describe("The linked Discord user's name; nothing else of the link is shown."),
});

export const projectDeliveryParams = z.object({ projectId: z.uuid() });
export const projectDeliveryBody = z.object({ delivery: z.enum(['dm_only', 'dm_and_email']) });

export const oauthCallbackQuery = z.object({
  code: text().max(500).optional(),
  state: text().max(500).optional(),
  error: text().max(200).optional(),
  error_description: text().max(1000).optional(),
});
