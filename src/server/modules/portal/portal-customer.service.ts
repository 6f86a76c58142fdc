import { STATUS_LABELS } from '../../../shared/tickets.js';
import type { Scope } from '../../app-context.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { generateSecret, hashSecret } from '../../lib/tokens.js';
import { findAccountBrand } from '../accounts/index.js';
import { openTicket, reference } from '../tickets/index.js';
import * as repo from './portal.repo.js';

export const SIGN_IN_LINK_PURPOSE = 'customer-sign-in';
/** Sign-in links have no version to bump: they are single use and short-lived instead. */
const SIGN_IN_LINK_VERSION = 1;
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
/** Links one address can be sent per 15 minutes; more requests are answered the same and send nothing. */
const MAX_SIGN_IN_LINKS = 3;

/** A customer signed in to one account's portal. */
export interface PortalCustomer {
  id: string;
  accountId: string;
  email: string;
  name: string;
  /** Their stored language; null until known. */
  language: string | null;
}

export const signInPath = (links: LinkTokens, accountId: string, tokenId: string) =>
  `/portal/${accountId}/sign-in/${links.sign(SIGN_IN_LINK_PURPOSE, tokenId, SIGN_IN_LINK_VERSION)}`;

/** A sign-in link's state and its customer, for the mail that carries it; null when it is gone. */
export const findSignInLink = (db: Queryable, tokenId: string) =>
  repo.findSignInTokenWithCustomer(db, tokenId);

export async function getAccountBrand(db: Queryable, accountId: string) {
  const account = await findAccountBrand(db, accountId);
  if (!account) throw notFound('Portal');
  return {
    id: account.id,
    name: account.name,
    logoUrl: account.logoPath,
    timezone: account.timezone,
    brandColor: account.brandColor,
    defaultLanguage: account.defaultLanguage,
  };
}

export type AccountBrand = Awaited<ReturnType<typeof getAccountBrand>>;

/**
 * Creates a sign-in link for a known customer and returns its id; returns null for an unknown
 * address (or one that asked too often). The caller answers both the same way.
 */
export async function requestSignInLink(s: Scope, accountId: string, email: string) {
  const customer = await repo.findCustomerByEmail(s.tx, accountId, email);
  if (!customer) return null;
  const now = s.clock.now();
  const since = new Date(now.getTime() - SIGN_IN_LINK_TTL_MS);
  await repo.lockSignInRequests(s.tx, customer.id);
  if ((await repo.countRecentSignInTokens(s.tx, customer.id, since)) >= MAX_SIGN_IN_LINKS) return null;
  const token = await repo.insertSignInToken(s.tx, {
    accountId,
    customerId: customer.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS),
  });
  // The mail renders the link from the id when it is sent: the link itself is never stored.
  await s.bus.publish(s, 'customer.sign_in_link_created', { tokenId: token.id, accountId, at: now });
  return token.id;
}

export type SignInLinkState = 'valid' | 'used' | 'expired' | 'invalid';

async function findVerifiedToken(db: Queryable, links: LinkTokens, accountId: string, token: string) {
  const id = links.parseId(token);
  const row = id ? await repo.findSignInToken(db, id, accountId) : null;
  if (!id || !row || !links.verify(SIGN_IN_LINK_PURPOSE, token, id, SIGN_IN_LINK_VERSION)) return null;
  return row;
}

/** What the link would do, without spending it (mail scanners open links; only the button signs in). */
export async function checkSignInLink(
  db: Queryable,
  links: LinkTokens,
  clock: Clock,
  accountId: string,
  token: string,
): Promise<SignInLinkState> {
  const row = await findVerifiedToken(db, links, accountId, token);
  if (!row) return 'invalid';
  if (row.usedAt) return 'used';
  return row.expiresAt.getTime() > clock.now().getTime() ? 'valid' : 'expired';
}

