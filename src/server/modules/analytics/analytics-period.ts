const DAY_MS = 86_400_000;
const PRESET_DAYS = { '7d': 7, '30d': 30, '90d': 90 } as const;
/** Periods longer than this get weekly buckets. */
const MAX_DAILY_DAYS = 31;

export type Preset = keyof typeof PRESET_DAYS;

/** Calendar arithmetic on YYYY-MM-DD strings (no time zone involved: these are local days). */
export const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export interface Period {
  from: string;
  to: string;
  /** The day after `to`. */
  end: string;
  previousFrom: string;
  previousTo: string;
  bucket: 'day' | 'week';
  bucketDays: number;
  /** The first day of every bucket, in order; weeks start on `from`, so the last may be shorter. */
  bucketStarts: string[];
}

/**
 * A preset is the last N local days including today; a custom range is from…to inclusive. Either is
 * compared with the N days just before it.
 */
export function resolvePeriod(
  today: string,
  query: { preset?: Preset | undefined; from?: string | undefined; to?: string | undefined },
): Period {
  let from: string;
  let to: string;
  if (query.from && query.to) {
    from = query.from;
    to = query.to;
  } else {
    to = today;
    from = addDays(today, 1 - PRESET_DAYS[query.preset ?? '30d']);
  }
  const days = daysBetween(from, to) + 1;
  const bucketDays = days > MAX_DAILY_DAYS ? 7 : 1;
  const bucketStarts: string[] = [];
  for (let offset = 0; offset < days; offset += bucketDays) bucketStarts.push(addDays(from, offset));
  return {
    from,
    to,
    end: addDays(to, 1),
    previousFrom: addDays(from, -days),
    previousTo: addDays(from, -1),
    bucket: bucketDays === 1 ? 'day' : 'week',
    bucketDays,
    bucketStarts,
  };
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion (positives of n): unlike the normal approximation it
 * stays inside [0, 1] and stays wide for small n, so 2 out of 2 reads as "somewhere in 34–100%".
 */
export function wilsonInterval(positives: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = positives / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - margin), high: Math.min(1, centre + margin) };
}

/** Fewer answers than this, or an interval wider than SMALL_SAMPLE_WIDTH, is flagged as a small sample. */
export const SMALL_SAMPLE_ANSWERS = 10;
export const SMALL_SAMPLE_WIDTH = 0.3;

export const isSmallSample = (answers: number, interval: { low: number; high: number } | null) =>
  answers < SMALL_SAMPLE_ANSWERS || !interval || interval.high - interval.low > SMALL_SAMPLE_WIDTH;

/** a ÷ b, or null when there is nothing to divide by. */
export const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
