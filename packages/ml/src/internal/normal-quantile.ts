/**
 * The standard normal quantile Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), the
 * algorithm of R's `qnorm`: a rational approximation in three regions, accurate to about 1e-16 relative. Internal:
 * the forecasting code uses it for prediction intervals.
 */

// Central region |p − 0.5| ≤ 0.425: rational function of r = 0.180625 − q².
const CENTRAL_NUMERATOR = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087,
  33430.57558358813, 2509.0809287301227,
] as const;
const CENTRAL_DENOMINATOR = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943,
  5226.495278852854,
] as const;
// Intermediate tail, r = √(−ln(tail)) − 1.6 for r ≤ 5 before the shift.
const NEAR_NUMERATOR = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
] as const;
const NEAR_DENOMINATOR = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
] as const;
// Far tail, r = √(−ln(tail)) − 5.
const FAR_NUMERATOR = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
] as const;
const FAR_DENOMINATOR = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548,
  1.421511758316446e-7, 2.0442631033899397e-15,
] as const;

/** Evaluates c₀ + c₁x + … + c₇x⁷ by Horner's rule. */
function polynomial(coefficients: readonly number[], x: number): number {
  let result = 0;
  for (let index = coefficients.length - 1; index >= 0; index -= 1) {
    result = result * x + (coefficients[index] as number);
  }
  return result;
}

/**
 * The quantile of the normal distribution with mean `mean` and standard deviation `deviation` at probability `p`.
 *
 * @param p - A probability; 0 and 1 give −∞ and +∞, anything outside [0, 1] (or NaN) gives NaN.
 * @param mean - The distribution's mean. @default 0
 * @param deviation - The distribution's standard deviation, positive. @default 1
 * @returns x with P(X ≤ x) = p.
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number, mean = 0, deviation = 1): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  let standard: number;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    standard = (q * polynomial(CENTRAL_NUMERATOR, r)) / polynomial(CENTRAL_DENOMINATOR, r);
  } else {
    // 1 − p is exact for p ≥ 0.5 (Sterbenz), so the upper tail loses nothing here.
    let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
    if (r <= 5) {
      r -= 1.6;
      standard = polynomial(NEAR_NUMERATOR, r) / polynomial(NEAR_DENOMINATOR, r);
    } else {
      r -= 5;
      standard = polynomial(FAR_NUMERATOR, r) / polynomial(FAR_DENOMINATOR, r);
    }
    if (q < 0) standard = -standard;
  }
  return mean + deviation * standard;
}
