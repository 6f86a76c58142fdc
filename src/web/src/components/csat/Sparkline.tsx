import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { CsatAgentRow } from '../../api/types';
import { t } from '../../lib/i18n';
import { dayToSeconds } from './TrendChart';
import { type ChartColors, UPlotChart } from './UPlotChart';

const sparkOptions = (c: ChartColors): Omit<uPlot.Options, 'width' | 'height'> => ({
  legend: { show: false },
  cursor: { show: false },
  axes: [{ show: false }, { show: false }],
  scales: { y: { range: [1, 5] } },
  series: [{}, { stroke: c.accent, width: 1.5, points: { show: true, size: 3 }, spanGaps: true }],
});

/** A one-line trend of an agent's average rating; its numbers are read out in text. */
export function Sparkline({ trend }: { trend: CsatAgentRow['trend'] }) {
  const key = JSON.stringify(trend);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the trend's JSON stands for the array.
  const data = useMemo<uPlot.AlignedData>(
    () => [trend.map((p) => dayToSeconds(p.start)), trend.map((p) => p.average)],
    [key],
  );
  const values = trend.filter((p) => p.average !== null).map((p) => (p.average as number).toFixed(1));
  return (
    <span className="sparkline">
      {values.length > 0 && (
        <UPlotChart options={sparkOptions} data={data} height={28} className="sparkline-canvas" />
      )}
      <span className="visually-hidden">
        {values.length
          ? t('csat.sparkline.values', { values: values.join(', ') })
          : t('csat.sparkline.empty')}
      </span>
    </span>
  );
}
