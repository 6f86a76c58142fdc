import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { CsatOverview } from '../../api/types';
import { formatAverage, formatDay, formatPercent } from '../../lib/format';
import { t } from '../../lib/i18n';
import { type ChartColors, UPlotChart } from './UPlotChart';

type Trend = CsatOverview['trend'];

export const dayToSeconds = (day: string) => {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime() / 1000;
};

const trendOptions = (c: ChartColors): Omit<uPlot.Options, 'width' | 'height'> => ({
  legend: { show: true },
  scales: { avg: { range: [1, 5] }, pct: { range: [0, 100] } },
  axes: [
    { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { show: false } },
    { scale: 'avg', stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { show: false }, size: 36 },
    {
      scale: 'pct',
      side: 1,
      stroke: c.text,
      grid: { show: false },
      ticks: { show: false },
      size: 44,
      values: (_u, splits) => splits.map((v) => `${v}%`),
    },
  ],
  series: [
    {},
    { label: t('csat.average'), scale: 'avg', stroke: c.accent, width: 2, points: { show: true, size: 7 } },
    {
      label: t('csat.score'),
      scale: 'pct',
      stroke: c.second,
      width: 2,
      dash: [6, 4],
      points: { show: true, size: 7 },
      value: (_u, v) => (v === null ? '—' : `${Math.round(v)}%`),
    },
  ],
});

/** Average rating and CSAT score per day or week; the same numbers are in a table for screen readers. */
export function TrendChart({ trend }: { trend: Trend }) {
  const key = JSON.stringify(trend.points);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the points' JSON stands for the array.
  const data = useMemo<uPlot.AlignedData>(
    () => [
      trend.points.map((p) => dayToSeconds(p.start)),
      trend.points.map((p) => p.average),
      trend.points.map((p) => (p.csatScore === null ? null : p.csatScore * 100)),
    ],
    [key],
  );
  const hasData = trend.points.some((p) => p.answers > 0);

  return (
    <figure className="chart trend" aria-labelledby="trend-title">
      <figcaption id="trend-title">
        <h2>{trend.bucket === 'day' ? t('csat.trend.daily') : t('csat.trend.weekly')}</h2>
      </figcaption>
      {hasData ? (
        <UPlotChart options={trendOptions} data={data} height={220} />
      ) : (
        <p className="empty">{t('csat.noData')}</p>
      )}
      <div className="visually-hidden">
        <table>
          <caption>{trend.bucket === 'day' ? t('csat.trend.perDay') : t('csat.trend.perWeek')}</caption>
          <thead>
            <tr>
              <th scope="col">{trend.bucket === 'day' ? t('csat.trend.day') : t('csat.trend.week')}</th>
              <th scope="col">{t('csat.answers')}</th>
              <th scope="col">{t('csat.average')}</th>
              <th scope="col">{t('csat.score')}</th>
            </tr>
          </thead>
          <tbody>
            {trend.points.map((p) => (
              <tr key={p.start}>
                <th scope="row">{formatDay(p.start)}</th>
                <td>{p.answers}</td>
                <td>{formatAverage(p.average)}</td>
                <td>{formatPercent(p.csatScore)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
