import { normalCdf, normalDensity } from "../../internal/normal-cdf";
import { normalQuantile } from "../../internal/normal-quantile";

/**
 * A forecast distribution given by its first three moments: normal when the skewness is 0 (or unknown), otherwise the
 * three-parameter (shifted) lognormal with that mean, variance and skewness, `shift + sign·exp(location + scale·Z)`
 * (Johnson's S_L family; `sign` −1 mirrors it for a negative skewness).
 */
export interface ForecastDistribution {
  /** 0 for a normal distribution, +1 or −1 for a shifted lognormal skewed to the right or left. */
  readonly sign: 0 | 1 | -1;
  /** Shift τ (0 for the normal). */
  readonly shift: number;
  /** Mean of the normal, or the mean of log|X − τ|. */
  readonly location: number;
  /** Standard deviation of the normal, or of log|X − τ| (0: a point mass). */
  readonly scale: number;
}

// Below this skewness the lognormal differs from the normal by less than 1e-5 standard deviations at any quantile.
const SYMMETRIC = 1e-4;

/**
 * The distribution with a given mean, variance and skewness (see {@link ForecastDistribution}). The lognormal's
 * parameters follow from `γ = (ω + 2)√(ω − 1)`, `ω = exp(scale²)`, solved in closed form (a depressed cubic in
 * `√(ω − 1)`).
 *
 * @param mean - Mean.
 * @param variance - Variance (≥ 0).
 * @param skewness - Skewness; 0 or NaN gives the normal.
 * @returns The distribution.
 * @example
 * ```ts
 * forecastDistribution(100, 25, 0); // { sign: 0, shift: 0, location: 100, scale: 5 }
 * ```
 */
export function forecastDistribution(mean: number, variance: number, skewness: number): ForecastDistribution {
  const deviation = Math.sqrt(variance);
  if (!(Math.abs(skewness) >= SYMMETRIC) || !(variance > 0)) {
    return { sign: 0, shift: 0, location: mean, scale: deviation };
  }
  const magnitude = Math.abs(skewness);
  // t = √(ω − 1) solves t³ + 3t − γ = 0: Cardano's root A − 1/A with A = ∛(γ/2 + √(γ²/4 + 1)).
  const cube = Math.cbrt(magnitude / 2 + Math.sqrt((magnitude * magnitude) / 4 + 1));
  const root = cube - 1 / cube;
  const omega = 1 + root * root;
  const spread = deviation / Math.sqrt(omega * (omega - 1));
  const sign = skewness > 0 ? 1 : -1;
  return {
    sign,
    shift: mean - sign * spread * Math.sqrt(omega),
    location: Math.log(spread),
    scale: Math.sqrt(Math.log(omega)),
  };
}

/**
 * The p-quantile of one {@link ForecastDistribution}.
 *
 * @param distribution - The distribution.
 * @param probability - In (0, 1).
 * @returns The quantile.
 * @example
 * ```ts
 * distributionQuantile({ sign: 0, shift: 0, location: 0, scale: 1 }, 0.975); // 1.959963984540054
 * ```
 */
export function distributionQuantile(distribution: ForecastDistribution, probability: number): number {
  const z = normalQuantile(probability);
  const { sign, shift, location, scale } = distribution;
  if (sign === 0) return location + z * scale;
  return shift + sign * Math.exp(location + sign * z * scale);
}

/**
 * The quantile of a finite mixture of {@link ForecastDistribution}s, `Σ w_k F_k(x) = p`, solved by Newton's method
 * safeguarded by bisection. The root lies between the smallest and the largest of the components' own p-quantiles (F
 * is at most p below all of them and at least p above all of them), which brackets it from the start. Stops when a
 * step is below 1e-14 of that bracket.
 *
 * Cost: O(components) per iteration, a handful of iterations.
 *
 * @param weights - Non-negative weights summing to 1.
 * @param distributions - One distribution per weight.
 * @param probability - In (0, 1).
 * @returns The p-quantile of the mixture.
 * @example
 * ```ts
 * const normal = (location: number) => ({ sign: 0, shift: 0, location, scale: 1 }) as const;
 * mixtureQuantile([0.5, 0.5], [normal(-1), normal(1)], 0.5); // 0
 * ```
 */
export function mixtureQuantile(
  weights: ArrayLike<number>,
  distributions: readonly ForecastDistribution[],
  probability: number,
): number {
  let lower = Number.POSITIVE_INFINITY;
  let upper = Number.NEGATIVE_INFINITY;
  let guess = 0;
  for (let index = 0; index < weights.length; index += 1) {
    const quantile = distributionQuantile(distributions[index] as ForecastDistribution, probability);
    lower = Math.min(lower, quantile);
    upper = Math.max(upper, quantile);
    guess += (weights[index] as number) * quantile;
  }
  if (!(lower < upper)) return lower;
  const tolerance = 1e-14 * (upper - lower);
  let x = Math.min(Math.max(guess, lower), upper);
  for (let iteration = 0; iteration < 200; iteration += 1) {
    let cumulative = 0;
    let density = 0;
    for (let index = 0; index < weights.length; index += 1) {
      const weight = weights[index] as number;
      const { sign, shift, location, scale } = distributions[index] as ForecastDistribution;
      if (sign === 0) {
        if (scale > 0) {
          const standard = (x - location) / scale;
          cumulative += weight * normalCdf(standard);
          density += (weight * normalDensity(standard)) / scale;
        } else if (x >= location) {
          cumulative += weight;
        }
        continue;
      }
      const distance = sign * (x - shift);
      if (!(distance > 0)) {
        if (sign < 0) cumulative += weight;
        continue;
      }
      const standard = (Math.log(distance) - location) / scale;
      const tail = normalCdf(standard);
      cumulative += weight * (sign > 0 ? tail : 1 - tail);
      density += (weight * normalDensity(standard)) / (scale * distance);
    }
    if (cumulative < probability) lower = x;
    else upper = x;
    const newton = density > 0 ? x - (cumulative - probability) / density : Number.NaN;
    const next = newton > lower && newton < upper ? newton : 0.5 * (lower + upper);
    const step = Math.abs(next - x);
    if (step <= tolerance || step <= 4 * Number.EPSILON * Math.abs(x) || next === lower || next === upper) return next;
    x = next;
  }
  return x;
}
