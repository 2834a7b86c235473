import { stl } from "../../anomaly/decomposition/stl";
import { difference } from "./difference";

/** KPSS critical values of the level-stationarity test (Kwiatkowski et al. 1992, Table 1) at 10, 5, 2.5 and 1 %. */
const KPSS_CRITICAL = [0.347, 0.463, 0.574, 0.739] as const;
const KPSS_LEVELS = [0.1, 0.05, 0.025, 0.01] as const;

/**
 * Whether all values are equal (R's `is.constant`).
 *
 * @param values - The series.
 * @returns True for a constant (or empty) series.
 */
export function isConstant(values: ArrayLike<number>): boolean {
  for (let index = 1; index < values.length; index += 1) if (values[index] !== values[0]) return false;
  return true;
}

/**
 * The KPSS statistic for level stationarity (Kwiatkowski, Phillips, Schmidt & Shin 1992) with the lag truncation R's
 * `forecast::ndiffs` uses, `l = trunc(3√n / 13)`: `Σ S_t² / (n² s²(l))` with `S_t` the partial sums of the demeaned
 * series and `s²(l)` the Bartlett-weighted long-run variance.
 *
 * @param values - The series (n ≥ 2).
 * @returns The statistic.
 */
export function kpssStatistic(values: Float64Array): number {
  const count = values.length;
  let mean = 0;
  for (const value of values) mean += value;
  mean /= count;
  const residuals = values.map((value) => value - mean);
  let partial = 0;
  let sumSquares = 0;
  for (const residual of residuals) {
    partial += residual;
    sumSquares += partial * partial;
  }
  const lags = Math.trunc((3 * Math.sqrt(count)) / 13);
  let variance = 0;
  for (const residual of residuals) variance += residual * residual;
  variance /= count;
  for (let lag = 1; lag <= lags; lag += 1) {
    let cross = 0;
    for (let index = lag; index < count; index += 1) {
      cross += (residuals[index] as number) * (residuals[index - lag] as number);
    }
    variance += (2 * (1 - lag / (lags + 1)) * cross) / count;
  }
  return sumSquares / (count * count * variance);
}

/**
 * The KPSS p-value as R's `ndiffs` reads it: linear interpolation in the table of critical values, clamped to
 * [0.01, 0.1].
 *
 * @param statistic - From {@link kpssStatistic}.
 * @returns The p-value.
 */
export function kpssPValue(statistic: number): number {
  if (!(statistic > KPSS_CRITICAL[0])) return KPSS_LEVELS[0];
  for (let index = 1; index < KPSS_CRITICAL.length; index += 1) {
    const upper = KPSS_CRITICAL[index] as number;
    if (statistic <= upper) {
      const lower = KPSS_CRITICAL[index - 1] as number;
      const share = (statistic - lower) / (upper - lower);
      return (
        (KPSS_LEVELS[index - 1] as number) +
        share * ((KPSS_LEVELS[index] as number) - (KPSS_LEVELS[index - 1] as number))
      );
    }
  }
  return KPSS_LEVELS[KPSS_LEVELS.length - 1] as number;
}

/**
 * Number of first differences (0 to `maxD`) that make the series level-stationary by repeated KPSS tests at 5 %, as
 * R's `forecast::ndiffs(x)` with its defaults: difference while the p-value is below 0.05; stop early when the series
 * becomes constant.
 *
 * @param values - The series.
 * @param maxD - Most differences. @default 2
 * @returns The number of differences.
 */
export function countDifferences(values: Float64Array, maxD = 2): number {
  let current = values;
  if (isConstant(current) || current.length < 2) return 0;
  let d = 0;
  while (d < maxD && kpssPValue(kpssStatistic(current)) < 0.05) {
    d += 1;
    current = difference(current, 1, 1);
    if (isConstant(current) || current.length < 2) return d;
  }
  return d;
}

/**
 * Strength of seasonality `max(0, 1 − Var(R) / Var(S + R))` from an STL decomposition with R's `mstl` settings for a
 * single period (`stl(x, s.window = 11)`: seasonal degree 0, no robustness), as R's `forecast` seasonal heuristic.
 *
 * @param values - The series (more than two periods).
 * @param period - Seasonal period (≥ 2).
 * @returns The strength in [0, 1].
 */
export function seasonalStrength(values: Float64Array, period: number): number {
  const decomposition = stl(values, {
    period,
    seasonalWindow: 11,
    seasonalDegree: 0,
    robust: false,
  });
  const remainder = decomposition.remainder;
  const withSeason = remainder.map((value, index) => value + (decomposition.seasonal[index] as number));
  const strength = 1 - variance(remainder) / variance(withSeason);
  return Math.max(0, Math.min(1, Number.isFinite(strength) ? strength : 0));
}

/**
 * Number of seasonal differences (0 or 1), as R's `forecast::nsdiffs` with its default test since forecast 8.x (the
 * one `auto.arima` uses): one difference when the {@link seasonalStrength} exceeds 0.64.
 *
 * @param values - The series.
 * @param period - Seasonal period.
 * @returns 0 or 1.
 */
export function countSeasonalDifferences(values: Float64Array, period: number): number {
  if (period < 2 || isConstant(values) || period >= values.length) return 0;
  return seasonalStrength(values, period) > 0.64 ? 1 : 0;
}

function variance(values: Float64Array): number {
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let total = 0;
  for (const value of values) total += (value - mean) ** 2;
  return total / (values.length - 1);
}
