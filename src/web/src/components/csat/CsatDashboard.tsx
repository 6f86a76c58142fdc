import { useState } from 'react';
import { describeError } from '../../api/client';
import { type CsatScope, type ReviewFilters, useCsatAgents, useCsatOverview } from '../../api/csat';
import { formatDay } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';
import { AgentTable } from './AgentTable';
import { DistributionChart } from './DistributionChart';
import { LowScores } from './LowScores';
import { OverviewCards } from './OverviewCards';
import { PeriodPicker } from './PeriodPicker';
import { ReviewList } from './ReviewList';
import { TrendChart } from './TrendChart';

/** Project-wide CSAT results; only reachable with csat.view (the API refuses without it too). */
export function CsatDashboard() {
  const project = useProject();
  const [scope, setScope] = useState<CsatScope>({ preset: '30d' });
  const [followUp, setFollowUp] = useState<ReviewFilters['followUp']>(undefined);
  const overview = useCsatOverview(project.id, scope);
  const agents = useCsatAgents(project.id, scope);
  const period = overview.data?.period;

  return (
    <div className="dashboard">
      <div className="page-head">
        <h1>{t('csat.title')}</h1>
        {period && (
          <p className="muted">
            {t('csat.period', {
              from: formatDay(period.from),
              to: formatDay(period.to),
              timezone: period.timezone,
              previousFrom: formatDay(period.previousFrom),
              previousTo: formatDay(period.previousTo),
            })}
          </p>
        )}
      </div>
      <PeriodPicker scope={scope} onChange={setScope} />
      {overview.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(overview.error)}
        </p>
      )}
      {overview.isPending && <p role="status">{t('csat.loadingResults')}</p>}
      {overview.data && (
        <>
          <section aria-label={t('csat.overview')}>
            <OverviewCards current={overview.data.current} previous={overview.data.previous} />
          </section>
          <div className="chart-row">
            <DistributionChart distribution={overview.data.distribution} />
            <TrendChart trend={overview.data.trend} />
          </div>
        </>
      )}
      {agents.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(agents.error)}
        </p>
      )}
      <LowScores projectId={project.id} scope={scope} onShowOpen={() => setFollowUp('open')} />
      {agents.data && <AgentTable agents={agents.data.agents} />}
      <ReviewList projectId={project.id} scope={scope} followUp={followUp} onFollowUpChange={setFollowUp} />
    </div>
  );
}
