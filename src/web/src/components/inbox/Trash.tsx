import { describeError } from '../../api/client';
import { useRestoreTicket, useTrash } from '../../api/tickets';
import { formatDateTime } from '../../lib/format';
import { useProject } from '../../lib/session';

/** Deleted tickets: restorable until their purge date, when they go for good (their ratings stay). */
export function Trash() {
  const project = useProject();
  const trash = useTrash(project.id);
  const restore = useRestoreTicket(project.id);
  return (
    <section aria-labelledby="trash-title">
      <h1 id="trash-title">Trash</h1>
      <p className="muted">
        Deleted tickets can be restored for 30 days; then they are purged. Their ratings stay counted.
      </p>
      {trash.isPending && <p role="status">Loading the trash…</p>}
      {(trash.isError || restore.isError) && (
        <p className="notice notice-error" role="alert">
          {describeError(trash.error ?? restore.error)}
        </p>
      )}
      {trash.data?.tickets.length === 0 && <p className="empty">The trash is empty.</p>}
      <ul className="plain-list trash-list">
        {trash.data?.tickets.map((t) => (
          <li key={t.id}>
            <strong>{t.reference}</strong> {t.subject}
            <span className="muted small">
              {' '}
              · deleted {formatDateTime(t.deletedAt)}
              {t.deletedBy && ` by ${t.deletedBy.name}`} · purged {formatDateTime(t.purgeAt)}
            </span>{' '}
            <button type="button" disabled={restore.isPending} onClick={() => restore.mutate(t.id)}>
              Restore <span className="visually-hidden">{t.reference}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
