import type { EtsForm } from "./ets-form";
import { etsPointForecasts, trendSums } from "./ets-point-forecasts";
import type { EtsFit } from "./fit-ets";

/** Mean and variance of the forecast distribution of an ETS model, one entry per step ahead. */
export interface EtsForecastMoments {
  /** Conditional means E(y_{n+h} | data); equal to the point forecasts except for multiplicative seasons (class 3). */
  readonly means: Float64Array;
  /** Conditional variances Var(y_{n+h} | data). */
  readonly variances: Float64Array;
  /**
   * Skewness of y_{n+h} where it is known: 0 for additive errors (normal), exact for multiplicative errors without a
   * multiplicative season up to step {@link SKEWNESS_STEPS}; `NaN` where it is not computed.
   */
  readonly skewnesses: Float64Array;
}

/** Steps ahead up to which class-2 skewness is computed (its cost grows with the cube of the horizon). */
export const SKEWNESS_STEPS = 240;

/**
 * Whether {@link etsForecastMoments} has a formula for a form: every form except additive errors with a
 * multiplicative season (classes 1–3 of Hyndman, Koehler, Ord & Snyder 2008, ch. 6; our forms have no
 * multiplicative trend). R's `forecast::ets` simulates the same three excluded forms.
 *
 * @param form - The model form.
 * @returns `true` when the moments are analytic.
 * @example
 * ```ts
 * hasAnalyticMoments({ error: "M", trend: "A", season: "M" }); // true
 * hasAnalyticMoments({ error: "A", trend: "N", season: "M" }); // false
 * ```
 */
export function hasAnalyticMoments(form: EtsForm): boolean {
  return !(form.error === "A" && form.season === "M");
}

/**
 * The exact mean and variance of an ETS forecast with Gaussian innovations, from the model's own state space
 * (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with Exponential Smoothing", ch. 6):
 *
 * - class 1 (additive error, no or additive season): `v_h = σ²(1 + Σ_{j<h} c_j²)` with
 *   `c_j = α + β·Σ_{i≤j} φ^i + γ·[j mod m = 0]` (β-term `β·j` without damping);
 * - class 2 (multiplicative error, no or additive season): `θ_1 = μ_1²`, `θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}`,
 *   `v_h = (1 + σ²)θ_h − μ_h²` with the same `c_j`;
 * - class 3 (multiplicative error and season): the first two moments of the matrix `P_t = x_t s_tᵀ` of level-and-trend
 *   states times seasonal states, which evolves as `P_t = (F + Gε_t) P_{t−1} (C + γε_t E)ᵀ`, propagated exactly
 *   (`E ε² = σ²`, `E ε⁴ = 3σ⁴`); then `E y = wᵀ E[P] e_m`, `E y² = (1 + σ²) E[(wᵀ P e_m)²]`. This is the matrix form
 *   of the book's section 6.4 with the damped level update `ℓ + φb` (R 8.20 leaves φ out of the level row, so its
 *   ETS(M,Ad,M) moments differ slightly from these).
 *
 * Cost: O(h) for class 1, O(h²) for class 2, O(h · q · m) with q = (1 or 2)·m for class 3.
 *
 * @param fit - A fitted model of a form with {@link hasAnalyticMoments}.
 * @param horizon - Steps ahead (≥ 1).
 * @returns The moments, or `undefined` for a form without a formula.
 * @example
 * ```ts
 * const { means, variances } = etsForecastMoments(fit, 12) ?? fallback;
 * ```
 */
export function etsForecastMoments(fit: EtsFit, horizon: number): EtsForecastMoments | undefined {
  if (!hasAnalyticMoments(fit.form)) return undefined;
  if (fit.form.season === "M") return multiplicativeSeasonMoments(fit, horizon);
  const means = Float64Array.from(etsPointForecasts(fit, horizon));
  const coefficients = shockCoefficients(fit, horizon);
  const variances = new Float64Array(horizon);
  const { sigma2 } = fit;
  if (fit.form.error === "A") {
    let sum = 0;
    for (let step = 0; step < horizon; step += 1) {
      variances[step] = sigma2 * (1 + sum);
      sum += (coefficients[step] as number) ** 2;
    }
    return { means, variances, skewnesses: new Float64Array(horizon) };
  }
  // θ_h = E[(y_{n+h} / (1 + ε_{n+h}))²]: the squared mean plus what each earlier shock adds through its c_j.
  const theta = new Float64Array(horizon);
  for (let step = 0; step < horizon; step += 1) {
    let sum = 0;
    for (let lag = 1; lag <= step; lag += 1)
      sum += (coefficients[lag - 1] as number) ** 2 * (theta[step - lag] as number);
    const mean = means[step] as number;
    theta[step] = mean * mean + sigma2 * sum;
    variances[step] = Math.max(0, (1 + sigma2) * (theta[step] as number) - mean * mean);
  }
  const skewnesses = multiplicativeErrorSkewnesses(means, theta, variances, coefficients, sigma2);
  return { means, variances, skewnesses };
}

