import { describeError } from '../../api/client';
import { useTicketSurveys } from '../../api/tickets';
import { CHANNEL_LABELS, formatDateTime } from '../../lib/format';
import { Stars } from '../Stars';

const STATE_LABELS = { pending: 'Waiting for an answer', submitted: 'Answered', expired: 'Expired' } as const;

/** The ticket's surveys, one per resolution (only rendered for members with csat.view). */
export function TicketCsat({ ticketId }: { ticketId: string }) {
  const query = useTicketSurveys(ticketId, true);
  return (
    <section aria-labelledby="ticket-csat-title" className="panel ticket-csat">
      <h2 id="ticket-csat-title">Satisfaction (CSAT)</h2>
      {query.isPending && <p role="status">Loading…</p>}
      {query.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(query.error)}
        </p>
      )}
      {query.data?.surveys.length === 0 && (
        <p className="muted">No survey yet: one is sent each time the ticket is resolved.</p>
      )}
      <ol className="plain-list surveys">
        {query.data?.surveys.map((s) => (
          <li key={s.id} className={`survey survey-${s.state}`}>
            <div>
              <strong>Resolution {s.resolution}</strong> · {STATE_LABELS[s.state]}
              {s.agent && <span className="muted"> · {s.agent.name}</span>}
            </div>
            {s.rating !== null && <Stars rating={s.rating} />}
            {s.comment && <blockquote className="survey-comment">{s.comment}</blockquote>}
            <div className="muted small">
              {s.submittedAt
                ? `Answered ${formatDateTime(s.submittedAt)}${s.channel ? ` via ${CHANNEL_LABELS[s.channel]}` : ''}`
                : `Sent ${formatDateTime(s.createdAt)}; answer by ${formatDateTime(s.expiresAt)}`}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
