import { Link } from 'wouter';
import { describeError } from '../../api/client';
import { useTicket } from '../../api/tickets';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { PriorityBadge, StatusBadge } from '../Badges';
import { Composer } from './Composer';
import { DeleteTicket } from './DeleteTicket';
import { RequesterPortal } from './RequesterPortal';
import { Thread } from './Thread';
import { TicketControls } from './TicketControls';
import { TicketCsat } from './TicketCsat';
import { Watchers } from './Watchers';

export function TicketView({ ticketId }: { ticketId: string }) {
  const project = useProject();
  const query = useTicket(ticketId);

  if (query.isPending) return <p role="status">{t('ticket.loading')}</p>;
  if (query.isError)
    return (
      <section>
        <h1>{t('ticket.unavailable')}</h1>
        <p className="notice notice-error" role="alert">
          {describeError(query.error)}
        </p>
        <Link href={paths.inbox(project.id)}>{t('ticket.backToInbox')}</Link>
      </section>
    );

  const ticket = query.data;
  return (
    <article className="ticket-view" aria-labelledby="ticket-title">
      <header className="ticket-head">
        <Link href={paths.inbox(project.id)} className="back-link">
          {t('ticket.back')}
        </Link>
        <h1 id="ticket-title">
          <span className="ticket-ref">{ticket.reference}</span> {ticket.subject}
        </h1>
        <p className="ticket-meta">
          <StatusBadge status={ticket.status} />
          <PriorityBadge priority={ticket.priority} />
          <span>{t('ticket.from', { name: ticket.requester.name, email: ticket.requester.email })}</span>
          <span className="muted">{t('ticket.opened', { date: formatDateTime(ticket.createdAt) })}</span>
        </p>
      </header>
      <div className="ticket-columns">
        <div className="ticket-main">
          <Thread messages={ticket.thread} />
          <Composer ticket={ticket} />
        </div>
        <aside className="ticket-side" aria-label={t('ticket.side')}>
          <TicketControls ticket={ticket} />
          <Watchers ticket={ticket} />
          <RequesterPortal ticket={ticket} />
          {ticket.abilities.delete && <DeleteTicket ticketId={ticket.id} />}
          {has(project, 'csat.view') && <TicketCsat ticketId={ticket.id} />}
        </aside>
      </div>
    </article>
  );
}
