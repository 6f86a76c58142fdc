import { describeError } from '../../api/client';
import { useTicketSurveys } from '../../api/tickets';
import { CHANNEL_LABELS, formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { Stars } from '../Stars';

const STATE_LABELS = {
  pending: t('ticket.csat.state.pending'),
  submitted: t('ticket.csat.state.submitted'),
  expired: t('ticket.csat.state.expired'),
};

/** The ticket's surveys, one per resolution (only rendered for members with csat.view). */
export function TicketCsat({ ticketId }: { ticketId: string }) {
  const query = useTicketSurveys(ticketId, true);
  return (
    <section aria-labelledby="ticket-csat-title" className="panel ticket-csat">
      <h2 id="ticket-csat-title">{t('ticket.csat.title')}</h2>
      {query.isPending && <p role="status">{t('common.loading')}</p>}
      {query.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(query.error)}
        </p>
      )}
      {query.data?.surveys.length === 0 && <p className="muted">{t('ticket.csat.none')}</p>}
      <ol className="plain-list surveys">
        {query.data?.surveys.map((s) => (
          <li key={s.id} className={`survey survey-${s.state}`}>
            <div>
              <strong>{t('ticket.csat.resolution', { resolution: s.resolution })}</strong> ·{' '}
              {STATE_LABELS[s.state]}
              {s.agent && <span className="muted"> · {s.agent.name}</span>}
            </div>
            {s.rating !== null && <Stars rating={s.rating} />}
            {s.comment && <blockquote className="survey-comment">{s.comment}</blockquote>}
            <div className="muted small">
              {s.submittedAt
                ? s.channel
                  ? t('ticket.csat.answeredVia', {
                      date: formatDateTime(s.submittedAt),
                      channel: CHANNEL_LABELS[s.channel],
                    })
                  : t('ticket.csat.answered', { date: formatDateTime(s.submittedAt) })
                : t('ticket.csat.sent', {
                    date: formatDateTime(s.createdAt),
                    until: formatDateTime(s.expiresAt),
                  })}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
