/**
 * Seasonal indices of a classical multiplicative decomposition (R's `decompose(x, type = "multiplicative")`): the
 * trend is the centred moving average of one season (a 2×m average for even m), each index is the mean ratio
 * `x / trend` at its position in the cycle, and the indices are scaled to average 1. Positions count from the first
 * observation, so index `t mod m` belongs to observation `t` (0-based).
 *
 * @param values - The series (at least two full seasons, all positive).
 * @param period - Seasonal period m ≥ 2.
 * @returns The m indices, or undefined when a position has no ratio or an index is not positive and finite.
 */
export function multiplicativeSeasonalIndices(values: Float64Array, period: number): number[] | undefined {
  const count = values.length;
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  for (let time = half; time < count - half; time += 1) {
    let total = 0;
    if (even) {
      total += 0.5 * ((values[time - half] as number) + (values[time + half] as number));
      for (let offset = -half + 1; offset < half; offset += 1) total += values[time + offset] as number;
    } else {
      for (let offset = -half; offset <= half; offset += 1) total += values[time + offset] as number;
    }
    const trend = total / period;
    sums[time % period] = (sums[time % period] as number) + (values[time] as number) / trend;
    counts[time % period] = (counts[time % period] as number) + 1;
  }
  const figure = sums.map((sum, position) => sum / (counts[position] as number));
  const average = figure.reduce((sum, value) => sum + value, 0) / period;
  const indices = figure.map((value) => value / average);
  return indices.every((value) => Number.isFinite(value) && value > 1e-10) ? indices : undefined;
}

/**
 * The seasonality test of R `forecast::thetaf`: the autocorrelation at lag m is compared with its standard error
 * under the hypothesis of no autocorrelation beyond lag m − 1 (Bartlett), `se = sqrt((1 + 2 Σ_{k<m} r_k²) / n)`,
 * and the series counts as seasonal when `|r_m| / se` exceeds the 95% normal quantile (a 90% two-sided test).
 * Only tried when m > 1, the series is not constant and has more than two full seasons.
 *
 * @param values - The series.
 * @param period - Seasonal period m.
 * @returns Whether to adjust the series for seasonality.
 */
export function isSeasonalByAcf(values: Float64Array, period: number): boolean {
  const count = values.length;
  if (period < 2 || count <= 2 * period) return false;
  let mean = 0;
  for (const value of values) mean += value;
  mean /= count;
  let denominator = 0;
  for (const value of values) denominator += (value - mean) ** 2;
  if (!(denominator > 0)) return false;
  const correlations: number[] = [];
  for (let lag = 1; lag <= period; lag += 1) {
    let total = 0;
    for (let time = lag; time < count; time += 1) {
      total += ((values[time] as number) - mean) * ((values[time - lag] as number) - mean);
    }
    correlations.push(total / denominator);
  }
  let squares = 0;
  for (let lag = 0; lag < period - 1; lag += 1) squares += (correlations[lag] as number) ** 2;
  const standardError = Math.sqrt((1 + 2 * squares) / count);
  // qnorm(0.95)
  return Math.abs(correlations[period - 1] as number) / standardError > 1.6448536269514722;
}
