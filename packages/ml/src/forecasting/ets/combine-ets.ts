import { type EtsForecastMoments, etsForecastMoments } from "./ets-forecast-moments";
import type { EtsFit } from "./fit-ets";
import { type ForecastDistribution, forecastDistribution, mixtureQuantile } from "./forecast-distribution";
import { type EtsForecast, type EtsForecastStep, etsPointForecasts, forecastEts, simulatePaths } from "./forecast-ets";
import { sampleQuantiles } from "./sample-quantiles";

/** Options for {@link combineEts}. */
export interface CombineEtsOptions {
  /** Central prediction-interval levels in percent, each in (0, 100). @default [80, 95] */
  levels?: readonly number[];
  /** Seed of the simulated mixture (and of a single non-linear model's simulation). @default 1 */
  seed?: number;
  /** Sample paths of the mixture, shared out among the models in proportion to their weights. @default 5000 */
  paths?: number;
  /**
   * Akaike weight below which a model is left out (the others are renormalised). Such a model moves the point
   * forecast by less than this share of its distance from the others, and would get only a handful of paths.
   * @default 0.001
   */
  minimumWeight?: number;
  /**
   * `"auto"`: the analytic mixture when every model has forecast-moment formulas, simulation otherwise;
   * `"simulation"`: always simulate (a check on the analytic mixture).
   * @default "auto"
   */
  intervals?: "auto" | "simulation";
}

/** One model of an {@link EtsCombination} with its weight. */
export interface EtsCombinationComponent {
  /** The fitted model. */
  readonly fit: EtsFit;
  /** Akaike weight after leaving out the negligible models; the weights sum to 1. */
  readonly weight: number;
}

/** Result of {@link combineEts}. */
export interface EtsCombination extends EtsForecast {
  /** The models that were combined, heaviest first. */
  readonly components: readonly EtsCombinationComponent[];
}

/**
 * Akaike weights of models fitted to the same data (Burnham & Anderson 2002, "Model Selection and Multimodel
 * Inference", §2.9): `w_k ∝ exp(−Δ_k / 2)` with `Δ_k` the AICc difference to the best model. Models with a
 * non-finite AICc get weight 0.
 *
 * @param criteria - One AICc per model.
 * @returns Weights in the same order, summing to 1 (all 0 when no criterion is finite).
 * @example
 * ```ts
 * akaikeWeights([100, 102, 110]); // ≈ [0.727, 0.268, 0.005]
 * ```
 */
export function akaikeWeights(criteria: readonly number[]): number[] {
  const finite = criteria.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return criteria.map(() => 0);
  const smallest = Math.min(...finite);
  const raw = criteria.map((value) => (Number.isFinite(value) ? Math.exp(-0.5 * (value - smallest)) : 0));
  const total = raw.reduce((sum, value) => sum + value, 0);
  return raw.map((value) => value / total);
}

/**
 * Combines ETS models fitted to the same series with Akaike weights: the point forecast is the weighted mean of the
 * models' point forecasts, and the intervals are quantiles of the weighted mixture of their predictive
 * distributions. When every model has analytic forecast moments (every form but additive error with a
 * multiplicative season) each model's distribution is the one {@link forecastEts} gives it alone (normal, or the
 * shifted lognormal with its exact mean, variance and skewness) and the mixture's quantiles are solved for exactly;
 * otherwise the mixture is simulated with each model's own recursions (paths shared out by weight). Combining the candidate
 * forms instead of keeping only the AICc winner hedges against choosing the wrong form, which the M-competitions
 * found to lower forecast errors consistently (for ETS with Akaike weights specifically: Kolassa 2011, "Combining
 * exponential smoothing forecasts using Akaike weights", International Journal of Forecasting 27(2)); with a single model left after dropping negligible weights the
 * result is exactly {@link forecastEts} of that model.
 *
 * A point forecast can in principle fall outside a mixture's narrowest interval (strongly skewed components); the
 * interval is then widened to include it, so `lower ≤ value ≤ upper` always holds.
 *
 * Cost: one point projection and one set of forecast moments per model, then a few Newton steps per interval bound;
 * or `paths × horizon` simulated steps in total.
 *
 * @param fits - Models fitted to the same observations (any order); those with a non-finite AICc are ignored.
 * @param horizon - Steps ahead (≥ 1).
 * @param options - Levels, seed, paths (for a simulated mixture) and the weight threshold.
 * @returns The combined forecast and the models it used, or `undefined` when no model has a finite AICc.
 * @example
 * ```ts
 * const combined = combineEts(candidateFits, 12, { levels: [80, 95] });
 * combined?.components[0]?.weight; // weight of the AICc winner
 * ```
 */
