import { createRandom } from "../../random/create-random";
import { etsForecastMoments } from "./ets-forecast-moments";
import { etsPointForecasts } from "./ets-point-forecasts";
import type { EtsState } from "./ets-recursion";
import type { EtsFit } from "./fit-ets";
import { distributionQuantile, forecastDistribution } from "./forecast-distribution";
import { sampleQuantiles } from "./sample-quantiles";

export { etsPointForecasts } from "./ets-point-forecasts";

/** Options for {@link forecastEts}. */
export interface ForecastEtsOptions {
  /** Central prediction-interval levels in percent, each in (0, 100). @default [80, 95] */
  levels?: readonly number[];
  /** Seed of the simulation used for the forms without analytic intervals (additive error, multiplicative season). @default 1 */
  seed?: number;
  /** Number of simulated sample paths for those models. @default 5000 */
  paths?: number;
  /**
   * `"auto"`: analytic intervals wherever the forecast moments have a formula, from the normal distribution (additive
   * errors, multiplicative seasons) or the shifted lognormal with the exact mean, variance and skewness (other
   * multiplicative-error forms), simulation otherwise; `"normal"`: the same but always normal, `mean ± z·√v` (the
   * intervals of R's `forecast.ets`); `"simulation"`: simulate for every model (a check on the analytic formulas,
   * or the same interval method across models).
   * @default "auto"
   */
  intervals?: "auto" | "normal" | "simulation";
}

/** One interval of an {@link EtsForecastStep}. */
export interface EtsInterval {
  /** Nominal coverage in percent. */
  readonly level: number;
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
}

/** One step ahead of an ETS forecast. */
export interface EtsForecastStep {
  /** Steps after the last observation, from 1. */
  readonly step: number;
  /** Point forecast: the state projected without innovations (the conditional mean except under a multiplicative season). */
  readonly value: number;
  /** Intervals in the order of the requested levels. */
  readonly intervals: readonly EtsInterval[];
}

/** Result of {@link forecastEts}. */
export interface EtsForecast {
  /** How the intervals were computed. */
  readonly intervalMethod: "analytic" | "simulation";
  /** One entry per step. */
  readonly steps: readonly EtsForecastStep[];
}

/**
 * Forecasts a fitted ETS model `horizon` steps ahead with prediction intervals. Every form with forecast-moment
 * formulas (all but additive error with a multiplicative season) gets analytic intervals
 * from their exact mean and variance (Hyndman et al. 2008, ch. 6, classes 1–3, as R's
 * `forecast.ets`): normal for additive errors (exact) and for multiplicative seasons (R's approximation), and for the
 * other multiplicative-error forms the shifted lognormal with the exact skewness as well, whose quantiles agree with
 * those of the model's simulated sample paths where the normal's upper bounds fall short. The rest get quantiles of
 * seeded simulated sample paths (type-7 empirical quantiles, as R's `quantile`). Under a multiplicative season the
 * intervals are built around the conditional mean, which differs slightly from the point forecast (the state
 * projection).
 *
 * Cost: O(horizon) for additive errors, O(horizon²) (and O(min(horizon, 240)³) for the skewness) for other
 * multiplicative errors, O(horizon · m²) for multiplicative seasons; O(paths × horizon) simulated.
 *
 * @param fit - A fitted model.
 * @param horizon - Steps ahead (≥ 1).
 * @param options - Levels, seed and path count.
 * @returns Point forecasts and intervals.
 * @example
 * ```ts
 * const forecast = forecastEts(fit, 12, { levels: [80, 95] });
 * forecast.steps[0].intervals[1]; // { level: 95, lower, upper }
 * ```
 */
