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
