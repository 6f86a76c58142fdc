import { translator } from '../../../shared/i18n/index.js';
import { describeSystemEvent, type SystemEvent } from '../../../shared/system-events.js';
import type { Scope } from '../../app-context.js';
import { formatUtc } from '../../lib/clock.js';
import { escapeHtml } from '../../lib/markdown.js';
import * as repo from './tickets.repo.js';

const english = translator('en');

/**
 * A system message on the ticket's thread: its English text, which staff read, and the event it
 * tells, from which the portal writes it in the requester's language. `at` is the change's time.
 */
export async function insertSystemMessage(
  s: Scope,
  ticket: { id: string; accountId: string },
  event: SystemEvent,
  at: Date,
) {
  const text = describeSystemEvent(english, event, (closesAt) =>
    english('system.closesOn', { date: formatUtc(closesAt) }),
  );
  await repo.insertMessage(s.tx, {
    accountId: ticket.accountId,
    ticketId: ticket.id,
    kind: 'system',
    body: text,
    bodyHtml: `<p>${escapeHtml(text)}</p>`,
    systemEvent: event,
    createdAt: at,
  });
}
