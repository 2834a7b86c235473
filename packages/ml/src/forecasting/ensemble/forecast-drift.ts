import { normalQuantile } from "../../internal/normal-quantile";
import { isSeasonalByAcf, multiplicativeSeasonalIndices } from "../theta/classical-decomposition";

/** A random walk with drift fitted to a (possibly seasonally adjusted) series. */
export interface DriftFit {
  /** Seasonal period the seasonality test used (1 = none). */
  readonly period: number;
  /** Whether the series was divided by classical multiplicative seasonal indices first. */
  readonly seasonal: boolean;
  /** The m indices of the next m steps, position 0 = the step after the last observation (empty when not seasonal). */
  readonly seasonalIndices: readonly number[];
  /** The last (adjusted) observation, where the forecast starts. */
  readonly last: number;
  /** Mean step per period of the (adjusted) series: (last − first) / (n − 1). */
  readonly drift: number;
  /** Variance of the steps around the drift, Σ(Δy − drift)² / (n − 2) (adjusted scale). */
  readonly sigma2: number;
  /** Points fitted. */
  readonly observationCount: number;
}

/** One step of a drift forecast. */
export interface DriftForecastStep {
  /** Steps after the last observation, from 1. */
  readonly step: number;
  /** Point forecast. */
  readonly value: number;
  /** Intervals in the order of the requested levels. */
  readonly intervals: readonly {
    /** The interval's level in percent. */
    readonly level: number;
    /** Lower bound. */
    readonly lower: number;
    /** Upper bound. */
    readonly upper: number;
  }[];
}

/** Fewest points a drift fit accepts: its step variance divides by n − 2. */
export const MINIMUM_DRIFT_LENGTH = 3;

/**
 * Fits a random walk with drift (R's `rwf(x, drift = TRUE)`): the drift is the mean step and the step variance
 * the residual variance of that mean. When the seasonal period is above 1 and Theta's test (lag-m autocorrelation
 * significant at 90 %, R `thetaf`'s rule) finds the positive series seasonal, the series is first divided by the
 * indices of a classical multiplicative decomposition, and the forecast multiplied back.
 *
 * Cost: O(n).
 *
 * @param values - The series, at least {@link MINIMUM_DRIFT_LENGTH} points.
 * @param period - Seasonal period (1 = none).
 * @returns The fit.
 * @example
 * ```ts
 * const steps = forecastDrift(fitDrift(Float64Array.from([10, 12, 13, 15]), 1), 3, [80, 95]);
 * ```
 */
export function fitDrift(values: Float64Array, period: number): DriftFit {
  const count = values.length;
  let indices: number[] | undefined;
  if (isSeasonalByAcf(values, period) && values.every((value) => value > 0)) {
    indices = multiplicativeSeasonalIndices(values, period);
  }
  const adjusted = indices
    ? values.map((value, time) => value / ((indices as number[])[time % period] as number))
    : values;
  const last = adjusted[count - 1] as number;
  const drift = (last - (adjusted[0] as number)) / (count - 1);
  let squares = 0;
  for (let time = 1; time < count; time += 1) {
    squares += ((adjusted[time] as number) - (adjusted[time - 1] as number) - drift) ** 2;
  }
  return {
    period,
    seasonal: indices !== undefined,
    seasonalIndices: indices ? indices.map((_, position) => indices[(count + position) % period] as number) : [],
    last,
    drift,
    sigma2: count > 2 ? squares / (count - 2) : Number.NaN,
    observationCount: count,
  };
}

/**
 * Forecasts a random walk with drift with R `rwf`'s Gaussian intervals: the variance at step h is
 * `σ² · h · (1 + h / (n − 1))`, the walk's own spread plus the uncertainty of the estimated drift. A seasonally
 * adjusted fit multiplies the point and both bounds by the step's seasonal index.
 *
 * @param fit - From {@link fitDrift}.
 * @param horizon - Steps ahead (≥ 1).
 * @param levels - Interval levels in percent.
 * @returns One step per horizon.
 */
export function forecastDrift(fit: DriftFit, horizon: number, levels: readonly number[]): DriftForecastStep[] {
  const { last, drift, sigma2, observationCount, seasonal, seasonalIndices, period } = fit;
  const multipliers = levels.map((level) => normalQuantile(0.5 + level / 200));
  const steps: DriftForecastStep[] = [];
  for (let step = 1; step <= horizon; step += 1) {
    const index = seasonal ? (seasonalIndices[(step - 1) % period] as number) : 1;
    const centre = last + drift * step;
    const spread = Math.sqrt(sigma2 * step * (1 + step / (observationCount - 1)));
    steps.push({
      step,
      value: centre * index,
      intervals: levels.map((level, position) => ({
        level,
        lower: (centre - (multipliers[position] as number) * spread) * index,
        upper: (centre + (multipliers[position] as number) * spread) * index,
      })),
    });
  }
  return steps;
}
