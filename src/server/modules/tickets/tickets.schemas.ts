import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, PRIORITIES, STATUSES } from '../../../shared/tickets.js';
import { formBoolean, text } from '../../lib/http.js';
import { pageQuery } from '../../lib/pagination.js';
import { attachmentSchema } from '../attachments/index.js';

export const statusSchema = z.enum(STATUSES);
export const prioritySchema = z.enum(PRIORITIES);
export const messageBody = text()
  .trim()
  .min(1)
  .max(MAX_MESSAGE_LENGTH)
  .describe('Markdown, at most 10,000 characters.');
const tag = text().trim().min(1).max(40);

export const createTicketBody = z.object({
  subject: text().trim().min(1).max(300),
  body: messageBody,
  requester: z.object({ email: z.email().max(320), name: text().trim().min(1).max(200) }),
  priority: prioritySchema.optional(),
  assigneeId: z.uuid().nullable().optional(),
  tags: z.array(tag).max(20).optional(),
  notifyRequester: formBoolean
    .optional()
    .describe(
      "Mail the requester the acknowledgement (reference, subject, portal link), if the project's acknowledgement is on. Default true.",
    ),
});

export const customerSearchQuery = z.object({
  q: text().trim().min(1).max(200).describe('The start of an email address or of a name.'),
  limit: z.coerce.number().int().min(1).max(20).default(10),
});

export const customerSchema = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export const updateTicketBody = z
  .object({
    subject: text().trim().min(1).max(300),
    tags: z.array(tag).max(20),
    priority: prioritySchema,
    assigneeId: z.uuid().nullable(),
    status: statusSchema,
    closesAt: z.coerce.date().describe('With status "closure_scheduled": when the ticket closes by itself.'),
  })
  .partial()
  .strict();

export const listTicketsQuery = z.object({
  status: text()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(statusSchema).optional())
    .describe('One status or several, comma-separated.'),
  priority: text()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(prioritySchema).optional())
    .describe('One priority or several, comma-separated.'),
  assignee: z.union([z.uuid(), z.enum(['me', 'none'])]).optional(),
  requester: text().max(320).optional().describe("The requester's email."),
  tag: tag.optional(),
  q: text().max(200).optional().describe('Text in the subject, or a reference such as ACME-42.'),
  ...pageQuery,
});

const abilities = z.object({
  update: z.boolean(),
  delete: z.boolean(),
  assign: z.boolean(),
  changeStatus: z.boolean(),
  changePriority: z.boolean(),
  reply: z.boolean(),
  addInternalNote: z.boolean(),
});

export const ticketSummarySchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  reference: z.string(),
  subject: z.string(),
  status: statusSchema,
  priority: prioritySchema,
  requester: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  tags: z.array(z.string()),
  closesAt: z.date().nullable(),
  resolution: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const trashedTicketSchema = ticketSummarySchema.extend({
  deletedAt: z.date(),
  deletedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  purgeAt: z.date().describe('When the purge job deletes it for good (30 days after its deletion).'),
});

export const messageSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['public', 'internal', 'system']),
  body: z.string(),
  bodyHtml: z.string().describe('The body rendered from Markdown, without raw HTML.'),
  author: z
    .object({ type: z.enum(['staff', 'requester']), id: z.uuid().nullable(), name: z.string().nullable() })
    .nullable(),
  createdAt: z.date(),
  editedAt: z.date().nullable(),
  attachments: z.array(attachmentSchema),
  abilities: z.object({ edit: z.boolean(), delete: z.boolean() }),
});

export const ticketSchema = ticketSummarySchema.extend({
  watchers: z.array(z.object({ id: z.uuid(), name: z.string() })),
  thread: z.array(messageSchema),
  abilities,
});
