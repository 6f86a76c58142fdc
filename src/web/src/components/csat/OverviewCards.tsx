import type { CsatMetrics } from '../../api/types';
import { formatAverage, formatChange, formatPercent } from '../../lib/format';

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
    label: 'Average rating',
    value: (m) => m.average,
    format: formatAverage,
    change: 'average',
    hint: 'out of 5',
  },
  {
    id: 'csat-score',
    label: 'CSAT score',
    value: (m) => m.csatScore,
    format: (v) => formatPercent(v),
    change: 'share',
    hint: 'share of 4★ and 5★',
  },
  {
    id: 'answers',
    label: 'Answers',
    value: (m) => m.answers,
    format: (v) => String(v ?? 0),
    change: 'count',
  },
  {
    id: 'surveys-sent',
    label: 'Surveys sent',
    value: (m) => m.surveysSent,
    format: (v) => String(v ?? 0),
    change: 'count',
  },
  {
    id: 'response-rate',
    label: 'Response rate',
    value: (m) => m.responseRate,
    format: (v) => formatPercent(v),
    change: 'share',
    hint: 'answers ÷ surveys sent',
  },
];

function changeText(metric: Metric, now: number | null, before: number | null) {
  if (now === null || before === null) return 'no comparison';
  if (metric.change === 'count') {
    const diff = now - before;
    return diff === 0 ? 'no change' : `${diff > 0 ? '+' : '−'}${Math.abs(diff)}`;
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
                <span className="muted">nothing to compare with in the previous period</span>
              ) : (
                <>
                  {text} <span className="muted">vs previous ({metric.format(before)})</span>
                </>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
