import { describeError } from '../../api/client';
import { useRestoreTicket, useTrash } from '../../api/tickets';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';

/** Deleted tickets: restorable until their purge date, when they go for good (their ratings stay). */
export function Trash() {
  const project = useProject();
  const trash = useTrash(project.id);
  const restore = useRestoreTicket(project.id);
  return (
    <section aria-labelledby="trash-title">
      <h1 id="trash-title">{t('trash.title')}</h1>
      <p className="muted">{t('trash.intro')}</p>
      {trash.isPending && <p role="status">{t('trash.loading')}</p>}
      {(trash.isError || restore.isError) && (
        <p className="notice notice-error" role="alert">
          {describeError(trash.error ?? restore.error)}
        </p>
      )}
      {trash.data?.tickets.length === 0 && <p className="empty">{t('trash.empty')}</p>}
      <ul className="plain-list trash-list">
        {trash.data?.tickets.map((ticket) => {
          const dates = { deleted: formatDateTime(ticket.deletedAt), purged: formatDateTime(ticket.purgeAt) };
          return (
            <li key={ticket.id}>
              <strong>{ticket.reference}</strong> {ticket.subject}
              <span className="muted small">
                {' '}
                {ticket.deletedBy
                  ? t('trash.deletedBy', { ...dates, name: ticket.deletedBy.name })
                  : t('trash.deleted', dates)}
              </span>{' '}
              <button type="button" disabled={restore.isPending} onClick={() => restore.mutate(ticket.id)}>
                {t('trash.restore')} <span className="visually-hidden">{ticket.reference}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
