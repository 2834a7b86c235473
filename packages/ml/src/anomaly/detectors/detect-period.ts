/**
 * Detects the seasonal period of a series. Candidates are the local maxima of the sample autocorrelation above
 * `minCorrelation`, after it first drops to zero or below (short lags are always correlated in smooth series).
 * Multiples of a season correlate about as well as the season itself, so among the candidates the one with the
 * lowest AIC of a seasonal-means model wins, `n · ln(SSR / n) + 2p` for period `p`: a longer season must explain
 * enough more variance to pay for its extra phase means (a weekly season that the daily one misses does). Returns 1
 * (no seasonality) when no lag qualifies. Complexity O(n · L) for L = maxLag.
 *
 * @param values - The series.
 * @param minCorrelation - Smallest autocorrelation accepted as seasonal. @default 0.3
 * @param maxLag - Largest lag tried (never more than floor(n / 2), so two full seasons fit). @default floor(n / 2)
 * @returns The period in points, or 1.
 */
export function detectPeriod(
  values: Float64Array,
  minCorrelation = 0.3,
  maxLag = Math.floor(values.length / 2),
): number {
  const length = values.length;
  const longestLag = Math.min(maxLag, Math.floor(length / 2));
  let mean = 0;
  for (const value of values) mean += value;
  mean /= length;
  let variance = 0;
  for (const value of values) variance += (value - mean) ** 2;
  if (!(variance > 0) || longestLag < 2) return 1;
  const correlations = new Float64Array(longestLag + 2);
  for (let lag = 1; lag <= Math.min(longestLag + 1, length - 1); lag += 1) {
    let sum = 0;
    for (let index = lag; index < length; index += 1) {
      sum += ((values[index] as number) - mean) * ((values[index - lag] as number) - mean);
    }
    // Averaging over the n − lag overlapping pairs (not n) keeps long lags from being penalised for having fewer.
    correlations[lag] = (sum / (length - lag)) * (length / variance);
  }
  let lag = 1;
  while (lag < longestLag && (correlations[lag] as number) > 0) lag += 1;
  let best = 1;
  let bestCriterion = length * Math.log(variance / length) + 2;
  for (; lag <= longestLag; lag += 1) {
    const current = correlations[lag] as number;
    if (
      current > minCorrelation &&
      current >= (correlations[lag - 1] as number) &&
      current >= (correlations[lag + 1] as number)
    ) {
      const criterion = seasonalMeansCriterion(values, lag);
      if (criterion < bestCriterion) {
        best = lag;
        bestCriterion = criterion;
      }
    }
  }
  return best;
}

/** AIC of the model "each phase has its own mean": n · ln(SSR / n) + 2p. */
function seasonalMeansCriterion(values: Float64Array, period: number): number {
  const length = values.length;
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let index = 0; index < length; index += 1) {
    const phase = index % period;
    sums[phase] = (sums[phase] as number) + (values[index] as number);
    counts[phase] = (counts[phase] as number) + 1;
  }
  let residual = 0;
  for (let index = 0; index < length; index += 1) {
    const phase = index % period;
    residual += ((values[index] as number) - (sums[phase] as number) / (counts[phase] as number)) ** 2;
  }
  // A perfect fit has no finite AIC; the smallest positive residual keeps the comparison defined.
  return length * Math.log(Math.max(residual, Number.MIN_VALUE) / length) + 2 * period;
}
