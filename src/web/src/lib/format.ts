export { formatSize } from '../../../shared/format-size';
export { STATUS_LABELS } from '../../../shared/tickets';

import type { CsatChannel, TicketPriority } from '../api/types';

export const PRIORITY_LABELS: Record<TicketPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export const CHANNEL_LABELS: Record<CsatChannel, string> = {
  link: 'Survey link',
  email: 'Email',
  portal: 'Portal',
  discord: 'Discord',
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
  share === null || share === undefined ? 'No data' : `${(share * 100).toFixed(digits)}%`;

export const formatAverage = (average: number | null | undefined): string =>
  average === null || average === undefined ? 'No data' : average.toFixed(2);

/** "+0.3" / "−5 pts": a change with its sign spelled out, never colour alone. */
export function formatChange(change: number | null | undefined, kind: 'average' | 'share'): string {
  if (change === null || change === undefined) return 'no comparison';
  const value = kind === 'share' ? change * 100 : change;
  const rounded = kind === 'share' ? Math.round(value) : Math.round(value * 100) / 100;
  if (rounded === 0) return 'no change';
  const sign = rounded > 0 ? '+' : '−';
  const magnitude = kind === 'share' ? `${Math.abs(rounded)} pts` : Math.abs(rounded).toFixed(2);
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
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
