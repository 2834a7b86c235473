/**
 * The anomaly likelihood of a stream of prediction errors, after Numenta's (Ahmad et al. 2017, "Unsupervised
 * real-time anomaly detection for streaming data"): how unlikely the mean of the last few errors is under the
 * Gaussian fitted to the long-run distribution of such means. It asks "are the errors unusually large for this
 * series right now?" rather than "is this error large?", so it adapts to each series' noise, and a single large
 * error fades out of it after a short window. Internal to the detectors.
 */

// Complementary error function by a Chebyshev fit on t = 1 / (1 + |x| / 2) (fractional error below 1.2e-7).
function erfcFit(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const inner = -0.82215223 + t * 0.17087277;
  const polynomial =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * inner)))))));
  return t * Math.exp(polynomial);
}

// The fit gives erfc(0) = 1 + 3e-8; dividing by it makes the tail exactly 0.5 at 0, so it is continuous there.
const ERFC_AT_ZERO = erfcFit(0);

/** Upper tail probability `P(Z > z)` of the standard normal distribution, accurate to about 1e-7 relative. */
export function normalTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const erfc = erfcFit(Math.abs(z) / Math.SQRT2) / ERFC_AT_ZERO;
  return z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/**
 * The anomaly likelihood of a short-window mean of errors: the probability that a mean drawn from the long-run
 * Gaussian `N(mean, deviation²)` is smaller, `1 − P(Z > (shortMean − mean) / deviation)`. In [0, 1], increasing in
 * `shortMean`; a zero deviation gives 1 for any mean above the long-run one and 0.5 at it (and 0 below).
 *
 * @param shortMean - Mean of the recent errors.
 * @param mean - Long-run mean of such means.
 * @param deviation - Long-run standard deviation of such means, not negative.
 * @returns The likelihood in [0, 1].
 */
export function anomalyLikelihood(shortMean: number, mean: number, deviation: number): number {
  if (deviation > 0) return 1 - normalTail((shortMean - mean) / deviation);
  return shortMean > mean ? 1 : shortMean === mean ? 0.5 : 0;
}

/** Residuals below this share of the expected value are rounding, not departures (for exactly regular series). */
const EXACT_TOLERANCE = 1e-9;

/**
 * The score of a short-window mean of errors against the long-run Gaussian of such means: the anomaly likelihood's
 * standard-normal quantile, `(shortMean − mean) / deviation`, clamped to [0, `maxScore`], so that
 * `score > z ⇔ likelihood > 1 − P(Z > z)` for any z ≥ 0. A series that has been exactly regular (zero deviation)
 * scores `maxScore` for any real rise of the error (beyond rounding of `reference`) and 0 otherwise.
 *
 * @param shortMean - Mean of the recent errors.
 * @param mean - Long-run mean of such means.
 * @param deviation - Long-run standard deviation of such means, not negative.
 * @param reference - The size of the values, for the rounding tolerance of exactly regular series.
 * @param maxScore - The cap.
 * @returns The score.
 */
export function likelihoodScore(
  shortMean: number,
  mean: number,
  deviation: number,
  reference: number,
  maxScore: number,
): number {
  const surprise = shortMean - mean;
  if (deviation > 0) return Math.min(Math.max(surprise / deviation, 0), maxScore);
  return surprise > EXACT_TOLERANCE * (Math.abs(reference) + 1) ? maxScore : 0;
}
