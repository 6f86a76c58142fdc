import { useContext, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ThemeContext } from '../../lib/theme';

/** The theme's colours, read from CSS variables so that charts follow light and dark. */
export interface ChartColors {
  text: string;
  grid: string;
  accent: string;
  second: string;
  bar: string;
}

function readColors(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: get('--text-muted', '#555'),
    grid: get('--border', '#ddd'),
    accent: get('--accent', '#2456c4'),
    second: get('--chart-2', '#b35c00'),
    bar: get('--chart-bar', '#2456c4'),
  };
}

interface Props {
  /** Built per theme; width and height are the wrapper's business. */
  options: (colors: ChartColors) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  className?: string;
}

/**
 * A uPlot canvas that fills its container's width and is redrawn on resize and theme change.
 * Canvas is invisible to screen readers: every chart has its numbers in text or a table beside it.
 */
export function UPlotChart({ options, data, height, className }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useContext(ThemeContext);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme changes the CSS variables read inside.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const chart = new uPlot({ ...options(readColors()), width: el.clientWidth || 300, height }, data, el);
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== chart.width)
        chart.setSize({ width: el.clientWidth, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height, theme]);

  return <div ref={container} className={className} aria-hidden="true" />;
}
