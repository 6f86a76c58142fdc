import { useState } from 'react';
import { describeError } from '../../api/client';
import { useMembers } from '../../api/settings';
import { useSetWatching } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { t } from '../../lib/i18n';
import { useProject, useSession } from '../../lib/session';

/** Anyone may watch or stop watching; adding or removing others needs the ticket's update ability. */
export function Watchers({ ticket }: { ticket: Ticket }) {
  const me = useSession();
  const project = useProject();
  const members = useMembers(project.id);
  const setWatching = useSetWatching(ticket.id);
  const [adding, setAdding] = useState('');
  const isWatching = ticket.watchers.some((w) => w.id === me.user.id);
  const canManage = ticket.abilities.update;
  const candidates =
    members.data?.members.filter((m) => !ticket.watchers.some((w) => w.id === m.userId)) ?? [];

  return (
    <section aria-labelledby="watchers-title" className="panel">
      <h2 id="watchers-title">{t('ticket.watchers.title')}</h2>
      {ticket.watchers.length === 0 ? (
        <p className="muted">{t('ticket.watchers.none')}</p>
      ) : (
        <ul className="plain-list">
          {ticket.watchers.map((w) => (
            <li key={w.id}>
              {w.name}
              {(canManage || w.id === me.user.id) && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('ticket.watchers.removeLabel', { name: w.name })}
                  onClick={() => setWatching.mutate({ userId: w.id, watching: false })}
                >
                  {t('ticket.watchers.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!isWatching && (
        <button type="button" onClick={() => setWatching.mutate({ userId: me.user.id, watching: true })}>
          {t('ticket.watchers.watch')}
        </button>
      )}
      {canManage && candidates.length > 0 && (
        <form
          className="inline-fields"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding)
              setWatching.mutate({ userId: adding, watching: true }, { onSuccess: () => setAdding('') });
          }}
        >
          <label htmlFor="add-watcher" className="visually-hidden">
            {t('ticket.watchers.addLabel')}
          </label>
          <select id="add-watcher" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">{t('ticket.watchers.addPrompt')}</option>
            {candidates.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={!adding}>
            {t('ticket.watchers.add')}
          </button>
        </form>
      )}
      {setWatching.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(setWatching.error)}
        </p>
      )}
    </section>
  );
}