export function combineEts(
  fits: readonly EtsFit[],
  horizon: number,
  options: CombineEtsOptions = {},
): EtsCombination | undefined {
  const { levels = [80, 95], seed = 1, paths = 5000, minimumWeight = 0.001, intervals = "auto" } = options;
  const weights = akaikeWeights(fits.map((fit) => fit.aicc));
  const kept = fits
    .map((fit, index) => ({ fit, weight: weights[index] as number }))
    .filter((entry) => entry.weight >= minimumWeight)
    .sort((left, right) => right.weight - left.weight || left.fit.aicc - right.fit.aicc);
  if (kept.length === 0) return undefined;
  const keptTotal = kept.reduce((sum, entry) => sum + entry.weight, 0);
  const components = kept.map((entry) => ({ fit: entry.fit, weight: entry.weight / keptTotal }));
  if (components.length === 1) {
    const only = components[0] as EtsCombinationComponent;
    return {
      ...forecastEts(only.fit, horizon, { levels, seed, paths, intervals }),
      components: [{ fit: only.fit, weight: 1 }],
    };
  }

  // Point forecasts: the weighted mean of each model's own point forecasts (levels do not matter for these).
  const means = new Float64Array(horizon);
  for (const component of components) {
    etsPointForecasts(component.fit, horizon).forEach((value, index) => {
      means[index] = (means[index] as number) + component.weight * value;
    });
  }

  const moments = components.map((component) =>
    intervals === "auto" ? etsForecastMoments(component.fit, horizon) : undefined,
  );
  if (moments.every((entry) => entry?.variances.every(Number.isFinite))) {
    return {
      intervalMethod: "analytic",
      steps: normalMixtureSteps(components, moments as EtsForecastMoments[], means, levels),
      components,
    };
  }

  // Mixture paths by largest remainder, so the shares add up to `paths` exactly; each model gets its own stream.
  const shares = components.map((component) => component.weight * paths);
  const counts = shares.map((share) => Math.floor(share));
  let missing = paths - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = shares
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((left, right) => right.remainder - left.remainder);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    counts[index] = (counts[index] as number) + 1;
    missing -= 1;
  }
  const samples = new Float64Array(paths * horizon);
  let offset = 0;
  components.forEach((component, index) => {
    const count = counts[index] as number;
    if (count === 0) return;
    simulatePaths(component.fit, horizon, count, seed + index, samples, offset);
    offset += count;
  });

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
        lower: Math.min(quantiles[2 * levelIndex] as number, value),
        upper: Math.max(quantiles[2 * levelIndex + 1] as number, value),
      })),
    });
  }
  return { intervalMethod: "simulation", steps, components };
}

// Interval bounds of the mixture of the components' analytic forecast distributions, step by step.
function normalMixtureSteps(
  components: readonly EtsCombinationComponent[],
  moments: readonly EtsForecastMoments[],
  means: Float64Array,
  levels: readonly number[],
): EtsForecastStep[] {
  const weights = Float64Array.from(components, (component) => component.weight);
  const steps: EtsForecastStep[] = [];
  for (let index = 0; index < means.length; index += 1) {
    const distributions: ForecastDistribution[] = moments.map((entry) =>
      forecastDistribution(
        entry.means[index] as number,
        entry.variances[index] as number,
        entry.skewnesses[index] as number,
      ),
    );
    const value = means[index] as number;
    steps.push({
      step: index + 1,
      value,
      intervals: levels.map((level) => ({
        level,
        lower: Math.min(mixtureQuantile(weights, distributions, 0.5 - level / 200), value),
        upper: Math.max(mixtureQuantile(weights, distributions, 0.5 + level / 200), value),
      })),
    });
  }
  return steps;
}
