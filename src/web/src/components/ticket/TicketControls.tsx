import { useId } from 'react';
import { PRIORITIES, STATUSES } from '../../../../shared/tickets';
import { describeError } from '../../api/client';
import { useMembers } from '../../api/settings';
import { useUpdateTicket } from '../../api/tickets';
import type { Ticket, TicketPriority, TicketStatus } from '../../api/types';
import { PRIORITY_LABELS, STATUS_LABELS } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';
import { ScheduleClosure } from './ScheduleClosure';

/** Status, priority and assignee: each is a control only when the ticket's abilities allow it. */
export function TicketControls({ ticket }: { ticket: Ticket }) {
  const project = useProject();
  const update = useUpdateTicket(ticket.id);
  const members = useMembers(project.id);
  const id = useId();
  const { changeStatus, changePriority, assign } = ticket.abilities;
  // A closure is scheduled with its own form (it needs a time), not from the list.
  const statuses = STATUSES.filter((s) => s !== 'closure_scheduled' || s === ticket.status);

  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <h2 id={`${id}-title`}>{t('ticket.details.title')}</h2>
      <div className="field">
        <label htmlFor="ticket-status">{t('ticket.details.status')}</label>
        {changeStatus ? (
          <select
            id="ticket-status"
            value={ticket.status}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ status: e.target.value as TicketStatus })}
          >
            {statuses.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        ) : (
          <output id="ticket-status">{STATUS_LABELS[ticket.status]}</output>
        )}
      </div>
      <div className="field">
        <label htmlFor="ticket-priority">{t('ticket.details.priority')}</label>
        {changePriority ? (
          <select
            id="ticket-priority"
            value={ticket.priority}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ priority: e.target.value as TicketPriority })}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        ) : (
          <output id="ticket-priority">{PRIORITY_LABELS[ticket.priority]}</output>
        )}
      </div>
      <div className="field">
        <label htmlFor="ticket-assignee">{t('ticket.details.assignee')}</label>
        {assign ? (
          <select
            id="ticket-assignee"
            value={ticket.assignee?.id ?? ''}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ assigneeId: e.target.value || null })}
          >
            <option value="">{t('common.unassigned')}</option>
            {ticket.assignee && !members.data?.members.some((m) => m.userId === ticket.assignee?.id) && (
              <option value={ticket.assignee.id}>{ticket.assignee.name}</option>
            )}
            {members.data?.members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
        ) : (
          <output id="ticket-assignee">{ticket.assignee?.name ?? t('common.unassigned')}</output>
        )}
      </div>
      {update.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(update.error)}
        </p>
      )}
      {changeStatus && <ScheduleClosure ticket={ticket} />}
    </section>
  );
}
