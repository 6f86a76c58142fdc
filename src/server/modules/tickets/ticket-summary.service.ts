import type { Language } from '../../../shared/i18n/index.js';
import type { Queryable, Tx } from '../../db/client.js';
import * as repo from './tickets.repo.js';
import { reference } from './tickets.service.js';

/**
 * What other modules show of a ticket (mails, notices): its reference, subject, requester and the
 * portal link's version. Null when the ticket is gone.
 */
export async function findTicketSummary(db: Queryable, ticketId: string) {
  const row = await repo.findTicketDetails(db, ticketId);
  if (!row) return null;
  const { ticket, projectKey, requester } = row;
  return {
    id: ticket.id,
    projectId: ticket.projectId,
    number: ticket.number,
    subject: ticket.subject,
    portalTokenVersion: ticket.portalTokenVersion,
    projectKey,
    reference: reference(projectKey, ticket.number),
    /** The requester's account is the ticket's. */
    accountId: requester.accountId,
    requester: {
      id: requester.id,
      name: requester.name,
      email: requester.email,
      language: requester.language,
    },
  };
}

/** The customer's own choice (the switcher) replaces what they had. */
export const setCustomerLanguage = (tx: Tx, customerId: string, language: Language) =>
  repo.updateCustomerLanguage(tx, customerId, language, false);

/** What their browser asked for on first contact; a language already known is kept. */
export const rememberCustomerLanguage = (tx: Tx, customerId: string, language: Language) =>
  repo.updateCustomerLanguage(tx, customerId, language, true);

export type TicketSummary = NonNullable<Awaited<ReturnType<typeof findTicketSummary>>>;

/** A message with its author's name; null when it is gone. */
export const findMessageSummary = (db: Queryable, messageId: string) =>
  repo.findMessageWithAuthor(db, messageId);

/** The requester's first public message, which says what a new ticket is about. */
export const findFirstPublicMessageId = (db: Queryable, ticketId: string) =>
  repo.findFirstPublicMessageId(db, ticketId);

/** The id of the ticket `KEY-number` of the project, or null. */
export const findTicketIdByReference = (db: Queryable, projectId: string, key: string, number: number) =>
  repo.findTicketIdByNumber(db, projectId, key, number);
