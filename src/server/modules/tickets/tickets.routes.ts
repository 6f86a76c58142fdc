import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { type Api, errorResponse, errorResponses, formBoolean } from '../../lib/http.js';
import { readMultipartFields, uploadedFiles } from '../../lib/multipart.js';
import {
  type Attachment,
  attachmentStorage,
  presentAttachment,
  sendAttachment,
} from '../attachments/index.js';
import { authenticate, type StaffActor } from '../auth/index.js';
import { getMember, type Member } from '../members/index.js';
import { searchCustomers } from './customers.service.js';
import * as messages from './ticket-messages.service.js';
import { messageAbilities, ticketAbilities } from './tickets.policy.js';
import type * as repo from './tickets.repo.js';
import {
  createTicketBody,
  customerSchema,
  customerSearchQuery,
  listTicketsQuery,
  messageBody,
  messageSchema,
  ticketSchema,
  ticketSummarySchema,
  trashedTicketSchema,
  updateTicketBody,
} from './tickets.schemas.js';
import * as tickets from './tickets.service.js';

const ticketParams = z.object({ ticketId: z.uuid() });

/** A multipart new ticket names its requester in two flat fields; the schema wants the object. */
async function nestMultipartRequester(request: FastifyRequest) {
  if (!request.isMultipart()) return;
  const {
    'requester.email': email,
    'requester.name': name,
    ...rest
  } = request.body as Record<string, unknown>;
  request.body = { ...rest, requester: { email, name } };
}

type Summary = NonNullable<Awaited<ReturnType<typeof repo.findTicketDetails>>>;
type MessageRow = Awaited<ReturnType<typeof repo.listMessages>>[number] & { attachments: Attachment[] };

export const presentTicketSummary = ({ ticket, projectKey, requester, assigneeName }: Summary) => ({
  id: ticket.id,
  projectId: ticket.projectId,
  reference: tickets.reference(projectKey, ticket.number),
  subject: ticket.subject,
  status: ticket.status,
  priority: ticket.priority,
  requester,
  assignee: ticket.assigneeId && assigneeName ? { id: ticket.assigneeId, name: assigneeName } : null,
  tags: ticket.tags,
  closesAt: ticket.closesAt,
  resolution: ticket.resolution,
  createdAt: ticket.createdAt,
  updatedAt: ticket.updatedAt,
});

const presentMessage = (member: Member, m: MessageRow) => ({
  id: m.id,
  kind: m.kind,
  body: m.body,
  bodyHtml: m.bodyHtml,
  author: m.authorUserId
    ? { type: 'staff' as const, id: m.authorUserId, name: m.authorUserName }
    : m.authorCustomerId
      ? { type: 'requester' as const, id: m.authorCustomerId, name: m.authorCustomerName }
      : null,
  createdAt: m.createdAt,
  editedAt: m.editedAt,
  attachments: m.attachments.map(presentAttachment),
  abilities: messageAbilities(member, m),
});

