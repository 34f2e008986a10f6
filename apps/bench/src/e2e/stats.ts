/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** (max - min) / median: how far apart the runs were; 0.1 = the runs span 10% of the median. */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  if (m === 0) return 0;
  return (Math.max(...values) - Math.min(...values)) / m;
}

/** Spreads above this get a note in the output. */
export const WIDE_SPREAD = 0.1;

/** max / min: how many times faster the best run was than the worst (1 = identical runs). */
export function maxOverMin(values: readonly number[]): number {
  if (values.length < 2) return 1;
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === 0) return 1;
  return min <= 0 ? Number.POSITIVE_INFINITY : max / min;
}

/**
 * A scenario whose ceiling (raw) runs differ by more than this factor, fastest ÷ slowest, is
 * greyed out in the chart with a note: every ratio in it divides by an unsteady number.
 */
export const CEILING_UNSTEADY = 1.5;
