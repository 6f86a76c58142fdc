import { describeError } from '../../api/client';
import { type CsatScope, useCsatLowScores } from '../../api/csat';
import { formatDuration } from '../../lib/format';
import { t } from '../../lib/i18n';

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
        <h2 id="low-scores-title">{t('csat.lowScores.title')}</h2>
        {open > 0 && (
          <button type="button" onClick={onShowOpen}>
            {t('csat.lowScores.showOpen')}
          </button>
        )}
      </div>
      <dl className="metric-cards">
        <div className="metric-card" data-metric="low-scores">
          <dt>{t('csat.lowScores.count')}</dt>
          <dd className="metric-value">{lowScores}</dd>
        </div>
        <div className="metric-card" data-metric="open-low-scores">
          <dt>{t('csat.lowScores.open')}</dt>
          <dd className="metric-value">{open}</dd>
        </div>
        <div className="metric-card" data-metric="median-follow-up">
          <dt>{t('csat.lowScores.median')}</dt>
          <dd className={medianFollowUpSeconds === null ? 'metric-value no-data' : 'metric-value'}>
            {formatDuration(medianFollowUpSeconds)}
          </dd>
        </div>
      </dl>
      {reasons.length > 0 && (
        <table className="low-score-reasons">
          <caption>{t('csat.lowScores.byReason')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('csat.lowScores.reason')}</th>
              <th scope="col">{t('csat.lowScores.count')}</th>
              <th scope="col">{t('csat.lowScores.openColumn')}</th>
              <th scope="col">{t('csat.lowScores.median')}</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map((r) => (
              <tr key={r.reason ?? ''}>
                <th scope="row">
                  {r.reason ?? <span className="muted">{t('csat.lowScores.noReason')}</span>}
                </th>
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
