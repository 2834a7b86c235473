import type { ForecastInterval } from "./time-series-forecasting-engine-types";

/**
 * The equal-weight mean of three point forecasts.
 *
 * @param first - One forecast.
 * @param second - Another.
 * @param third - The third.
 * @returns `(first + second + third) / 3`.
 */
export function meanOfThree(first: number, second: number, third: number): number {
  return (first + second + third) / 3;
}

/**
 * The median of three point forecasts: the middle one, whatever their order (no sorting, no allocation).
 *
 * @param first - One forecast.
 * @param second - Another.
 * @param third - The third.
 * @returns The value that is neither the smallest nor the largest (one of the three, exactly).
 */
export function medianOfThree(first: number, second: number, third: number): number {
  return Math.max(Math.min(first, second), Math.min(Math.max(first, second), third));
}

/**
 * The envelope of one step's intervals and the same step's intervals of other forecasts: per level, the lowest
 * lower and the highest upper bound, so a combination's interval contains every member's.
 *
 * @param intervals - The base forecast's intervals at one step.
 * @param others - Other forecasts' points at the same step (their intervals in the same level order).
 * @returns One interval per base interval, widened to cover the others'.
 */
export function envelopeIntervals(
  intervals: readonly ForecastInterval[],
  others: readonly { readonly intervals: readonly ForecastInterval[] }[],
): ForecastInterval[] {
  return intervals.map((interval, position) => {
    let lower = interval.lower;
    let upper = interval.upper;
    for (const other of others) {
      const partner = other.intervals[position];
      if (!partner) continue;
      lower = Math.min(lower, partner.lower);
      upper = Math.max(upper, partner.upper);
    }
    return { level: interval.level, lower, upper };
  });
}
