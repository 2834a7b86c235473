import { multiplyPolynomials } from "./difference";

/** The order of a seasonal ARIMA model, ARIMA(p,d,q)(P,D,Q)[m]. */
export interface ArimaOrder {
  /** Non-seasonal AR order. */
  readonly p: number;
  /** First differences. */
  readonly d: number;
  /** Non-seasonal MA order. */
  readonly q: number;
  /** Seasonal AR order. */
  readonly seasonalP: number;
  /** Seasonal differences. */
  readonly seasonalD: number;
  /** Seasonal MA order. */
  readonly seasonalQ: number;
  /** Seasonal period (1 = none). */
  readonly period: number;
}

/** ARMA coefficients of a seasonal model, each part in R's sign convention (`φ(B) = 1 − Σ φ_k B^k`, `θ(B) = 1 + Σ θ_k B^k`). */
export interface ArmaCoefficients {
  /** Non-seasonal AR coefficients φ_1 … φ_p. */
  readonly ar: readonly number[];
  /** Non-seasonal MA coefficients θ_1 … θ_q. */
  readonly ma: readonly number[];
  /** Seasonal AR coefficients Φ_1 … Φ_P (lags m, 2m, …). */
  readonly seasonalAr: readonly number[];
  /** Seasonal MA coefficients Θ_1 … Θ_Q. */
  readonly seasonalMa: readonly number[];
}

/**
 * Multiplies out the seasonal and non-seasonal parts into one ARMA: `φ(B)Φ(B^m)` and `θ(B)Θ(B^m)`, returned as the
 * coefficient lists `phi` (`y_t = Σ phi_k y_{t−k} + …`) and `theta` (`… + e_t + Σ theta_k e_{t−k}`).
 *
 * @param coefficients - The four parts.
 * @param period - Seasonal period.
 * @returns The expanded `phi` and `theta`, trailing exact zeros kept (length p + mP and q + mQ).
 */
export function expandArma(coefficients: ArmaCoefficients, period: number): { phi: number[]; theta: number[] } {
  const arPolynomial = multiplyPolynomials(
    [1, ...coefficients.ar.map((value) => -value)],
    seasonalPolynomial(
      coefficients.seasonalAr.map((value) => -value),
      period,
    ),
  );
  const maPolynomial = multiplyPolynomials(
    [1, ...coefficients.ma],
    seasonalPolynomial([...coefficients.seasonalMa], period),
  );
  return { phi: arPolynomial.slice(1).map((value) => -value), theta: maPolynomial.slice(1) };
}

function seasonalPolynomial(coefficients: readonly number[], period: number): number[] {
  const polynomial = new Array<number>(coefficients.length * period + 1).fill(0);
  polynomial[0] = 1;
  coefficients.forEach((value, index) => {
    polynomial[(index + 1) * period] = value;
  });
  return polynomial;
}

/**
 * Maps unconstrained values onto the coefficients of a stationary AR polynomial (Jones 1980, as R's `arima` with
 * `transform.pars`): each value becomes a partial autocorrelation `tanh(value)` and the Durbin–Levinson recursion
 * turns those into AR coefficients.
 *
 * @param raw - Unconstrained values.
 * @returns AR coefficients whose polynomial has all roots outside the unit circle.
 */
export function stationaryFromUnconstrained(raw: ArrayLike<number>): number[] {
  const count = raw.length;
  const coefficients = new Float64Array(count);
  stationaryInto(raw, 0, count, coefficients, new Float64Array(count));
  return Array.from(coefficients);
}

/**
 * {@link stationaryFromUnconstrained} into caller-owned arrays, with the same arithmetic: the likelihood search calls
 * it on every evaluation and must not allocate.
 *
 * @param raw - Holds the unconstrained values at `offset … offset + count − 1`.
 * @param offset - Where they start.
 * @param count - How many.
 * @param coefficients - Receives the AR coefficients (length ≥ count).
 * @param previous - Scratch (length ≥ count).
 * @example
 * ```ts
 * stationaryInto(point, 0, p, arCoefficients, scratch);
 * ```
 */
