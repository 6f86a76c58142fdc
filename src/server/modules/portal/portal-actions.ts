import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AppContext, scopeOf } from '../../app-context.js';
import { inTransaction } from '../../db/client.js';
import { setSessionCookie } from '../../lib/http.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { uploadedFiles } from '../../lib/multipart.js';
import { attachmentStorage, presentAttachment } from '../attachments/index.js';
import { assertNotStaffOf, assertSameOrigin } from '../auth/index.js';
import { submitSurvey } from '../csat/index.js';
import { DISCORD_STATE_COOKIE, startDiscordLink, unlinkDiscord } from '../discord/index.js';
import { isHoneypotFilled, logHoneypotDiscard, verifyCaptcha } from '../spam/index.js';
import { assertAcceptsReplies, postRequesterMessage, statusAfterRequesterReply } from '../tickets/index.js';
import { closeAsRequester, getAnswerableSurvey, type PortalTicket } from './portal.service.js';
import { type PortalCustomer, resolveCustomerSession } from './portal-customer.service.js';

/**
 * What both faces of the portal (HTML forms and the JSON API) do for an action: the honeypot answers
 * exactly like a success and writes nothing; otherwise the captcha is spent in the transaction that
 * writes, so a refused submission leaves nothing behind. A reply's files (a multipart request's)
 * are stored in that transaction too.
 */

export async function sendPortalReply(
  ctx: AppContext,
  request: FastifyRequest,
  row: PortalTicket,
  input: { body: string; altcha: string | undefined; website: string | undefined },
) {
  assertAcceptsReplies(row.ticket);
  await assertNotStaffOf(ctx, request, row.accountId);
  const author = { type: 'requester' as const, name: row.requesterName };
  if (isHoneypotFilled(input.website)) {
    logHoneypotDiscard(request, 'portal.reply');
    return {
      message: {
        id: randomUUID(),
        kind: 'public' as const,
        body: input.body,
        bodyHtml: renderMarkdown(input.body),
        author,
        createdAt: ctx.clock.now(),
        attachments: [],
      },
      ticket: { status: statusAfterRequesterReply(row.ticket.status) },
    };
  }
  const message = await inTransaction(ctx.db, async (tx) => {
    await verifyCaptcha(tx, ctx.clock, input.altcha);
    return postRequesterMessage(scopeOf(ctx, tx), row.ticket.id, input.body, {
      storage: attachmentStorage(ctx.config),
      uploads: uploadedFiles(request),
    });
  });
  return {
    message: {
      id: message.id,
      kind: 'public' as const,
      body: message.body,
      bodyHtml: message.bodyHtml,
      author,
      createdAt: message.createdAt,
      attachments: message.attachments.map(presentAttachment),
    },
    ticket: { status: statusAfterRequesterReply(row.ticket.status) },
  };
}

export async function answerPortalSurvey(
  ctx: AppContext,
  request: FastifyRequest,
  row: PortalTicket,
  input: {
    rating: number;
    comment: string | null;
    reason: string | null;
    altcha: string | undefined;
    website: string | undefined;
  },
) {
  const pending = await getAnswerableSurvey(ctx.db, ctx.clock, row.ticket.id);
  await assertNotStaffOf(ctx, request, row.accountId);
  if (isHoneypotFilled(input.website)) {
    logHoneypotDiscard(request, 'portal.survey');
    return { rating: input.rating, comment: input.comment, reason: null, submittedAt: ctx.clock.now() };
  }
  const survey = await inTransaction(ctx.db, async (tx) => {
    await verifyCaptcha(tx, ctx.clock, input.altcha);
    return submitSurvey(scopeOf(ctx, tx), pending.id, {
      rating: input.rating,
      comment: input.comment,
      reason: input.reason,
      channel: 'portal',
    });
  });
  return {
    rating: input.rating,
    comment: survey.comment,
    reason: survey.reason,
    submittedAt: survey.submittedAt ?? ctx.clock.now(),
  };
}

export async function closePortalTicket(ctx: AppContext, request: FastifyRequest, row: PortalTicket) {
  await assertNotStaffOf(ctx, request, row.accountId);
  return inTransaction(ctx.db, (tx) => closeAsRequester(scopeOf(ctx, tx), row.ticket.id));
}

/**
 * "Link Discord" for the customer the page belongs to: the URL of Discord's consent page, bound to
 * them by a single-use state; `returnTo` is the page they come back to. Staff never link for them.
 */
export async function linkDiscordFromPortal(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { accountId: string; customerId: string },
  returnTo: string,
) {
  await assertNotStaffOf(ctx, request, who.accountId);
  const started = await inTransaction(ctx.db, (tx) =>
    startDiscordLink(scopeOf(ctx, tx), ctx.config, ctx.secrets, { ...who, returnTo }),
  );
  setSessionCookie(reply, request, DISCORD_STATE_COOKIE, {
    token: started.state,
    expiresAt: started.expiresAt,
  });
  return started.url;
}

export async function unlinkDiscordFromPortal(
  ctx: AppContext,
  request: FastifyRequest,
  who: { accountId: string; customerId: string },
) {
  await assertNotStaffOf(ctx, request, who.accountId);
  await inTransaction(ctx.db, (tx) => unlinkDiscord(tx, who.accountId, who.customerId));
}

export const PORTAL_COOKIE = 'clearline_portal';

/**
 * The signed-in customer of this account's portal, from the portal cookie only: a staff session is
 * never a substitute (and staff routes never read this cookie). Cookie-authenticated writes must come
 * from our own origin.
 */
export async function findPortalCustomer(
  ctx: AppContext,
  request: FastifyRequest,
  accountId: string,
): Promise<PortalCustomer | null> {
  const customer = await resolveCustomerSession(ctx.db, ctx.clock, accountId, request.cookies[PORTAL_COOKIE]);
  if (customer && request.method !== 'GET' && request.method !== 'HEAD') assertSameOrigin(request);
  return customer;
}
