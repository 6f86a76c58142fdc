import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, PRIORITIES, STATUSES } from '../../../shared/tickets.js';
import { text } from '../../lib/http.js';
import { attachmentSchema } from '../attachments/index.js';
import { lowScoreSchema, surveyAnswerBody } from '../csat/index.js';
import { captchaBodyFields } from '../spam/index.js';

export const portalTokenParams = z.object({ token: text().min(1).max(200) });
export const accountParams = z.object({ accountId: z.uuid() });

export const replyText = text('Write a reply first.')
  .trim()
  .min(1, 'Write a reply first.')
  .max(MAX_MESSAGE_LENGTH, `A reply can be at most ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters.`)
  .describe('Markdown, at most 10,000 characters.');

export const MAX_SUBJECT_LENGTH = 300;

export const subjectText = text('Give your ticket a subject.')
  .trim()
  .min(1, 'Give your ticket a subject.')
  .max(MAX_SUBJECT_LENGTH);

const brand = z.object({ name: z.string(), logoUrl: z.string().nullable() });

/** A thread entry as requesters see it: public replies and system messages only, no staff ids. */
export const portalMessageSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['public', 'system']),
  body: z.string(),
  bodyHtml: z.string().describe('The body rendered from Markdown, without raw HTML.'),
  author: z.object({ type: z.enum(['staff', 'requester']), name: z.string() }).nullable(),
  createdAt: z.date(),
  attachments: z
    .array(attachmentSchema)
    .describe("The message's files; download them with GET /api/v1/portal/{token}/attachments/{id}."),
});

export const portalAbilitiesSchema = z.object({
  reply: z.boolean().describe('False once the ticket is closed.'),
  requestClosure: z.boolean().describe('"Close my ticket": asks for closure (pending_closure).'),
  closeNow: z.boolean().describe('A closure is scheduled: the requester can close the ticket at once.'),
});

export const portalTicketSchema = z
  .object({
    account: brand,
    ticket: z.object({
      reference: z.string(),
      subject: z.string(),
      status: z.enum(STATUSES),
      priority: z.enum(PRIORITIES),
      closesAt: z.date().nullable(),
      createdAt: z.date(),
      lastActivityAt: z.date().describe('The newest public reply or system message.'),
    }),
    thread: z.array(portalMessageSchema),
    survey: z
      .object({ expiresAt: z.date(), lowScore: lowScoreSchema })
      .nullable()
      .describe('The satisfaction survey waiting for an answer; answer it with POST …/survey.'),
    abilities: portalAbilitiesSchema,
  })
  .describe('PortalTicket');

export const portalReplyBody = z.object({ body: replyText, ...captchaBodyFields });

export const portalReplyResponse = z.object({
  message: portalMessageSchema,
  ticket: z.object({ status: z.enum(STATUSES) }),
});

export const portalSurveyBody = surveyAnswerBody;

export const portalSurveyResponse = z.object({
  state: z.literal('submitted'),
  answer: z.object({
    rating: z.number().int(),
    comment: z.string().nullable(),
    reason: z.string().nullable(),
    submittedAt: z.date(),
  }),
});

const SIGN_IN_EMAIL_MESSAGE = 'Enter the email address you wrote to us from.';

export const signInRequestBody = z.object({
  email: text(SIGN_IN_EMAIL_MESSAGE)
    .trim()
    .pipe(z.email(SIGN_IN_EMAIL_MESSAGE).max(320, SIGN_IN_EMAIL_MESSAGE)),
});

const bellSchema = z.object({
  count: z.number().int(),
  items: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['reply', 'survey']),
      projectId: z.uuid(),
      ticket: z.object({ id: z.uuid(), reference: z.string(), subject: z.string() }),
      url: z.string(),
      createdAt: z.date(),
    }),
  ),
});

export const portalHomeSchema = z
  .object({
    customer: z.object({ name: z.string(), email: z.string() }),
    bell: bellSchema.describe('Every unread reply and pending survey in the account.'),
    projects: z.array(z.object({ id: z.uuid(), name: z.string(), bell: bellSchema })),
    tickets: z.array(
      z.object({
        id: z.uuid(),
        projectId: z.uuid(),
        reference: z.string(),
        subject: z.string(),
        status: z.enum(STATUSES),
        lastActivityAt: z.date(),
        unread: z.number().int().describe('Unread replies and pending surveys on this ticket.'),
        url: z.string(),
      }),
    ),
  })
  .describe('PortalHome');

export const newPortalTicketBody = z.object({
  projectId: z.uuid('Pick a project.'),
  subject: subjectText,
  body: replyText,
  ...captchaBodyFields,
});

const FORM_NAME_MESSAGE = 'Enter your name.';
const FORM_EMAIL_MESSAGE = 'Enter a valid email address.';

/** The public request form: who writes (anyone, no sign-in), about what, and the spam checks. */
export const requestFormBody = z.object({
  name: text(FORM_NAME_MESSAGE).trim().min(1, FORM_NAME_MESSAGE).max(200, FORM_NAME_MESSAGE),
  email: text(FORM_EMAIL_MESSAGE).trim().pipe(z.email(FORM_EMAIL_MESSAGE).max(320, FORM_EMAIL_MESSAGE)),
  subject: subjectText,
  body: text('Write your message.')
    .trim()
    .min(1, 'Write your message.')
    .max(
      MAX_MESSAGE_LENGTH,
      `A message can be at most ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters.`,
    )
    .describe('Markdown, at most 10,000 characters.'),
  ...captchaBodyFields,
});

export const requestApiBody = requestFormBody.extend({
  projectId: z
    .uuid('Pick a project.')
    .optional()
    .describe('The project to write to; may be left out when the account has only one.'),
});

export const requestFormQuery = z.object({
  project: text().max(100).optional().describe('The project id; may be left out when the account has one.'),
  sent: text().max(10).optional(),
});
