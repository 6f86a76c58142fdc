import { Link } from 'wouter';
import { describeError } from '../../api/client';
import { type StaffNotification, useMarkNotificationsRead, useNotifications } from '../../api/notifications';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { Stars } from '../Stars';

const HEADLINES: Record<StaffNotification['kind'], (n: StaffNotification) => string> = {
  new_ticket: (n) => t('notifications.newTicket', { name: n.ticket.requesterName }),
  requester_reply: (n) => t('notifications.requesterReply', { name: n.ticket.requesterName }),
  reopened: (n) => t('notifications.reopened', { name: n.ticket.requesterName }),
  low_score: (n) => t('notifications.lowScore', { name: n.ticket.requesterName }),
};

/** Your notifications: new tickets, replies and reopens of your tickets, and low scores to follow up. */
export function Notifications() {
  const list = useNotifications();
  const markRead = useMarkNotificationsRead();
  if (list.isError)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(list.error)}
      </p>
    );
  if (!list.data) return <p role="status">{t('common.loading')}</p>;
  const { notifications, unreadCount } = list.data;
  return (
    <section aria-labelledby="notifications-title" className="notifications">
      <div className="section-head">
        <h1 id="notifications-title">{t('notifications.title')}</h1>
        {unreadCount > 0 && (
          <button type="button" onClick={() => markRead.mutate({ all: true })}>
            {t('notifications.markAllRead')}
          </button>
        )}
      </div>
      {notifications.length === 0 && <p className="empty">{t('notifications.empty')}</p>}
      <ol className="notification-list">
        {notifications.map((n) => (
          <li key={n.id} className={`notification kind-${n.kind}${n.readAt ? '' : ' is-unread'}`}>
            <p>
              <strong>{HEADLINES[n.kind](n)}</strong> {n.lowScore && <Stars rating={n.lowScore.rating} />}{' '}
              <Link
                href={paths.ticket(n.ticket.projectId, n.ticket.id)}
                onClick={() => !n.readAt && markRead.mutate({ ids: [n.id] })}
              >
                {n.ticket.reference} · {n.ticket.subject}
              </Link>
            </p>
            {n.lowScore?.reason && <p>{t('notifications.reason', { reason: n.lowScore.reason })}</p>}
            {n.excerpt && <blockquote>{n.excerpt}</blockquote>}
            <p className="muted small">
              <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
              {!n.readAt && ` · ${t('notifications.unread')}`}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
