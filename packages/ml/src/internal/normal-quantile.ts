/**
 * The standard normal quantile Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), the
 * algorithm of R's `qnorm`: a rational approximation in three regions, accurate to about 1e-16 relative. Internal:
 * the forecasting code uses it for prediction intervals.
 */

// Central region |p − 0.5| ≤ 0.425: rational function of r = 0.180625 − q².
const CENTRAL_NUMERATOR = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457,
  67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
] as const;
const CENTRAL_DENOMINATOR = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061,
  28729.085735721942674, 5226.495278852854561,
] as const;
// Intermediate tail, r = √(−ln(tail)) − 1.6 for r ≤ 5 before the shift.
const NEAR_NUMERATOR = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
] as const;
const NEAR_DENOMINATOR = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
] as const;
// Far tail, r = √(−ln(tail)) − 5.
const FAR_NUMERATOR = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
] as const;
const FAR_DENOMINATOR = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
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
