import { sql } from 'drizzle-orm';
import { type AppContext, type Scope, scopeOf } from '../../app-context.js';
import { inTransaction, type Queryable, type Tx } from '../../db/client.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { attachmentStorage, storeAttachment } from '../attachments/index.js';
import { findDeliveryById, markDeliveryBounced } from '../delivery/index.js';
import { type Member, requirePermission } from '../members/index.js';
import {
  AuditEventType,
  findFirstPublicMessageId,
  findTicketIdByReference,
  findTicketSummary,
  openTicket,
  recordAuditEvent,
  replyOrFollowUp,
} from '../tickets/index.js';
import * as repo from './inbound.repo.js';
import { type MailPart, splitMail } from './inbound-mime.js';
import { digestId, ourMessageIds, type ParsedMail, parseMail, quotedMessageIds } from './inbound-parse.js';

/** Signs reply+{token}@ addresses: the ticket's id under the portal link's version, so resetting the link revokes it. */
export const REPLY_TOKEN_PURPOSE = 'mail-reply';

/** The Reply-To of our mails about a ticket; null without MAIL_INBOUND_DOMAIN. */
export function replyAddress(
  links: LinkTokens,
  domain: string | undefined,
  ticket: { id: string; portalTokenVersion: number },
) {
  return domain
    ? `reply+${links.sign(REPLY_TOKEN_PURPOSE, ticket.id, ticket.portalTokenVersion)}@${domain}`
    : null;
}

export interface Recipient {
  projectId: string;
  accountId: string;
  /** Set when the address was a ticket's reply address. */
  ticketId: string | null;
}

/** The project (and ticket) an address of ours names; null for any address Clearline does not own. */
export async function resolveRecipient(ctx: AppContext, address: string): Promise<Recipient | null> {
  const at = address.lastIndexOf('@');
  if (at < 1) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (ctx.config.mailInboundDomain && domain === ctx.config.mailInboundDomain && local.startsWith('reply+')) {
    const token = local.slice('reply+'.length);
    const ticketId = ctx.links.parseId(token);
    const ticket = ticketId && (await findTicketSummary(ctx.db, ticketId));
    if (!ticket || !ctx.links.verify(REPLY_TOKEN_PURPOSE, token, ticket.id, ticket.portalTokenVersion)) {
      return null;
    }
    return { projectId: ticket.projectId, accountId: ticket.accountId, ticketId: ticket.id };
  }
  const project = await repo.findProjectByAddress(ctx.db, address);
  return project && { ...project, ticketId: null };
}

export interface InboundMail {
  /**
   * The mail's bytes, whole or in the pieces they arrived in (never joined here). The array is
   * emptied once the pieces are stored, so that a large mail is not held while its files are decoded.
   */
  raw: Buffer | Buffer[];
  envelopeTo: string[];
  envelopeFrom?: string | undefined;
  source: 'smtp' | 'imap';
  /** The IMAP mailbox's project: the mail is for it whatever its recipients say. */
  projectId?: string | undefined;
}

export type IngestOutcome =
  | { outcome: 'unknown_recipient' }
  | { outcome: 'duplicate' }
  | { outcome: repo.InboundStatus; inboundId: string; ticketId: string | null; reason: string | null };

/**
 * The one way mail comes in (SMTP listener, IMAP poller): parse, record with its raw bytes, and
 * decide in one transaction, so what the caller acknowledges is committed. A second delivery of a
 * mail (same Message-ID, same project) changes nothing.
 */
