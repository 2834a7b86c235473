import { twoSidedNormalPValue } from "./normal-distribution";

/** The Mann-Kendall trend test of a series against time. */
export interface MannKendallResult {
  /** Observations used. */
  readonly n: number;
  /** Kendall's score S = Σ_{i<j} sign(x_j − x_i): positive for an upward tendency. */
  readonly s: number;
  /** Variance of S under the null hypothesis, corrected for ties: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18. */
  readonly varS: number;
  /** Kendall's tau-b between time and the series, S / √[(n₀ − n₁)·n₀], n₀ = n(n−1)/2, n₁ = Σ t(t−1)/2. */
  readonly tau: number;
  /** The normal score with continuity correction: (S − sign S) / √var(S), 0 when S = 0. */
  readonly z: number;
  /** Two-sided p-value of "no monotonic trend", from the normal approximation. */
  readonly pValue: number;
}

/**
 * The Mann-Kendall test for a monotonic trend, as R's `Kendall::MannKendall` computes it (Kendall 1975; Hipel &
 * McLeod 1994, ch. 23): S counts concordant minus discordant pairs, its variance is corrected for groups of tied
 * values (t values equal within a group), tau is Kendall's tau-b against time, and the two-sided p-value uses the
 * normal approximation with a continuity correction. Cost O(n²) time, O(n) memory.
 *
 * @param values - The series, oldest first; at least 3 finite values.
 * @returns S, var(S), tau, z and the p-value. A constant series gives S = 0, tau = 0 and p = 1.
 */
export function mannKendall(values: ArrayLike<number>): MannKendallResult {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i += 1) {
    const xi = values[i] as number;
    for (let j = i + 1; j < n; j += 1) {
      const xj = values[j] as number;
      s += xj > xi ? 1 : xj < xi ? -1 : 0;
    }
  }
  const counts = new Map<number, number>();
  for (let index = 0; index < n; index += 1) {
    const value = values[index] as number;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let tieVariance = 0;
  let tiedPairs = 0;
  for (const t of counts.values()) {
    if (t < 2) continue;
    tieVariance += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieVariance) / 18;
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiedPairs) * pairs);
  const tau = denominator === 0 ? 0 : s / denominator;
  const z = s === 0 || varS <= 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS);
  return { n, s, varS, tau, z, pValue: varS <= 0 ? 1 : twoSidedNormalPValue(z) };
}
