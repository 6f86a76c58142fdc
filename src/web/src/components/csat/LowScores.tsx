import { describeError } from '../../api/client';
import { type CsatScope, useCsatLowScores } from '../../api/csat';
import { formatDuration } from '../../lib/format';

/**
 * The period's low scores (at or below the project's threshold when given): how many still need a
 * follow-up, how long follow-ups took, and the reasons customers picked. "Show them" filters the
 * review list below to the open ones.
 */
export function LowScores({
  projectId,
  scope,
  onShowOpen,
}: {
  projectId: string;
  scope: CsatScope;
  onShowOpen: () => void;
}) {
  const low = useCsatLowScores(projectId, scope);
  if (low.isError)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(low.error)}
      </p>
    );
  if (!low.data) return null;
  const { lowScores, open, medianFollowUpSeconds, reasons } = low.data;
  return (
    <section className="card low-scores" aria-labelledby="low-scores-title">
      <div className="section-head">
        <h2 id="low-scores-title">Low scores</h2>
        {open > 0 && (
          <button type="button" onClick={onShowOpen}>
            Show the open ones
          </button>
        )}
      </div>
      <dl className="metric-cards">
        <div className="metric-card" data-metric="low-scores">
          <dt>Low scores</dt>
          <dd className="metric-value">{lowScores}</dd>
        </div>
        <div className="metric-card" data-metric="open-low-scores">
          <dt>Need a follow-up</dt>
          <dd className="metric-value">{open}</dd>
        </div>
        <div className="metric-card" data-metric="median-follow-up">
          <dt>Median time to follow-up</dt>
          <dd className={medianFollowUpSeconds === null ? 'metric-value no-data' : 'metric-value'}>
            {formatDuration(medianFollowUpSeconds)}
          </dd>
        </div>
      </dl>
      {reasons.length > 0 && (
        <table className="low-score-reasons">
          <caption>By reason</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Low scores</th>
              <th scope="col">Open</th>
              <th scope="col">Median time to follow-up</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map((r) => (
              <tr key={r.reason ?? ''}>
                <th scope="row">{r.reason ?? <span className="muted">No reason picked</span>}</th>
                <td>{r.lowScores}</td>
                <td>{r.open}</td>
                <td>{formatDuration(r.medianFollowUpSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
