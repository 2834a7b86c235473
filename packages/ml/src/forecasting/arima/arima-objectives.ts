import { type ArmaLikelihood, armaLikelihood } from "./arma-likelihood";
import type { ArimaOrder } from "./arma-polynomials";
import { stationaryInto } from "./arma-polynomials";

/** The two objectives of an ARIMA fit over one differenced series, sharing preallocated buffers. */
export interface ArimaObjectives {
  /**
   * R's conditional-sum-of-squares objective, `0.5 log(mean squared residual)`, residuals from index `p + mP` on and
   * earlier residuals taken as 0.
   *
   * @param point - `[ar…, ma…, seasonalAr…, seasonalMa…, constant?]`, coefficients as they are.
   * @returns The objective, Infinity when not finite.
   */
  conditional(point: ArrayLike<number>): number;
  /**
   * Exact Gaussian likelihood pieces by the Kalman filter.
   *
   * @param point - `[ar…, ma…, seasonalAr…, seasonalMa…, constant?]`, the AR parts unconstrained (mapped through the
   *   stationarity transform).
   * @returns The likelihood pieces, or undefined when the AR part has no stationary covariance.
   */
  exact(point: ArrayLike<number>): ArmaLikelihood | undefined;
}

/**
 * Builds the CSS and exact-likelihood objectives of one model for the optimiser. Equivalent to expanding the
 * coefficients with `expandArma` and centring the series at every call, with the same arithmetic in the same order,
 * but without allocating per call (the seasonal product is multiplied out over its non-zero terms only).
 *
 * @param differenced - The differenced series.
 * @param order - The model's orders and period.
 * @param useConstant - Whether the point ends with a constant (mean or drift).
 * @returns The two objectives.
 */
export function createArimaObjectives(
  differenced: Float64Array,
  order: ArimaOrder,
  useConstant: boolean,
): ArimaObjectives {
  const { p, q, seasonalP, seasonalQ, period } = order;
  const count = differenced.length;
  const phi = new Float64Array(p + period * seasonalP);
  const theta = new Float64Array(q + period * seasonalQ);
  const residuals = new Float64Array(count);
  const centred = new Float64Array(count);
  const arLeft = new Float64Array(p + 1);
  const maLeft = new Float64Array(q + 1);
  const seasonalArRight = new Float64Array(seasonalP + 1);
  const seasonalMaRight = new Float64Array(seasonalQ + 1);
  const constantAt = p + q + seasonalP + seasonalQ;

  // The AR parts of the exact objective after the stationarity transform, and the transform's scratch.
  const arStationary = new Float64Array(p);
  const seasonalArStationary = new Float64Array(seasonalP);
  const transformScratch = new Float64Array(Math.max(p, seasonalP));

  // phi and theta from φ(B)Φ(B^m) and θ(B)Θ(B^m), summed in the order of multiplyPolynomials (ascending left index).
  // Each part is read from `source` at its offset, so no call allocates.
  const expand = (
    ar: ArrayLike<number>,
    arAt: number,
    ma: ArrayLike<number>,
    maAt: number,
    seasonalAr: ArrayLike<number>,
    seasonalArAt: number,
    seasonalMa: ArrayLike<number>,
    seasonalMaAt: number,
  ) => {
    arLeft[0] = 1;
    for (let k = 0; k < p; k += 1) arLeft[k + 1] = -(ar[arAt + k] as number);
    seasonalArRight[0] = 1;
    for (let k = 0; k < seasonalP; k += 1) seasonalArRight[k + 1] = -(seasonalAr[seasonalArAt + k] as number);
    maLeft[0] = 1;
    for (let k = 0; k < q; k += 1) maLeft[k + 1] = ma[maAt + k] as number;
    seasonalMaRight[0] = 1;
    for (let k = 0; k < seasonalQ; k += 1) seasonalMaRight[k + 1] = seasonalMa[seasonalMaAt + k] as number;
    multiplySparse(arLeft, seasonalArRight, period, phi, -1);
    multiplySparse(maLeft, seasonalMaRight, period, theta, 1);
  };

  const conditional = (point: ArrayLike<number>): number => {
    expand(point, 0, point, p, point, p + q, point, p + q + seasonalP);
    const shift = useConstant ? (point[constantAt] as number) : 0;
    const start = phi.length;
    let total = 0;
    for (let time = start; time < count; time += 1) {
      let residual = (differenced[time] as number) - shift;
      for (let k = 0; k < phi.length; k += 1) {
        residual -= (phi[k] as number) * ((differenced[time - k - 1] as number) - shift);
      }
      for (let k = 0; k < theta.length && k < time - start; k += 1) {
        residual -= (theta[k] as number) * (residuals[time - k - 1] as number);
      }
      residuals[time] = residual;
      total += residual * residual;
    }
    const used = count - start;
    if (used <= 0 || !Number.isFinite(total)) return Number.POSITIVE_INFINITY;
    return 0.5 * Math.log(total / used);
  };

  const exact = (point: ArrayLike<number>): ArmaLikelihood | undefined => {
    stationaryInto(point, 0, p, arStationary, transformScratch);
    stationaryInto(point, p + q, seasonalP, seasonalArStationary, transformScratch);
    expand(arStationary, 0, point, p, seasonalArStationary, 0, point, p + q + seasonalP);
    const shift = useConstant ? (point[constantAt] as number) : 0;
    let values = differenced;
    if (shift !== 0) {
      for (let index = 0; index < count; index += 1) centred[index] = (differenced[index] as number) - shift;
      values = centred;
    }
    return armaLikelihood(values, phi, theta);
  };

  return { conditional, exact };
}

// output[k − 1] = sign · (left(B) · right(B^m))[k] for k ≥ 1; right holds the coefficients of B^0, B^m, B^2m, ….
function multiplySparse(
  left: Float64Array,
  right: Float64Array,
  period: number,
  output: Float64Array,
  sign: number,
): void {
  const leftDegree = left.length - 1;
  const rightDegree = right.length - 1;
  for (let k = 1; k <= output.length; k += 1) {
    let value = 0;
    for (let i = Math.max(0, k - rightDegree * period); i <= Math.min(k, leftDegree); i += 1) {
      const gap = k - i;
      if (gap % period !== 0) continue;
      value += (left[i] as number) * (right[gap / period] as number);
    }
    output[k - 1] = sign === -1 ? -value : value;
  }
}
