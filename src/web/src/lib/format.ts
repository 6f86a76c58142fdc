export { formatSize } from '../../../shared/format-size';

import type { CsatChannel, TicketPriority, TicketStatus } from '../api/types';
import { t } from './i18n';

export const STATUS_LABELS: Record<TicketStatus, string> = {
  open: t('status.open'),
  in_progress: t('status.inProgress'),
  pending: t('status.pending'),
  on_hold: t('status.onHold'),
  resolved: t('status.resolved'),
  closed: t('status.closed'),
  pending_closure: t('status.pendingClosure'),
  closure_scheduled: t('status.closureScheduled'),
};

export const PRIORITY_LABELS: Record<TicketPriority, string> = {
  low: t('priority.low'),
  normal: t('priority.normal'),
  high: t('priority.high'),
  urgent: t('priority.urgent'),
};

export const CHANNEL_LABELS: Record<CsatChannel, string> = {
  link: t('channel.link'),
  email: t('channel.email'),
  portal: t('channel.portal'),
  discord: t('channel.discord'),
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? dateTime.format(new Date(iso)) : '—';

/** A calendar date (YYYY-MM-DD) as written by the API, shown without any time-zone shift. */
export const formatDay = (day: string): string => {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return dateOnly.format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
};

export const formatPercent = (share: number | null | undefined, digits = 0): string =>
  share === null || share === undefined ? t('format.noData') : `${(share * 100).toFixed(digits)}%`;

export const formatAverage = (average: number | null | undefined): string =>
  average === null || average === undefined ? t('format.noData') : average.toFixed(2);

/** "+0.3" / "−5 pts": a change with its sign spelled out, never colour alone. */
export function formatChange(change: number | null | undefined, kind: 'average' | 'share'): string {
  if (change === null || change === undefined) return t('format.noComparison');
  const value = kind === 'share' ? change * 100 : change;
  const rounded = kind === 'share' ? Math.round(value) : Math.round(value * 100) / 100;
  if (rounded === 0) return t('format.noChange');
  const sign = rounded > 0 ? '+' : '−';
  const magnitude =
    kind === 'share' ? t('format.points', { points: Math.abs(rounded) }) : Math.abs(rounded).toFixed(2);
  return `${sign}${magnitude}`;
}

export const stars = (rating: number): string => '★'.repeat(rating) + '☆'.repeat(Math.max(0, 5 - rating));

/** The value a <input type="datetime-local"> shows for a moment, in the browser's zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A span of seconds as people say it: 45 min, 3 h 20 min, 2 d 4 h; a dash for none. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('format.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60
      ? t('format.hoursMinutes', { hours, minutes: minutes % 60 })
      : t('format.hours', { hours });
  const days = Math.floor(hours / 24);
  return hours % 24 ? t('format.daysHours', { days, hours: hours % 24 }) : t('format.days', { days });
}