export async function ingestInboundMail(ctx: AppContext, mail: InboundMail): Promise<IngestOutcome> {
  const recipient = await findRecipient(ctx, mail);
  if (!recipient) return { outcome: 'unknown_recipient' };
  const raw = Buffer.isBuffer(mail.raw) ? [mail.raw] : mail.raw;
  const parsed = await parseMail(raw).catch(() => null);
  return inTransaction(ctx.db, async (tx) => {
    const s = scopeOf(ctx, tx);
    const inboundId = await repo.insertOnce(tx, {
      accountId: recipient.accountId,
      projectId: recipient.projectId,
      messageIdHeader: parsed?.messageId ?? digestId(raw),
      source: mail.source,
      fromAddress: parsed?.from?.address ?? mail.envelopeFrom?.toLowerCase() ?? '',
      subject: parsed?.subject ?? '',
      status: 'held',
      reason: 'malformed',
      size: raw.reduce((n, piece) => n + piece.length, 0),
      receivedAt: ctx.clock.now(),
    });
    if (!inboundId) return { outcome: 'duplicate' as const };
    await repo.insertRaw(tx, { id: inboundId, accountId: recipient.accountId }, raw);
    // From here on the bytes are read back from the rows just written (same transaction).
    raw.length = 0;
    const from = parsed?.from?.address.includes('@') ? parsed.from : null;
    const decided =
      parsed && from
        ? await decide(ctx, s, recipient, { ...parsed, from }, inboundId, { screened: true })
        : { status: 'held' as const, reason: 'malformed: no sender address could be read', ticketId: null };
    await repo.setOutcome(tx, inboundId, decided);
    return { outcome: decided.status, inboundId, ticketId: decided.ticketId, reason: decided.reason };
  });
}

async function findRecipient(ctx: AppContext, mail: InboundMail): Promise<Recipient | null> {
  if (mail.projectId) {
    const project = await repo.findProjectAccount(ctx.db, mail.projectId);
    const named = (await Promise.all(mail.envelopeTo.map((a) => resolveRecipient(ctx, a)))).find(
      (r) => r?.projectId === mail.projectId,
    );
    return project && { ...project, ticketId: named?.ticketId ?? null };
  }
  for (const address of mail.envelopeTo) {
    const recipient = await resolveRecipient(ctx, address);
    if (recipient) return recipient;
  }
  return null;
}