// Class 2: y_k = u_k(1 + ε_k) with u_k = μ_k + Σ_{j<k} c_{k−j} u_j ε_j. Third moments need Q(K, l) = E[u_K² u_l ε_l]
// (l < K), which follows from the same expansion: only products in which the latest innovation appears exactly twice
// survive (ε has zero odd moments and is independent of everything earlier).
function multiplicativeErrorSkewnesses(
  means: Float64Array,
  theta: Float64Array,
  variances: Float64Array,
  coefficients: Float64Array,
  sigma2: number,
): Float64Array {
  const horizon = means.length;
  const steps = Math.min(horizon, SKEWNESS_STEPS);
  const skewnesses = new Float64Array(horizon).fill(Number.NaN);
  const q = new Float64Array(steps * steps);
  const c = (lag: number): number => coefficients[lag - 1] as number;
  for (let later = 0; later < steps; later += 1) {
    const mean = means[later] as number;
    for (let earlier = 0; earlier < later; earlier += 1) {
      let between = 0;
      for (let middle = earlier + 1; middle < later; middle += 1)
        between += c(later - middle) ** 2 * (q[middle * steps + earlier] as number);
      let before = 0;
      for (let first = 0; first < earlier; first += 1)
        before += c(later - first) * (q[earlier * steps + first] as number);
      q[later * steps + earlier] =
        2 * mean * c(later - earlier) * sigma2 * (theta[earlier] as number) +
        sigma2 * between +
        2 * sigma2 * c(later - earlier) * before;
    }
    let spread = 0;
    for (let earlier = 0; earlier < later; earlier += 1) spread += c(later - earlier) ** 2 * (theta[earlier] as number);
    let cubic = 0;
    for (let middle = 0; middle < later; middle += 1) {
      const weight = c(later - middle) ** 2;
      for (let earlier = 0; earlier < middle; earlier += 1)
        cubic += weight * c(later - earlier) * (q[middle * steps + earlier] as number);
    }
    const thirdU = mean ** 3 + 3 * mean * sigma2 * spread + 3 * sigma2 * cubic;
    const third = (1 + 3 * sigma2) * thirdU;
    const second = (1 + sigma2) * (theta[later] as number);
    const central = third - 3 * mean * second + 2 * mean ** 3;
    const variance = variances[later] as number;
    skewnesses[later] = variance > 0 ? central / variance ** 1.5 : 0;
  }
  return skewnesses;
}

// c_j for j = 1 … horizon: how much one innovation moves the forecast j steps later, per unit of innovation.
function shockCoefficients(fit: EtsFit, horizon: number): Float64Array {
  const { alpha, beta, gamma } = fit.parameters;
  const period = fit.finalState.seasonal.length;
  const sums = trendSums(fit, horizon);
  const coefficients = new Float64Array(horizon);
  for (let lag = 1; lag <= horizon; lag += 1) {
    const trendSum = sums[lag - 1] as number;
    let coefficient = alpha;
    if (fit.form.trend !== "N") coefficient += beta * trendSum;
    if (period > 0 && lag % period === 0) coefficient += gamma;
    coefficients[lag - 1] = coefficient;
  }
  return coefficients;
}

/** A sparse q×q matrix as parallel arrays of rows, columns and values. */
interface Sparse {
  readonly rows: number[];
  readonly columns: number[];
  readonly values: number[];
}