export function stationaryInto(
  raw: ArrayLike<number>,
  offset: number,
  count: number,
  coefficients: Float64Array,
  previous: Float64Array,
): void {
  for (let k = 0; k < count; k += 1) {
    const partial = Math.tanh(raw[offset + k] as number);
    for (let j = 0; j < k; j += 1) previous[j] = coefficients[j] as number;
    coefficients[k] = partial;
    for (let j = 0; j < k; j += 1) {
      coefficients[j] = (previous[j] as number) - partial * (previous[k - j - 1] as number);
    }
  }
}

/**
 * Inverse of {@link stationaryFromUnconstrained}: the partial autocorrelations of a stationary AR polynomial by the
 * step-down recursion, mapped through `atanh`.
 *
 * @param coefficients - AR coefficients (`φ(B) = 1 − Σ φ_k B^k`).
 * @returns Unconstrained values, or undefined when the polynomial is not stationary.
 */
export function unconstrainedFromStationary(coefficients: readonly number[]): number[] | undefined {
  const partials = partialAutocorrelations(coefficients);
  if (!partials || partials.some((value) => Math.abs(value) >= 1 - 1e-8)) return undefined;
  return partials.map((value) => Math.atanh(value));
}

function partialAutocorrelations(coefficients: readonly number[]): number[] | undefined {
  let current = [...coefficients];
  const partials = new Array<number>(current.length).fill(0);
  for (let k = current.length - 1; k >= 0; k -= 1) {
    const partial = current[k] as number;
    partials[k] = partial;
    if (Math.abs(partial) >= 1) return undefined;
    const scale = 1 - partial * partial;
    const next = new Array<number>(k);
    for (let j = 0; j < k; j += 1) {
      next[j] = ((current[j] as number) + partial * (current[k - 1 - j] as number)) / scale;
    }
    current = next;
  }
  return partials;
}

/**
 * Whether every root of `1 − Σ c_k z^k` lies outside the circle of radius `radius` (R's `auto.arima` rejects AR and MA
 * polynomials with a root inside radius 1.01). Schur–Cohn by the step-down recursion on `c_k · radius^k`.
 *
 * @param coefficients - The `c_k` (for an MA polynomial `1 + Σ θ_k z^k`, pass `−θ_k`).
 * @param radius - The radius (≥ 1).
 * @returns True when all roots are outside it (always for an empty or all-zero list).
 */
export function rootsOutside(coefficients: readonly number[], radius: number): boolean {
  let last = coefficients.length;
  while (last > 0 && Math.abs(coefficients[last - 1] as number) <= 1e-8) last -= 1;
  if (last === 0) return true;
  const scaled = coefficients.slice(0, last).map((value, index) => value * radius ** (index + 1));
  const partials = partialAutocorrelations(scaled);
  return partials?.every((value) => Math.abs(value) < 1) ?? false;
}

/**
 * Psi-weights of an ARIMA model: the coefficients of `θ(B) / (φ(B) δ(B))` with `δ` the differencing operator, so the
 * h-step forecast error variance is `σ² Σ_{j<h} ψ_j²`.
 *
 * @param phi - Expanded AR coefficients.
 * @param theta - Expanded MA coefficients.
 * @param differencing - The differencing operator `[1, c_1, …]` (see `differencingPolynomial`).
 * @param count - How many weights (ψ_0 = 1 first).
 * @returns The weights.
 */
export function psiWeights(
  phi: readonly number[],
  theta: readonly number[],
  differencing: readonly number[],
  count: number,
): number[] {
  const ar = multiplyPolynomials([1, ...phi.map((value) => -value)], differencing)
    .slice(1)
    .map((value) => -value);
  const psi = new Array<number>(count).fill(0);
  for (let j = 0; j < count; j += 1) {
    let value = j === 0 ? 1 : j <= theta.length ? (theta[j - 1] as number) : 0;
    for (let k = 1; k <= Math.min(j, ar.length); k += 1) value += (ar[k - 1] as number) * (psi[j - k] as number);
    psi[j] = value;
  }
  return psi;
}

