import { z } from 'zod';
import { pageQuery } from '../../lib/pagination.js';

/**
 * Why a mail is sent: the ids the renderer reads when it sends or shows the mail. Nothing else is
 * stored, so the secret links a mail carries never reach the database.
 */
export const mailCauseSchema = z.discriminatedUnion('kind', [
  /** An agent's public reply, to the requester. */
  z.object({ kind: z.literal('agent_reply'), messageId: z.uuid() }),
  /** A survey's invitation, to the requester; `resend` numbers the invitations staff sent again. */
  z.object({
    kind: z.literal('survey_invitation'),
    surveyId: z.uuid(),
    resend: z.number().int().min(1).optional(),
  }),
  /** A customer's single-use sign-in link. */
  z.object({ kind: z.literal('sign_in'), tokenId: z.uuid() }),
  /** A staff notification (new ticket, requester reply, reopen), to its staff member. */
  z.object({ kind: z.literal('staff_notification'), notificationId: z.uuid() }),
  /** A new ticket's acknowledgement, to its requester: reference, subject, portal link (one per ticket). */
  z.object({ kind: z.literal('acknowledgement'), ticketId: z.uuid() }),
  /** The ticket's portal link, sent to the requester at staff's request (`sendId` tells sends apart). */
  z.object({ kind: z.literal('portal_link'), ticketId: z.uuid(), sendId: z.uuid() }),
  /** A staff member's password reset link, to them alone (never shown on the Outgoing mail page). */
  z.object({ kind: z.literal('password_reset'), resetId: z.uuid(), userId: z.uuid() }),
  /** Discord refused the account's bot token: DMs stopped; to each account owner. */
  z.object({ kind: z.literal('discord_setup_broken'), userId: z.uuid(), reason: z.string(), at: z.string() }),
  /** A webhook endpoint was disabled after three days of failures; to each account owner. */
  z.object({
    kind: z.literal('webhook_disabled'),
    userId: z.uuid(),
    endpointId: z.uuid(),
    url: z.string(),
    failingSince: z.string(),
  }),
]);
export type MailCause = z.infer<typeof mailCauseSchema>;

export const mailKinds = [
  'agent_reply',
  'survey_invitation',
  'sign_in',
  'staff_notification',
  'acknowledgement',
  'portal_link',
  'password_reset',
  'discord_setup_broken',
  'webhook_disabled',
] as const;
export type MailKind = (typeof mailKinds)[number];
export const mailStatuses = ['queued', 'sent', 'failed', 'kept', 'bounced'] as const;
export type MailStatus = (typeof mailStatuses)[number];

export const mailSummarySchema = z.object({
  id: z.uuid(),
  kind: z.enum(mailKinds),
  status: z
    .enum(mailStatuses)
    .describe(
      'queued: waiting or retrying (see lastError); sent; failed: given up (see lastError); kept: no SMTP configured; bounced: reported undeliverable after it was sent.',
    ),
  recipient: z.string(),
  ticketId: z.uuid().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
});

export const renderedMailSchema = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

export const outgoingMailSchema = mailSummarySchema.extend({
  content: renderedMailSchema
    .nullable()
    .describe(
      'The mail as rendered now, for kept mails only (their links work); null for others, or when what it was about is gone.',
    ),
});

export const outgoingMailQuery = z.object(pageQuery);