// Class 3. States: x = (ℓ, b) or (ℓ), z = seasonal states newest first; P = x zᵀ stored column-major in a q-vector
// (entry i + t·j is x_i z_j). One step: P' = (F + Gε) P (C + γεE)ᵀ, C the cyclic shift that makes the oldest seasonal
// state the newest, E the single 1 at (0, m−1); so vec P' = (K0 + K1ε + K2ε²) vec P with K0 = C⊗F,
// K1 = C⊗G + γE⊗F, K2 = γE⊗G.
function multiplicativeSeasonMoments(fit: EtsFit, horizon: number): EtsForecastMoments {
  const { alpha, beta, gamma } = fit.parameters;
  const phi = fit.form.trend === "Ad" ? fit.parameters.phi : 1;
  const hasTrend = fit.form.trend !== "N";
  const { sigma2 } = fit;
  const seasonal = fit.finalState.seasonal;
  const period = seasonal.length;
  const width = hasTrend ? 2 : 1;
  const size = width * period;
  // F and G of the level-and-trend block (ℓ' = ℓ + φb + αuε, b' = φb + βuε with u = ℓ + φb), and w = (1, φ).
  const transition = hasTrend ? [1, phi, 0, phi] : [1];
  const gain = hasTrend ? [alpha, alpha * phi, beta, beta * phi] : [alpha];
  const weights = hasTrend ? [1, phi] : [1];
  const k0: Sparse = { rows: [], columns: [], values: [] };
  const k1: Sparse = { rows: [], columns: [], values: [] };
  const k2: Sparse = { rows: [], columns: [], values: [] };
  const push = (target: Sparse, row: number, column: number, value: number): void => {
    if (value === 0) return;
    target.rows.push(row);
    target.columns.push(column);
    target.values.push(value);
  };
  for (let seasonRow = 0; seasonRow < period; seasonRow += 1) {
    // C maps seasonal column j − 1 to j, and the oldest (m − 1) to the newest (0).
    const seasonColumn = seasonRow === 0 ? period - 1 : seasonRow - 1;
    for (let i = 0; i < width; i += 1) {
      for (let k = 0; k < width; k += 1) {
        const row = i + width * seasonRow;
        const column = k + width * seasonColumn;
        push(k0, row, column, transition[i * width + k] as number);
        push(k1, row, column, gain[i * width + k] as number);
        if (seasonRow === 0) {
          push(k1, row, column, gamma * (transition[i * width + k] as number));
          push(k2, row, column, gamma * (gain[i * width + k] as number));
        }
      }
    }
  }
  // The shared entries of K1 at seasonal row 0 were pushed twice; sparse products add duplicates, which is the sum.
  const mean = new Float64Array(size);
  for (let j = 0; j < period; j += 1) {
    mean[width * j] = fit.finalState.level * (seasonal[j] as number);
    if (hasTrend) mean[1 + width * j] = fit.finalState.trend * (seasonal[j] as number);
  }
  let second = new Float64Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1)
      second[row * size + column] = (mean[row] as number) * (mean[column] as number);
  }
  const means = new Float64Array(horizon);
  const variances = new Float64Array(horizon);
  const observed = period - 1;
  const left = new Float64Array(size * size);
  const scratch = new Float64Array(size * size);
  let nextMean = new Float64Array(size);
  for (let step = 0; step < horizon; step += 1) {
    let expected = 0;
    let squared = 0;
    for (let i = 0; i < width; i += 1) {
      const index = i + width * observed;
      expected += (weights[i] as number) * (mean[index] as number);
      for (let k = 0; k < width; k += 1) {
        squared +=
          (weights[i] as number) * (weights[k] as number) * (second[index * size + k + width * observed] as number);
      }
    }
    means[step] = expected;
    variances[step] = Math.max(0, (1 + sigma2) * squared - expected * expected);
    if (step === horizon - 1) break;
    // E[vec P'] = (K0 + σ²K2) E[vec P].
    nextMean.fill(0);
    multiplyVector(k0, mean, nextMean, 1);
    multiplyVector(k2, mean, nextMean, sigma2);
    mean.set(nextMean);
    // E[vec P' vec P'ᵀ] = K0 S K0ᵀ + σ²(K1 S K1ᵀ + K0 S K2ᵀ + K2 S K0ᵀ) + 3σ⁴ K2 S K2ᵀ.
    const next = new Float64Array(size * size);
    left.fill(0);
    multiplyLeft(k0, second, left, size);
    multiplyRightTransposed(left, k0, next, size, 1);
    multiplyRightTransposed(left, k2, next, size, sigma2);
    scratch.fill(0);
    multiplyLeft(k2, second, scratch, size);
    multiplyRightTransposed(scratch, k0, next, size, sigma2);
    multiplyRightTransposed(scratch, k2, next, size, 3 * sigma2 * sigma2);
    left.fill(0);
    multiplyLeft(k1, second, left, size);
    multiplyRightTransposed(left, k1, next, size, sigma2);
    second = next;
    nextMean = new Float64Array(size);
  }
  return { means, variances, skewnesses: new Float64Array(horizon).fill(Number.NaN) };
}

// target += factor · K v.
function multiplyVector(matrix: Sparse, vector: Float64Array, target: Float64Array, factor: number): void {
  for (let entry = 0; entry < matrix.values.length; entry += 1) {
    const row = matrix.rows[entry] as number;
    target[row] =
      (target[row] as number) +
      factor * (matrix.values[entry] as number) * (vector[matrix.columns[entry] as number] as number);
  }
}

// target += K S (row-major size × size).
function multiplyLeft(matrix: Sparse, dense: Float64Array, target: Float64Array, size: number): void {
  for (let entry = 0; entry < matrix.values.length; entry += 1) {
    const value = matrix.values[entry] as number;
    const targetRow = (matrix.rows[entry] as number) * size;
    const sourceRow = (matrix.columns[entry] as number) * size;
    for (let column = 0; column < size; column += 1) {
      target[targetRow + column] =
        (target[targetRow + column] as number) + value * (dense[sourceRow + column] as number);
    }
  }
}

// target += factor · T Kᵀ (row-major size × size).
function multiplyRightTransposed(
  dense: Float64Array,
  matrix: Sparse,
  target: Float64Array,
  size: number,
  factor: number,
): void {
  for (let entry = 0; entry < matrix.values.length; entry += 1) {
    const value = factor * (matrix.values[entry] as number);
    const targetColumn = matrix.rows[entry] as number;
    const sourceColumn = matrix.columns[entry] as number;
    for (let row = 0; row < size; row += 1) {
      target[row * size + targetColumn] =
        (target[row * size + targetColumn] as number) + value * (dense[row * size + sourceColumn] as number);
    }
  }
}
