/**
 * The complementary error function by the Chebyshev fit of Numerical Recipes (`erfcc`, Press et al. 2007, §6.2),
 * fractional error below 1.2e-7 everywhere: ample for p-values, which are reported, not compounded.
 *
 * @param x - Any finite number.
 * @returns erfc(x), in [0, 2].
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const result = t * Math.exp(poly);
  return x >= 0 ? result : 2 - result;
}

/**
 * The two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z| / √2).
 *
 * @param z - The statistic.
 * @returns The p-value, in [0, 1].
 */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}
