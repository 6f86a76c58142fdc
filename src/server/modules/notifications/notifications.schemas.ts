import { z } from 'zod';
import { pageQuery } from '../../lib/pagination.js';

export const staffNotificationSchema = z.object({
  id: z.uuid(),
  kind: z
    .enum(['new_ticket', 'requester_reply', 'reopened', 'low_score'])
    .describe(
      "new_ticket; requester_reply; reopened: a requester's reply reopened a pending or resolved ticket; low_score: the ticket's survey was answered at or below the project's threshold (to the credited agent and csat.follow_up holders).",
    ),
  ticket: z.object({
    id: z.uuid(),
    projectId: z.uuid(),
    reference: z.string(),
    subject: z.string(),
    requesterName: z.string(),
  }),
  messageId: z.uuid().nullable().describe("The requester's reply, for requester_reply."),
  excerpt: z.string().nullable().describe("The start of the requester's reply, or of a low score's comment."),
  lowScore: z
    .object({ surveyId: z.uuid(), rating: z.number().int(), reason: z.string().nullable() })
    .nullable()
    .describe('The answer a low_score notification is about.'),
  createdAt: z.date(),
  readAt: z.date().nullable(),
});

export const notificationsQuery = z.object(pageQuery);

export const notificationsPage = z.object({
  notifications: z.array(staffNotificationSchema).describe('Unread first, then newest first.'),
  unreadCount: z.number().int(),
  nextCursor: z.string().nullable(),
});

export const markReadBody = z.union([
  z.object({ ids: z.array(z.uuid()).min(1).max(100) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