export function registerTicketRoutes(app: Api, ctx: AppContext) {
  const presentTicket = async (ticketId: string, actor: StaffActor) => {
    const { details, thread, watchers, member } = await tickets.getTicketWithThread(ctx.db, actor, ticketId);
    // Never the portal link: it is the requester's secret (staff send it, or preview the portal).
    return {
      ...presentTicketSummary(details),
      watchers,
      thread: thread.map((m) => presentMessage(member, m)),
      abilities: ticketAbilities(member),
    };
  };

  app.post(
    '/api/v1/projects/:projectId/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: "Open a ticket for a requester (tickets.create); the body is the requester's first message.",
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'JSON, or multipart/form-data with the same fields first (the requester as `requester.email` and `requester.name`; no tags) and then the files of the first message (at most 20).',
        params: z.object({ projectId: z.uuid() }),
        body: createTicketBody,
        response: { 201: ticketSummarySchema, ...errorResponses, 413: errorResponse },
      },
      preValidation: [readMultipartFields, nestMultipartRequester],
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const files = request.isMultipart()
        ? { storage: attachmentStorage(ctx.config), uploads: uploadedFiles(request) }
        : null;
      const ticketId = await inTransaction(ctx.db, async (tx) => {
        const member = await getMember(tx, actor, request.params.projectId);
        return (await tickets.createTicket(scopeOf(ctx, tx), member, request.body, files)).id;
      });
      return reply.status(201).send(presentTicketSummary(await tickets.getTicketDetails(ctx.db, ticketId)));
    },
  );

  app.get(
    '/api/v1/projects/:projectId/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'List tickets, newest first, with filters and cursor pagination.',
        params: z.object({ projectId: z.uuid() }),
        querystring: listTicketsQuery,
        response: {
          200: z.object({ tickets: z.array(ticketSummarySchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      const page = await tickets.listTickets(ctx.db, member, request.query);
      return { tickets: page.rows.map(presentTicketSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/tickets/:ticketId',
    {
      schema: {
        tags: ['tickets'],
        summary: 'A ticket with its thread (internal notes included), watchers and your abilities.',
        params: ticketParams,
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      return presentTicket(request.params.ticketId, actor);
    },
  );

  app.patch(
    '/api/v1/tickets/:ticketId',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Change status, priority, assignee, subject or tags; each needs its own permission.',
        params: ticketParams,
        body: updateTicketBody,
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        tickets.updateTicket(scopeOf(ctx, tx), actor, request.params.ticketId, request.body),
      );
      return presentTicket(request.params.ticketId, actor);
    },
  );

  app.delete(
    '/api/v1/tickets/:ticketId',
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Move a ticket to the trash (tickets.delete): hidden everywhere, restorable for 30 days, then purged; its survey answers stay counted.',
        params: ticketParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        tickets.deleteTicket(scopeOf(ctx, tx), actor, request.params.ticketId),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/tickets/:ticketId/restore',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Bring a ticket back from the trash within 30 days of its deletion (tickets.delete).',
        params: ticketParams,
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      await inTransaction(ctx.db, (tx) =>
        tickets.restoreTicket(scopeOf(ctx, tx), actor, request.params.ticketId),
      );
      return presentTicket(request.params.ticketId, actor);
    },
  );

  app.get(
    '/api/v1/projects/:projectId/customers',
    {
      schema: {
        tags: ['tickets'],
        summary:
          "Requesters of the project's tickets whose email or name starts with q, to pick for a new ticket (tickets.create; without tickets.view_all, those of tickets assigned to you).",
        params: z.object({ projectId: z.uuid() }),
        querystring: customerSearchQuery,
        response: { 200: z.object({ customers: z.array(customerSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      return { customers: await searchCustomers(ctx.db, member, request.query.q, request.query.limit) };
    },
  );

  app.get(
    '/api/v1/projects/:projectId/trash',
    {
      schema: {
        tags: ['tickets'],
        summary:
          "The project's deleted tickets, newest deletion first, with when each is purged (tickets.delete).",
        params: z.object({ projectId: z.uuid() }),
        response: { 200: z.object({ tickets: z.array(trashedTicketSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = await authenticate(ctx, request);
      const member = await getMember(ctx.db, actor, request.params.projectId);
      const rows = await tickets.listTrash(ctx.db, member);
      return {
        tickets: rows.map((r) => ({
          ...presentTicketSummary(r),
          deletedAt: r.ticket.deletedAt ?? new Date(0),
          deletedBy:
            r.ticket.deletedBy && r.deletedByName ? { id: r.ticket.deletedBy, name: r.deletedByName } : null,
          purgeAt: new Date((r.ticket.deletedAt?.getTime() ?? 0) + tickets.TRASH_DAYS * 86_400_000),
        })),
      };
    },
  );

  for (const [method, watching] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/api/v1/tickets/:ticketId/watchers/:userId',
      {
        schema: {
          tags: ['tickets'],
          summary: watching
            ? 'Add a watcher (yourself, or anyone with tickets.update).'
            : 'Remove a watcher (yourself, or anyone with tickets.update).',
          params: z.object({ ticketId: z.uuid(), userId: z.uuid() }),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const actor = await authenticate(ctx, request);
        const { ticketId, userId } = request.params;
        await inTransaction(ctx.db, (tx) =>
          tickets.setWatching(scopeOf(ctx, tx), actor, ticketId, userId, watching),
        );
        return reply.status(204).send(null);
      },
    );
  }

  app.post(
    '/api/v1/tickets/:ticketId/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Reply to the requester, or add an internal note with internal: true.',
        consumes: ['application/json', 'multipart/form-data'],
        description:
          'JSON, or multipart/form-data with the same fields first and then the files (any number of file parts, at most 20).',
        params: ticketParams,
        body: z.object({ body: messageBody, internal: formBoolean.optional() }),
        response: { 201: messageSchema, ...errorResponses, 413: errorResponse },
      },
      preValidation: readMultipartFields,
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const files = { storage: attachmentStorage(ctx.config), uploads: uploadedFiles(request) };
      const { message, attachments, member, authorName } = await inTransaction(ctx.db, (tx) =>
        messages.postStaffMessage(scopeOf(ctx, tx), actor, request.params.ticketId, request.body, files),
      );
      return reply.status(201).send(
        presentMessage(member, {
          ...message,
          attachments,
          authorUserName: authorName,
          authorCustomerName: null,
        }),
      );
    },
  );

  app.get(
    '/api/v1/attachments/:attachmentId',
    {
      schema: {
        tags: ['messages'],
        summary: "Download a message's file (anyone who can see its ticket).",
        description:
          'The bytes, as a download (Content-Disposition: attachment) except PNG, JPEG, GIF and WebP images, which are shown inline; nosniff and a CSP that allows nothing.',
        params: z.object({ attachmentId: z.uuid() }),
        response: { 200: z.unknown().describe('The file.'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const attachment = await tickets.getStaffAttachment(ctx.db, actor, request.params.attachmentId);
      return sendAttachment(reply, ctx.db, attachmentStorage(ctx.config), attachment);
    },
  );

  app.patch(
    '/api/v1/tickets/:ticketId/messages/:messageId',
    {
      schema: {
        tags: ['messages'],
        summary: 'Edit your own reply or note (messages.edit_own).',
        params: z.object({ ticketId: z.uuid(), messageId: z.uuid() }),
        body: z.object({ body: messageBody }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const { ticketId, messageId } = request.params;
      await inTransaction(ctx.db, (tx) =>
        messages.editStaffMessage(scopeOf(ctx, tx), actor, ticketId, messageId, request.body.body),
      );
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/tickets/:ticketId/messages/:messageId',
    {
      schema: {
        tags: ['messages'],
        summary: 'Delete a message (messages.delete_own for yours, messages.delete_any for any).',
        params: z.object({ ticketId: z.uuid(), messageId: z.uuid() }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await authenticate(ctx, request);
      const { ticketId, messageId } = request.params;
      await inTransaction(ctx.db, (tx) =>
        messages.deleteStaffMessage(scopeOf(ctx, tx), actor, ticketId, messageId),
      );
      return reply.status(204).send(null);
    },
  );
}
