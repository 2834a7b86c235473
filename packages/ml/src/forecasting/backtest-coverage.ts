import type { EtsForm } from "./ets/ets-form";
import { fitEts } from "./ets/fit-ets";
import { forecastEts } from "./ets/forecast-ets";

/** Empirical coverage of one interval level in {@link BacktestCoverage}. */
export interface LevelCoverage {
  /** Nominal level in percent. */
  readonly level: number;
  /** Share of held-out points inside the interval, 0 to 1; compare with `level / 100`. */
  readonly empirical: number;
  /** Held-out points inside the interval. */
  readonly hits: number;
  /** Held-out points scored. */
  readonly total: number;
}

/** Rolling-origin backtest of a model form's prediction intervals. */
export interface BacktestCoverage {
  /** Forecast origins actually used. */
  readonly origins: number;
  /** Steps forecast from each origin. */
  readonly horizon: number;
  /** Coverage per level, ascending. */
  readonly levels: readonly LevelCoverage[];
}

/** Options for {@link backtestCoverage}. */
export interface BacktestCoverageOptions {
  /** Forecast origins, the last at `n − horizon`, each earlier one `horizon` steps before. @default 5 */
  origins?: number;
  /** Steps forecast from each origin. @default 12 */
  horizon?: number;
  /** Interval levels in percent. @default [80, 95] */
  levels?: readonly number[];
  /** Seed for simulated intervals. @default 1 */
  seed?: number;
  /** Simulated paths for the forms without analytic intervals. @default 5000 */
  paths?: number;
}

/**
 * Fewest observations the given form can be fitted on with a finite AICc (n > k + 1 for k estimated quantities,
 * variance included) and, when seasonal, more than one full season.
 *
 * @param form - Model form.
 * @param period - Seasonal period.
 * @returns The minimum series length.
 * @example
 * ```ts
 * minimumEtsLength({ error: "A", trend: "A", season: "A" }, 12); // 19
 * ```
 */
export function minimumEtsLength(form: EtsForm, period: number): number {
  const seasonal = form.season !== "N";
  const estimated = 2 + (form.trend === "N" ? 0 : 2) + (form.trend === "Ad" ? 1 : 0) + (seasonal ? period : 0) + 1;
  return Math.max(estimated + 2, seasonal ? period + 1 : 0, 5);
}

/**
 * Rolling-origin backtest: refits the form on the data up to each origin, forecasts the next `horizon` known points
 * and counts how many fall inside each interval. Non-overlapping windows, so each held-out point is scored once.
 * The form is kept fixed (not re-selected) at every origin, which measures the calibration of the model being
 * reported rather than of the selection procedure.
 *
 * Cost: one fit and one forecast per origin.
 *
 * @param values - The whole series.
 * @param form - The form to backtest.
 * @param period - Seasonal period.
 * @param options - Origins, horizon, levels and simulation settings.
 * @returns The coverage report, or `undefined` when not even one origin leaves enough data to fit the form.
 * @example
 * ```ts
 * const report = backtestCoverage(values, { error: "A", trend: "N", season: "A" }, 12, { origins: 4, horizon: 12 });
 * report?.levels[0]; // { level: 80, empirical: 0.79, hits: 38, total: 48 }
 * ```
 */
export function backtestCoverage(
  values: Float64Array,
  form: EtsForm,
  period: number,
  options: BacktestCoverageOptions = {},
): BacktestCoverage | undefined {
  const { origins = 5, horizon = 12, levels = [80, 95], seed = 1, paths = 5000 } = options;
  const minimum = minimumEtsLength(form, period);
  const hits = levels.map(() => 0);
  let total = 0;
  let used = 0;
  for (let origin = 1; origin <= origins; origin += 1) {
    const end = values.length - origin * horizon;
    if (end < minimum) break;
    const fit = fitEts(values.subarray(0, end), form, { period });
    if (!fit) continue;
    const forecast = forecastEts(fit, horizon, { levels, seed: seed + origin, paths });
    forecast.steps.forEach((step, index) => {
      const actual = values[end + index] as number;
      step.intervals.forEach((interval, levelIndex) => {
        if (actual >= interval.lower && actual <= interval.upper) hits[levelIndex] = (hits[levelIndex] as number) + 1;
      });
    });
    total += horizon;
    used += 1;
  }
  if (used === 0) return undefined;
  return {
    origins: used,
    horizon,
    levels: levels.map((level, index) => ({
      level,
      empirical: (hits[index] as number) / total,
      hits: hits[index] as number,
      total,
    })),
  };
}
