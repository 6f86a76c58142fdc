import type { CsatMetrics } from '../../api/types';
import { formatAverage, formatChange, formatPercent } from '../../lib/format';
import { t } from '../../lib/i18n';

interface Metric {
  id: string;
  label: string;
  value: (m: CsatMetrics) => number | null;
  format: (v: number | null) => string;
  change: 'average' | 'share' | 'count';
  hint?: string;
}

const METRICS: Metric[] = [
  {
    id: 'average',
    label: t('csat.overview.average'),
    value: (m) => m.average,
    format: formatAverage,
    change: 'average',
    hint: t('csat.overview.averageHint'),
  },
  {
    id: 'csat-score',
    label: t('csat.score'),
    value: (m) => m.csatScore,
    format: (v) => formatPercent(v),
    change: 'share',
    hint: t('csat.overview.scoreHint'),
  },
  {
    id: 'answers',
    label: t('csat.answers'),
    value: (m) => m.answers,
    format: (v) => String(v ?? 0),
    change: 'count',
  },
  {
    id: 'surveys-sent',
    label: t('csat.overview.surveysSent'),
    value: (m) => m.surveysSent,
    format: (v) => String(v ?? 0),
    change: 'count',
  },
  {
    id: 'response-rate',
    label: t('csat.responseRate'),
    value: (m) => m.responseRate,
    format: (v) => formatPercent(v),
    change: 'share',
    hint: t('csat.overview.responseRateHint'),
  },
];

function changeText(metric: Metric, now: number | null, before: number | null) {
  if (now === null || before === null) return t('format.noComparison');
  if (metric.change === 'count') {
    const diff = now - before;
    return diff === 0 ? t('format.noChange') : `${diff > 0 ? '+' : '−'}${Math.abs(diff)}`;
  }
  return formatChange(now - before, metric.change);
}

/** Each number next to the same number for the previous period of the same length. */
export function OverviewCards({ current, previous }: { current: CsatMetrics; previous: CsatMetrics }) {
  return (
    <dl className="metric-cards">
      {METRICS.map((metric) => {
        const now = metric.value(current);
        const before = metric.value(previous);
        const text = changeText(metric, now, before);
        const direction = text.startsWith('+') ? 'up' : text.startsWith('−') ? 'down' : 'flat';
        return (
          <div key={metric.id} className="metric-card" data-metric={metric.id}>
            <dt>
              {metric.label}
              {metric.hint && <span className="muted small"> ({metric.hint})</span>}
            </dt>
            <dd className={now === null ? 'metric-value no-data' : 'metric-value'}>{metric.format(now)}</dd>
            <dd className={`metric-change change-${direction}`}>
              <span aria-hidden="true">{direction === 'up' ? '▲ ' : direction === 'down' ? '▼ ' : ''}</span>
              {before === null ? (
                <span className="muted">{t('csat.overview.noPrevious')}</span>
              ) : (
                <>
                  {text}{' '}
                  <span className="muted">
                    {t('csat.overview.vsPrevious', { value: metric.format(before) })}
                  </span>
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