/** Spends the link (once, before its expiry) and opens a session; its secret is returned once, stored hashed. */
export async function signInWithLink(
  tx: Tx,
  links: LinkTokens,
  clock: Clock,
  input: { accountId: string; token: string; sessionDays: number },
) {
  const row = await findVerifiedToken(tx, links, input.accountId, input.token);
  const now = clock.now();
  const spent = row ? await repo.consumeSignInToken(tx, row.id, now) : null;
  if (!spent) {
    throw new AppError(
      'UNAUTHENTICATED',
      'This sign-in link has expired or was already used. Ask for a new one.',
    );
  }
  const secret = generateSecret();
  const expiresAt = new Date(now.getTime() + input.sessionDays * 86_400_000);
  await repo.insertCustomerSession(tx, {
    tokenHash: hashSecret(secret),
    customerId: spent.customerId,
    accountId: input.accountId,
    createdAt: now,
    expiresAt,
  });
  return { token: secret, expiresAt };
}

export async function resolveCustomerSession(
  db: Queryable,
  clock: Clock,
  accountId: string,
  secret: string | undefined,
): Promise<PortalCustomer | null> {
  if (!secret) return null;
  return repo.findCustomerBySession(db, hashSecret(secret), accountId, clock.now());
}

export async function endCustomerSession(tx: Tx, secret: string) {
  await repo.deleteCustomerSession(tx, hashSecret(secret));
}

type BellRow = Awaited<ReturnType<typeof repo.listBellItems>>[number];

const presentBellItem = (accountId: string, item: BellRow) => ({
  id: item.id,
  kind: item.kind,
  projectId: item.projectId,
  ticket: { id: item.ticketId, reference: reference(item.projectKey, item.number), subject: item.subject },
  url: `/portal/${accountId}/tickets/${item.ticketId}${item.kind === 'survey' ? '#survey' : ''}`,
  createdAt: item.createdAt,
});

const bellOf = (items: ReturnType<typeof presentBellItem>[]) => ({ count: items.length, items });

/** The portal home: the customer's tickets across the account's projects, with the global and per-project bells. */
export async function getPortalHome(db: Queryable, clock: Clock, customer: PortalCustomer) {
  const [projects, tickets, bellRows] = await Promise.all([
    repo.listAccountProjects(db, customer.accountId),
    repo.listCustomerTickets(db, customer.id, customer.accountId),
    repo.listBellItems(db, customer.id, customer.accountId, clock.now()),
  ]);
  const items = bellRows.map((item) => presentBellItem(customer.accountId, item));
  const unread = new Map<string, number>();
  for (const item of items) unread.set(item.ticket.id, (unread.get(item.ticket.id) ?? 0) + 1);
  return {
    customer: { name: customer.name, email: customer.email },
    bell: bellOf(items),
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      bell: bellOf(items.filter((i) => i.projectId === p.id)),
    })),
    tickets: tickets.map((t) => ({
      id: t.id,
      projectId: t.projectId,
      reference: reference(t.projectKey, t.number),
      subject: t.subject,
      status: t.status,
      statusLabel: STATUS_LABELS[t.status],
      lastActivityAt: t.lastActivityAt,
      unread: unread.get(t.id) ?? 0,
      url: `/portal/${customer.accountId}/tickets/${t.id}`,
    })),
  };
}

export type PortalHome = Awaited<ReturnType<typeof getPortalHome>>;

/** A signed-in customer opens a ticket in one of the account's projects; its body is their first message. */
export async function openPortalTicket(
  s: Scope,
  customer: PortalCustomer,
  input: { projectId: string; subject: string; body: string },
) {
  const projects = await repo.listAccountProjects(s.tx, customer.accountId);
  if (!projects.some((p) => p.id === input.projectId)) {
    throw new AppError('VALIDATION_ERROR', 'Pick one of the listed projects.', [
      { field: 'projectId', message: 'Not a project of this portal' },
    ]);
  }
  return openTicket(
    s,
    { projectId: input.projectId, accountId: customer.accountId },
    {
      subject: input.subject,
      body: input.body,
      requester: { email: customer.email, name: customer.name },
      acknowledge: true,
    },
    { type: 'requester', customerId: customer.id },
  );
}

/**
 * The customer sign-in link ids of the account outside `customers`, as a subquery: the outbox
 * composes it into its own query, so the table stays behind this module's repo.
 */
export const signInLinkIdsExcept = repo.signInLinkIdsExcept;
