import { normalQuantile } from "../../internal/normal-quantile";
import type { ThetaFit } from "./fit-theta";

/** Options of {@link forecastTheta}. */
export interface ForecastThetaOptions {
  /** Interval levels in percent. @default [80, 95] */
  readonly levels?: readonly number[];
}

/** One step of a Theta forecast. */
export interface ThetaForecastStep {
  /** Steps after the last observation, from 1. */
  readonly step: number;
  /** Point forecast. */
  readonly value: number;
  /** Intervals in the order of the requested levels. */
  readonly intervals: readonly {
    /** The interval's level in percent, e.g. 95. */
    readonly level: number;
    /** Lower bound. */
    readonly lower: number;
    /** Upper bound. */
    readonly upper: number;
  }[];
}

/**
 * Forecasts a fitted Theta model as R `forecast::thetaf` does: the SES level plus the drift
 * `b/2 · (h − 1 + (1 − (1 − α)^n) / α)`, times the seasonal index of the step when the series was adjusted.
 * Intervals are thetaf's: `value ± z · σ · sqrt(1 + (h − 1)α²)`, with σ on the adjusted scale (not reseasonalised).
 *
 * @param fit - From {@link fitTheta}.
 * @param horizon - Steps ahead (≥ 1).
 * @param options - Interval levels.
 * @returns One step per horizon.
 * @example
 * ```ts
 * const steps = forecastTheta(fitTheta(values, { period: 4 }), 8);
 * ```
 */
export function forecastTheta(fit: ThetaFit, horizon: number, options: ForecastThetaOptions = {}): ThetaForecastStep[] {
  const levels = options.levels ?? [80, 95];
  const { alpha, drift, level, observationCount, seasonal, seasonalIndices, period } = fit;
  const offset = (1 - (1 - alpha) ** observationCount) / alpha;
  const sigma = Math.sqrt(fit.sigma2);
  const multipliers = levels.map((entry) => normalQuantile(0.5 + entry / 200));
  const steps: ThetaForecastStep[] = [];
  for (let step = 1; step <= horizon; step += 1) {
    const index = seasonal ? (seasonalIndices[(step - 1) % period] as number) : 1;
    const value = (level + drift * (step - 1 + offset)) * index;
    const spread = sigma * Math.sqrt(1 + (step - 1) * alpha * alpha);
    steps.push({
      step,
      value,
      intervals: levels.map((entry, position) => ({
        level: entry,
        lower: value - (multipliers[position] as number) * spread,
        upper: value + (multipliers[position] as number) * spread,
      })),
    });
  }
  return steps;
}
