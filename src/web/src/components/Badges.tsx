import type { TicketPriority, TicketStatus } from '../api/types';
import { PRIORITY_LABELS, STATUS_LABELS } from '../lib/format';
import { t } from '../lib/i18n';

/** Text first; the colour only repeats what the words say. */
export const StatusBadge = ({ status }: { status: TicketStatus }) => (
  <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>
);

export const PriorityBadge = ({ priority }: { priority: TicketPriority }) => (
  <span className={`badge priority-${priority}`}>
    <span className="visually-hidden">{t('badge.priority')} </span>
    {PRIORITY_LABELS[priority]}
  </span>
);
