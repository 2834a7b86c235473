/**
 * Differences a series: `times` passes of `x_t − x_{t−lag}`. Each pass shortens it by `lag` points.
 *
 * @param values - The series.
 * @param lag - The lag (1, or the seasonal period).
 * @param times - How many passes (0 returns a copy).
 * @returns The differenced series (empty when the series is too short).
 * @example
 * ```ts
 * difference(Float64Array.of(1, 4, 9, 16), 1, 1); // [3, 5, 7]
 * ```
 */
export function difference(values: Float64Array, lag: number, times: number): Float64Array {
  let current = Float64Array.from(values);
  for (let pass = 0; pass < times; pass += 1) {
    if (current.length <= lag) return new Float64Array(0);
    const next = new Float64Array(current.length - lag);
    for (let index = 0; index < next.length; index += 1) {
      next[index] = (current[index + lag] as number) - (current[index] as number);
    }
    current = next;
  }
  return current;
}

/**
 * The differencing operator `(1 − B)^d (1 − B^m)^D` as polynomial coefficients in the backshift `B`, constant first:
 * `x_t` of the undifferenced series is `w_t − Σ_{k≥1} c_k x_{t−k}` with `w` the differenced series.
 *
 * @param d - Non-seasonal differences.
 * @param seasonalD - Seasonal differences.
 * @param period - Seasonal period (used when `seasonalD > 0`).
 * @returns The coefficients `[1, c_1, …]`.
 */
export function differencingPolynomial(d: number, seasonalD: number, period: number): number[] {
  let polynomial = [1];
  for (let pass = 0; pass < d; pass += 1) polynomial = multiplyPolynomials(polynomial, [1, -1]);
  for (let pass = 0; pass < seasonalD; pass += 1) {
    const seasonal = new Array<number>(period + 1).fill(0);
    seasonal[0] = 1;
    seasonal[period] = -1;
    polynomial = multiplyPolynomials(polynomial, seasonal);
  }
  return polynomial;
}

/**
 * Undoes {@link difference}: continues a differenced series' forecasts (or any continuation) back on the original
 * scale, given the original series' history.
 *
 * @param history - The original series (at least as long as the operator's order).
 * @param differenced - Values of the differenced series right after the history's end.
 * @param polynomial - The operator from {@link differencingPolynomial}.
 * @returns The continuation on the original scale, one value per differenced value.
 */
export function integrate(history: ArrayLike<number>, differenced: ArrayLike<number>, polynomial: readonly number[]) {
  const order = polynomial.length - 1;
  const extended = Array.from(history);
  const start = extended.length;
  for (let index = 0; index < differenced.length; index += 1) {
    let value = differenced[index] as number;
    for (let lag = 1; lag <= order; lag += 1) {
      value -= (polynomial[lag] as number) * (extended[start + index - lag] as number);
    }
    extended.push(value);
  }
  return extended.slice(start);
}

/**
 * Product of two polynomials given as coefficient arrays, constant first.
 *
 * @param left - First factor.
 * @param right - Second factor.
 * @returns The product's coefficients.
 */
export function multiplyPolynomials(left: readonly number[], right: readonly number[]): number[] {
  const product = new Array<number>(left.length + right.length - 1).fill(0);
  left.forEach((a, i) => {
    right.forEach((b, j) => {
      product[i + j] = (product[i + j] as number) + a * b;
    });
  });
  return product;
}