async function readAll(chunks: AsyncIterable<Buffer>) {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

type Decision = { status: repo.InboundStatus; reason: string | null; ticketId: string | null };

/**
 * Bounces mark our delivery; mail nothing should answer is kept without a ticket; then threading in
 * the order (reply address, our Message-IDs, [REF-n] from the requester), else a new ticket
 * within the sender's hourly allowance. `screened: false` is staff releasing a held mail.
 */
async function decide(
  ctx: AppContext,
  s: Scope,
  recipient: Recipient,
  mail: ParsedMail & { from: { address: string; name: string } },
  inboundId: string,
  options: { screened: boolean },
): Promise<Decision> {
  const host = new URL(ctx.config.publicUrl).hostname;
  if (options.screened && (mail.isReport || /^(mailer-daemon|postmaster)@/i.test(mail.from.address))) {
    const { deliveryIds } = ourMessageIds(
      quotedMessageIds(await readAll(repo.readRaw(s.tx, inboundId))).filter((id) => id !== mail.messageId),
      host,
    );
    let marked = 0;
    for (const id of deliveryIds) {
      if (
        await markDeliveryBounced(
          s,
          recipient.accountId,
          id,
          `Bounced: ${mail.subject || 'delivery status notification'}`,
        )
      )
        marked++;
    }
    if (marked > 0) return { status: 'bounce', reason: `${marked} of our mails bounced`, ticketId: null };
  }
  if (options.screened) {
    if (ourMessageIds([mail.messageId], host).deliveryIds.length > 0) {
      return { status: 'auto', reason: 'our own mail came back', ticketId: null };
    }
    if (mail.automatic) return { status: 'auto', reason: mail.automatic, ticketId: null };
  }
  const existing = await findThread(s.tx, recipient, mail, host);
  if (existing) {
    const result = await replyOrFollowUp(s, existing, mail.body);
    const target = { accountId: recipient.accountId, ticketId: result.ticketId, messageId: result.messageId };
    const refused = await attachParts(ctx, s, target, mail, inboundId);
    const reasons = [result.followUpOf && 'follow-up of a closed ticket', refused].filter(Boolean);
    return { status: 'reply', reason: reasons.join('; ') || null, ticketId: result.ticketId };
  }
  if (options.screened) {
    const settings = await getSettings(s.tx, recipient.projectId);
    const since = new Date(ctx.clock.now().getTime() - 3600_000);
    const recent = await repo.countTicketsFrom(s.tx, recipient.projectId, mail.from.address, since);
    if (recent >= settings.newTicketsPerSenderHour) {
      return {
        status: 'held',
        reason: `more than ${settings.newTicketsPerSenderHour} new tickets in an hour from this sender`,
        ticketId: null,
      };
    }
  }
  const ticket = await openTicket(
    s,
    recipient,
    {
      subject: mail.subject || '(no subject)',
      body: mail.body,
      requester: {
        email: mail.from.address,
        name: mail.from.name || mail.from.address.split('@')[0] || 'Customer',
      },
      // Never answer an auto-reply, list or bounce, even one staff released from review.
      acknowledge: !mail.automatic,
    },
    'requester',
  );
  const target = { accountId: recipient.accountId, ticketId: ticket.id, messageId: null };
  const refused = await attachParts(ctx, s, target, mail, inboundId);
  return { status: 'ticket', reason: refused, ticketId: ticket.id };
}

/**
 * The mail's files on the message it became, decoded from the raw bytes straight into the
 * attachments store (a second streaming pass: never a whole file in memory). A file past the
 * attachment limits is left out (it stays in the original, which staff can download): the
 * returned reason names it, else null.
 */
async function attachParts(
  ctx: AppContext,
  s: Scope,
  target: { accountId: string; ticketId: string; messageId: string | null },
  mail: { parts: MailPart[] },
  inboundId: string,
) {
  if (mail.parts.length === 0) return null;
  // A new ticket's (or follow-up's) first message is the mail.
  const messageId = target.messageId ?? (await findFirstPublicMessageId(s.tx, target.ticketId));
  if (!messageId) return null;
  const storage = attachmentStorage(ctx.config);
  const refused: string[] = [];
  await splitMail(repo.readRaw(s.tx, inboundId), async (part, content) => {
    await s.tx.execute(sql`SAVEPOINT inbound_attachment`);
    try {
      await storeAttachment(s, storage, {
        ...part,
        accountId: target.accountId,
        ticketId: target.ticketId,
        messageId,
        content,
      });
      await s.tx.execute(sql`RELEASE SAVEPOINT inbound_attachment`);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'ATTACHMENT_TOO_LARGE')) throw err;
      await s.tx.execute(sql`ROLLBACK TO SAVEPOINT inbound_attachment`);
      refused.push(part.filename);
    }
  });
  return refused.length > 0 ? `not attached, past the attachment limits: ${refused.join(', ')}` : null;
}

/** The ticket the mail continues, only when its sender is that ticket's requester (never another's thread). */
async function findThread(
  db: Queryable,
  recipient: Recipient,
  mail: ParsedMail & { from: { address: string } },
  host: string,
) {
  const candidates: string[] = [];
  if (recipient.ticketId) candidates.push(recipient.ticketId);
  const ours = ourMessageIds(mail.refersTo, host);
  for (const id of ours.deliveryIds) {
    const delivery = await findDeliveryById(db, id);
    if (delivery?.ticketId && delivery.accountId === recipient.accountId) candidates.push(delivery.ticketId);
  }
  candidates.push(...ours.ticketIds);
  const ref = /\[([A-Z][A-Z0-9]*)-(\d{1,9})\]/.exec(mail.subject);
  if (ref) {
    const id = await findTicketIdByReference(db, recipient.projectId, ref[1] as string, Number(ref[2]));
    if (id) candidates.push(id);
  }
  for (const id of candidates) {
    const ticket = await findTicketSummary(db, id);
    if (
      ticket &&
      ticket.projectId === recipient.projectId &&
      ticket.requester.email.toLowerCase() === mail.from.address
    ) {
      return ticket.id;
    }
  }
  return null;
}

export const DEFAULT_TICKETS_PER_SENDER_HOUR = 20;

export async function getSettings(db: Queryable, projectId: string) {
  const row = await repo.findSettings(db, projectId);
  return {
    address: row?.address ?? null,
    newTicketsPerSenderHour: row?.newTicketsPerSenderHour ?? DEFAULT_TICKETS_PER_SENDER_HOUR,
    acknowledge: row?.acknowledge ?? true,
    acknowledgementText: row?.acknowledgementText ?? null,
  };
}

