/** Options for {@link detectSeasonalPeriod}. */
export interface DetectSeasonalPeriodOptions {
  /** Longest period considered. @default 24 */
  maxPeriod?: number;
  /** Smallest autocorrelation a period needs (besides being significant at about 5 %). @default 0.3 */
  minCorrelation?: number;
}

/**
 * Detects a seasonal period from the autocorrelation of the first differences (differencing removes the trend that
 * would otherwise dominate every lag): the lag with the highest local peak of the autocorrelation function (or its smallest divisor that peaks at
 * least 80 % as high at each of its multiples), if that
 * peak is above both `minCorrelation` and the approximate 5 % significance bound `1.96/√n`. Needs at least three
 * full periods of data for a lag to be considered.
 *
 * Cost: O(n × maxPeriod).
 *
 * @param values - The series.
 * @param options - Search range and threshold.
 * @returns The period, or 1 when no seasonality is found.
 * @example
 * ```ts
 * detectSeasonalPeriod(Array.from({ length: 96 }, (_, t) => Math.sin((2 * Math.PI * t) / 12))); // 12
 * ```
 */
export function detectSeasonalPeriod(values: ArrayLike<number>, options: DetectSeasonalPeriodOptions = {}): number {
  const { maxPeriod = 24, minCorrelation = 0.3 } = options;
  const count = values.length - 1;
  if (count < 6) return 1;
  const differences = new Float64Array(count);
  let mean = 0;
  for (let index = 0; index < count; index += 1) {
    differences[index] = (values[index + 1] as number) - (values[index] as number);
    mean += differences[index] as number;
  }
  mean /= count;
  let variance = 0;
  for (let index = 0; index < count; index += 1) variance += ((differences[index] as number) - mean) ** 2;
  if (variance === 0) return 1;
  const longest = Math.min(maxPeriod, Math.floor(count / 3));
  const correlations = [1];
  for (let lag = 1; lag <= longest + 1; lag += 1) {
    let sum = 0;
    for (let index = lag; index < count; index += 1) {
      sum += ((differences[index] as number) - mean) * ((differences[index - lag] as number) - mean);
    }
    correlations.push(sum / variance);
  }
  const threshold = Math.max(minCorrelation, 1.96 / Math.sqrt(count));
  const isPeak = (lag: number): boolean =>
    (correlations[lag] as number) >= (correlations[lag - 1] as number) &&
    (correlations[lag] as number) >= (correlations[lag + 1] as number);
  let best = 1;
  let bestCorrelation = threshold;
  for (let lag = 2; lag <= longest; lag += 1) {
    const value = correlations[lag] as number;
    if (isPeak(lag) && value > bestCorrelation) {
      best = lag;
      bestCorrelation = value;
    }
  }
  // A period repeats at its multiples, where noise can make the peak a little higher: prefer the smallest divisor
  // of the winner that peaks nearly as strongly at each of its multiples.
  for (let divisor = 2; divisor < best; divisor += 1) {
    if (best % divisor !== 0) continue;
    let repeats = true;
    for (let lag = divisor; lag < best && repeats; lag += divisor) {
      repeats = isPeak(lag) && (correlations[lag] as number) >= 0.8 * bestCorrelation;
    }
    if (repeats) return divisor;
  }
  return best;
}
