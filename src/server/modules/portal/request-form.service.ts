import { z } from 'zod';
import type { Language } from '../../../shared/i18n/index.js';
import type { Scope } from '../../app-context.js';
import type { Queryable } from '../../db/client.js';
import { notFound } from '../../lib/errors.js';
import type { UploadedFile } from '../../lib/multipart.js';
import { type AttachmentStorage, storeUploads } from '../attachments/index.js';
import { findFirstPublicMessageId, openTicket, rememberCustomerLanguage } from '../tickets/index.js';
import * as repo from './portal.repo.js';

const isUuid = (value: string) => z.uuid().safeParse(value).success;

/**
 * The project a form address names (`?project=`), or the account's only project when it names none;
 * undefined for anything else, another account's project included.
 */
export const findFormProject = async (db: Queryable, accountId: string, projectId?: string) =>
  projectId === undefined || isUuid(projectId) ? repo.findFormProject(db, accountId, projectId) : undefined;

export async function getFormProject(db: Queryable, accountId: string, projectId: string | undefined) {
  const project = await findFormProject(db, accountId, projectId);
  if (!project) throw notFound('Form');
  return project;
}

export interface RequestInput {
  name: string;
  email: string;
  subject: string;
  body: string;
}

/**
 * A request from the public form becomes a ticket of the customer with that address (found in the
 * account, or created; an existing customer keeps their name), its files the attachments of the
 * first message (past a limit, ATTACHMENT_TOO_LARGE rolls all of it back), and the form's language
 * is kept as theirs when none is known yet. Callers answer nothing that leads to the ticket: anyone
 * can type any address, and only the address's owner gets the link, by mail (the acknowledgement).
 */
export async function submitRequest(
  s: Scope,
  where: { accountId: string; projectId: string },
  input: RequestInput,
  files: { storage: AttachmentStorage; uploads: AsyncIterable<UploadedFile> },
  language: Language,
) {
  const ticket = await openTicket(
    s,
    where,
    {
      subject: input.subject,
      body: input.body,
      requester: { email: input.email, name: input.name },
      acknowledge: true,
    },
    'requester',
  );
  const messageId = await findFirstPublicMessageId(s.tx, ticket.id);
  if (!messageId) throw new Error('a new ticket has no first message');
  const target = { accountId: where.accountId, ticketId: ticket.id, messageId };
  await storeUploads(s, files.storage, target, files.uploads);
  await rememberCustomerLanguage(s.tx, ticket.requesterId, language);
  return ticket;
}