/**
 * Makes an MA polynomial `1 + Σ θ_k z^k` invertible by replacing each root inside the unit circle with its reciprocal
 * (R `arima`'s `maInvert`); the process has the same autocorrelations, so the likelihood does not change.
 *
 * @param theta - MA coefficients.
 * @returns Coefficients whose roots are all on or outside the unit circle (the input when already so).
 */
export function invertMa(theta: readonly number[]): number[] {
  let q = theta.length;
  while (q > 0 && theta[q - 1] === 0) q -= 1;
  if (
    q === 0 ||
    rootsOutside(
      theta.map((value) => -value),
      1,
    )
  )
    return [...theta];
  if (q === 1) return [1 / (theta[0] as number), ...theta.slice(1)];
  const roots = polynomialRoots([1, ...theta.slice(0, q)]);
  // Rebuild Π (1 − z / root) with the reflected roots, complex arithmetic.
  let real = [1];
  let imaginary = [0];
  for (const root of roots) {
    let { re, im } = root;
    const modulus2 = re * re + im * im;
    if (modulus2 < 1) {
      re /= modulus2;
      im = -im / modulus2;
    }
    // Multiply by (1 − z / root): 1/root = conj(root) / |root|².
    const scale = re * re + im * im;
    const inverseRe = re / scale;
    const inverseIm = -im / scale;
    const nextReal = [...real, 0];
    const nextImaginary = [...imaginary, 0];
    for (let k = 0; k < real.length; k += 1) {
      nextReal[k + 1] =
        (nextReal[k + 1] as number) - ((real[k] as number) * inverseRe - (imaginary[k] as number) * inverseIm);
      nextImaginary[k + 1] =
        (nextImaginary[k + 1] as number) - ((real[k] as number) * inverseIm + (imaginary[k] as number) * inverseRe);
    }
    real = nextReal;
    imaginary = nextImaginary;
  }
  return [...real.slice(1), ...theta.slice(q)];
}

// Roots of c_0 + c_1 z + … + c_n z^n by the Durand–Kerner iteration.
function polynomialRoots(coefficients: readonly number[]): { re: number; im: number }[] {
  const degree = coefficients.length - 1;
  const lead = coefficients[degree] as number;
  const monic = coefficients.map((value) => value / lead);
  const roots = Array.from({ length: degree }, (_, index) => ({
    re: 0.4 * Math.cos((2 * Math.PI * index) / degree + 0.25) * (1 + index / degree),
    im: 0.9 * Math.sin((2 * Math.PI * index) / degree + 0.25) * (1 + index / degree),
  }));
  for (let iteration = 0; iteration < 500; iteration += 1) {
    let change = 0;
    for (let i = 0; i < degree; i += 1) {
      const z = roots[i] as { re: number; im: number };
      // Horner: value of the monic polynomial at z.
      let valueRe = 1;
      let valueIm = 0;
      for (let k = degree - 1; k >= 0; k -= 1) {
        const re = valueRe * z.re - valueIm * z.im + (monic[k] as number);
        valueIm = valueRe * z.im + valueIm * z.re;
        valueRe = re;
      }
      let denominatorRe = 1;
      let denominatorIm = 0;
      for (let j = 0; j < degree; j += 1) {
        if (j === i) continue;
        const other = roots[j] as { re: number; im: number };
        const differenceRe = z.re - other.re;
        const differenceIm = z.im - other.im;
        const re = denominatorRe * differenceRe - denominatorIm * differenceIm;
        denominatorIm = denominatorRe * differenceIm + denominatorIm * differenceRe;
        denominatorRe = re;
      }
      const norm = denominatorRe * denominatorRe + denominatorIm * denominatorIm || 1e-300;
      const stepRe = (valueRe * denominatorRe + valueIm * denominatorIm) / norm;
      const stepIm = (valueIm * denominatorRe - valueRe * denominatorIm) / norm;
      z.re -= stepRe;
      z.im -= stepIm;
      change = Math.max(change, Math.abs(stepRe) + Math.abs(stepIm));
    }
    if (change < 1e-14) break;
  }
  return roots;
}