export function forecastEts(fit: EtsFit, horizon: number, options: ForecastEtsOptions = {}): EtsForecast {
  const { levels = [80, 95], seed = 1, paths = 5000, intervals = "auto" } = options;
  const means = etsPointForecasts(fit, horizon);
  const moments = intervals === "simulation" ? undefined : etsForecastMoments(fit, horizon);
  if (moments) {
    return {
      intervalMethod: "analytic",
      steps: means.map((value, index) => {
        const distribution = forecastDistribution(
          moments.means[index] as number,
          moments.variances[index] as number,
          intervals === "normal" ? 0 : (moments.skewnesses[index] as number),
        );
        return {
          step: index + 1,
          value,
          intervals: levels.map((level) => ({
            level,
            lower: distributionQuantile(distribution, 0.5 - level / 200),
            upper: distributionQuantile(distribution, 0.5 + level / 200),
          })),
        };
      }),
    };
  }
  const samples = simulatePaths(fit, horizon, paths, seed);
  const column = new Float64Array(paths);
  const probabilities = levels.flatMap((level) => [0.5 - level / 200, 0.5 + level / 200]);
  const steps: EtsForecastStep[] = [];
  for (let index = 0; index < horizon; index += 1) {
    for (let path = 0; path < paths; path += 1) column[path] = samples[path * horizon + index] as number;
    const quantiles = sampleQuantiles(column, probabilities);
    const value = means[index] as number;
    steps.push({
      step: index + 1,
      value,
      intervals: levels.map((level, levelIndex) => ({
        level,
        lower: quantiles[2 * levelIndex] as number,
        upper: quantiles[2 * levelIndex + 1] as number,
      })),
    });
  }
  return { intervalMethod: "simulation", steps };
}

/**
 * Simulates future sample paths of a fitted ETS model through its own recursions, with Gaussian innovations of the
 * fitted variance (relative innovations for multiplicative-error models).
 *
 * @param fit - A fitted model.
 * @param horizon - Steps ahead (≥ 1).
 * @param paths - Number of paths.
 * @param seed - Seed of the PRNG.
 * @param target - Array to write into, from `offset × horizon` on, instead of a new one (a mixture of several models
 *   fills one shared array this way, without a copy per model). @default a new array of `paths × horizon`
 * @param offset - Paths already in `target` before the first simulated one. @default 0
 * @returns `target` (or the new array): path `p`, step `s` (0-based) at `(offset + p) × horizon + s`, path-major.
 * @example
 * ```ts
 * const samples = simulatePaths(fit, 12, 1000, 1);
 * samples[0]; // path 0, one step ahead
 * ```
 */
export function simulatePaths(
  fit: EtsFit,
  horizon: number,
  paths: number,
  seed: number,
  target?: Float64Array,
  offset = 0,
): Float64Array {
  const random = createRandom(seed);
  const { alpha, beta, gamma, phi } = fit.parameters;
  const sigma = Math.sqrt(fit.sigma2);
  const start: EtsState = fit.finalState;
  const period = start.seasonal.length;
  const damping = fit.form.trend === "Ad" ? phi : 1;
  const hasTrend = fit.form.trend !== "N";
  const seasonAdditive = fit.form.season === "A";
  const seasonMultiplicative = fit.form.season === "M";
  const multiplicativeError = fit.form.error === "M";
  const trendRatio = alpha > 0 ? beta / alpha : 0;
  const output = target ?? new Float64Array(paths * horizon);
  const first = offset * horizon;
  const ring = new Float64Array(Math.max(1, period));
  for (let path = 0; path < paths; path += 1) {
    // Phase p holds the state used at step p (mod m): the oldest seasonal state comes first.
    for (let phase = 0; phase < period; phase += 1) ring[phase] = start.seasonal[period - 1 - phase] as number;
    let level = start.level;
    let trend = start.trend;
    let phase = 0;
    for (let step = 0; step < horizon; step += 1) {
      const dampedTrend = hasTrend ? damping * trend : 0;
      const base = level + dampedTrend;
      const seasonal = period > 0 ? (ring[phase] as number) : 0;
      const mean = seasonAdditive ? base + seasonal : seasonMultiplicative ? base * seasonal : base;
      const shock = sigma * random.normal();
      const observation = multiplicativeError ? mean * (1 + shock) : mean + shock;
      output[first + path * horizon + step] = observation;
      const adjusted = seasonAdditive
        ? observation - seasonal
        : seasonMultiplicative
          ? observation / seasonal
          : observation;
      const newLevel = base + alpha * (adjusted - base);
      if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
      if (period > 0) {
        const target = seasonAdditive ? observation - base : observation / base;
        ring[phase] = seasonal + gamma * (target - seasonal);
        phase = phase + 1 === period ? 0 : phase + 1;
      }
      level = newLevel;
    }
  }
  return output;
}

/**
 * Type-7 quantile (linear interpolation between order statistics), R's default.
 *
 * @param sorted - Ascending, non-empty sample.
 * @param probability - In [0, 1].
 * @returns The quantile.
 * @example
 * ```ts
 * sortedQuantile(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * ```
 */
export function sortedQuantile(sorted: Float64Array, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return (sorted[below] as number) * (1 - weight) + (sorted[above] as number) * weight;
}
