import { useMemo } from 'react';
import uPlot from 'uplot';
import type { CsatOverview } from '../../api/types';
import { t } from '../../lib/i18n';
import { type ChartColors, UPlotChart } from './UPlotChart';

const barOptions = (c: ChartColors): Omit<uPlot.Options, 'width' | 'height'> => ({
  legend: { show: false },
  cursor: { show: false },
  scales: {
    x: { time: false, range: [0.4, 5.6] },
    y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
  },
  axes: [
    {
      stroke: c.text,
      grid: { show: false },
      ticks: { show: false },
      splits: () => [1, 2, 3, 4, 5],
      values: (_u, splits) => splits.map((v) => `${v}★`),
    },
    {
      stroke: c.text,
      grid: { stroke: c.grid, width: 1 },
      ticks: { show: false },
      size: 40,
      // Counts are whole numbers: no 0.5 gridlines.
      incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000],
    },
  ],
  series: [
    {},
    {
      label: t('csat.answers'),
      fill: c.bar,
      stroke: c.bar,
      width: 0,
      paths: uPlot.paths.bars?.({ size: [0.6, 80], align: 0 }),
      points: { show: false },
    },
  ],
});

/** How many 1- to 5-star answers: bars, with the counts written below them. */
export function DistributionChart({ distribution }: { distribution: CsatOverview['distribution'] }) {
  const counts = [1, 2, 3, 4, 5].map((r) => distribution.find((d) => d.rating === r)?.count ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const key = counts.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the counts' key stands for the array.
  const data = useMemo<uPlot.AlignedData>(() => [[1, 2, 3, 4, 5], counts], [key]);

  return (
    <figure className="chart distribution" aria-labelledby="distribution-title">
      <figcaption id="distribution-title">
        <h2>{t('csat.distribution.title')}</h2>
      </figcaption>
      {total === 0 ? (
        <p className="empty">{t('csat.noData')}</p>
      ) : (
        <UPlotChart options={barOptions} data={data} height={180} />
      )}
      <ul className="distribution-counts" aria-label={t('csat.distribution.counts')}>
        {counts.map((count, index) => {
          const rating = index + 1;
          return (
            <li key={rating} data-rating={rating}>
              <span className="stars-label">{rating}★</span>{' '}
              <span className="visually-hidden">{t('csat.distribution.stars', { count: rating })} </span>
              <strong>{count}</strong>
              <span className="muted"> ({total ? Math.round((count / total) * 100) : 0}%)</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