export type IntakeSettings = Awaited<ReturnType<typeof getSettings>>;

export async function readSettings(db: Queryable, member: Member) {
  requirePermission(member, 'settings.manage');
  return getSettings(db, member.projectId);
}

/** A PUT: what it leaves out keeps its current value (clients older than the acknowledgement send two fields). */
export async function updateSettings(
  s: Scope,
  member: Member,
  input: Pick<IntakeSettings, 'address' | 'newTicketsPerSenderHour'> & Partial<IntakeSettings>,
) {
  requirePermission(member, 'settings.manage');
  const owner = input.address && (await repo.findProjectByAddress(s.tx, input.address));
  if (owner && owner.projectId !== member.projectId) {
    throw new AppError('CONFLICT', 'Another project already receives mail at this address.', [
      { field: 'address', message: 'Already in use' },
    ]);
  }
  const before = await getSettings(s.tx, member.projectId);
  const row = await repo.upsertSettings(s.tx, {
    projectId: member.projectId,
    accountId: member.accountId,
    address: input.address?.toLowerCase() ?? null,
    newTicketsPerSenderHour: input.newTicketsPerSenderHour,
    acknowledge: input.acknowledge ?? before.acknowledge,
    acknowledgementText:
      input.acknowledgementText === undefined
        ? before.acknowledgementText
        : input.acknowledgementText || null,
    updatedAt: s.clock.now(),
  });
  const after: IntakeSettings = {
    address: row.address,
    newTicketsPerSenderHour: row.newTicketsPerSenderHour,
    acknowledge: row.acknowledge,
    acknowledgementText: row.acknowledgementText,
  };
  await recordAuditEvent(s.tx, {
    accountId: member.accountId,
    projectId: member.projectId,
    ticketId: null,
    actorUserId: member.userId,
    type: AuditEventType.InboundSettingsChanged,
    data: { from: before, to: after },
    createdAt: s.clock.now(),
  });
  return after;
}

/** Mails kept without a ticket (held for review, or automatic), newest first (tickets.view_all). */
export async function listInbound(db: Queryable, member: Member, status: repo.InboundStatus) {
  requirePermission(member, 'tickets.view_all');
  return repo.listMessages(db, member.projectId, status, 200);
}

export const findInbound = (db: Queryable, id: string) => repo.findMessage(db, id);

/** The mail as received, a chunk at a time (tickets.view_all). */
export const readRaw = (db: Queryable, member: Member) => {
  requirePermission(member, 'tickets.view_all');
  return (id: string) => repo.readRaw(db, id);
};

/**
 * Staff release a held or automatic mail: it is threaded or opens a ticket as any mail would, past
 * the flood and auto-reply screens; or they discard it (the original stays downloadable).
 */
export async function reviewInbound(
  ctx: AppContext,
  tx: Tx,
  member: Member,
  id: string,
  action: 'release' | 'discard',
) {
  requirePermission(member, 'tickets.create');
  const row = await repo.findMessage(tx, id, { lock: true });
  if (!row || row.projectId !== member.projectId) throw notFound('Inbound mail');
  if (row.status !== 'held' && row.status !== 'auto') {
    throw new AppError('CONFLICT', 'Only held or automatic mail can be released or discarded.');
  }
  if (action === 'discard') {
    await repo.setOutcome(tx, id, { status: 'discarded', reason: row.reason, ticketId: null });
    return { ...row, status: 'discarded' as const };
  }
  const parsed = await parseMail(await readAll(repo.readRaw(tx, id))).catch(() => null);
  const s = scopeOf(ctx, tx);
  const from = parsed?.from?.address.includes('@') ? parsed.from : null;
  if (!parsed || !from) {
    throw new AppError(
      'VALIDATION_ERROR',
      'This mail cannot be read as a mail with a sender; download it instead.',
    );
  }
  const decided = await decide(ctx, s, { ...row, ticketId: null }, { ...parsed, from }, id, {
    screened: false,
  });
  await repo.setOutcome(tx, id, decided);
  return { ...row, ...decided };
}
