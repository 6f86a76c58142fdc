import { type FormEvent, useState } from 'react';
import { describeError } from '../../api/client';
import { useUpdateTicket } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { formatDateTime, toLocalInput } from '../../lib/format';
import { t, tNodes } from '../../lib/i18n';

/** "Close by itself at…": a time in the future; any other status change cancels it. */
export function ScheduleClosure({ ticket }: { ticket: Ticket }) {
  const update = useUpdateTicket(ticket.id);
  const [when, setWhen] = useState(() => toLocalInput(new Date(Date.now() + 3 * 86_400_000)));

  if (ticket.status === 'closure_scheduled') {
    return (
      <p className="notice">
        {tNodes('ticket.closure.scheduled', {
          time: <time dateTime={ticket.closesAt ?? undefined}>{formatDateTime(ticket.closesAt)}</time>,
        })}
      </p>
    );
  }
  if (ticket.status === 'closed') return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ status: 'closure_scheduled', closesAt: new Date(when).toISOString() });
  };

  return (
    <form className="schedule-closure" onSubmit={submit}>
      <label htmlFor="closes-at">{t('ticket.closure.label')}</label>
      <div className="inline-fields">
        <input
          id="closes-at"
          type="datetime-local"
          required
          min={toLocalInput(new Date())}
          value={when}
          onChange={(e) => setWhen(e.target.value)}
        />
        <button type="submit" disabled={update.isPending || !when}>
          {t('ticket.closure.submit')}
        </button>
      </div>
      {update.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(update.error)}
        </p>
      )}
    </form>
  );
}
