/**
 * Whether smoothing parameters lie in the admissible (forecastable) region of Hyndman et al. (2008, ch. 10), with the
 * same tests as R's `forecast::ets`: closed-form inequalities, then for seasonal models every root of R's
 * characteristic polynomial `φ(1−α−γ) + (α+β−αφ+γ−1)z + (α+β−αφ)(z² + … + z^{m−1}) + (α+β−φ)z^m + z^{m+1}`
 * within `1 + 1e-10` of the unit circle.
 *
 * @param alpha - Level smoothing.
 * @param beta - Trend smoothing, or `undefined` without trend.
 * @param gamma - Seasonal smoothing, or `undefined` without season.
 * @param phi - Damping, or `undefined` when not damped.
 * @param period - Seasonal period.
 * @returns `true` when admissible.
 * @example
 * ```ts
 * isAdmissible(0.5, undefined, undefined, undefined, 1); // true
 * ```
 */
export function isAdmissible(
  alpha: number,
  beta: number | undefined,
  gamma: number | undefined,
  phi: number | undefined,
  period: number,
): boolean {
  const damping = phi ?? 1;
  if (damping < 0 || damping > 1 + 1e-8) return false;
  if (gamma === undefined) {
    if (alpha < 1 - 1 / damping || alpha > 1 + 1 / damping) return false;
    if (beta !== undefined && (beta < alpha * (damping - 1) || beta > (1 + damping) * (2 - alpha))) return false;
    return true;
  }
  if (period <= 1) return true;
  const trend = beta ?? 0;
  if (gamma < Math.max(1 - 1 / damping - alpha, 0) || gamma > 1 + 1 / damping - alpha) return false;
  if (alpha < 1 - 1 / damping - (gamma * (1 - period + damping + damping * period)) / (2 * damping * period)) {
    return false;
  }
  if (trend < -(1 - damping) * (gamma / period + alpha)) return false;
  return seasonalRootsInside(alpha, trend, gamma, damping, period);
}

// Scratch space for the polynomial tests: they run on every likelihood evaluation, so they must not allocate.
let workspace = new Float64Array(32);
let scratch = new Float64Array(32);

// Schur–Cohn test on the characteristic polynomial of the seasonal discount matrix, scaled by the tolerance radius so
// roots up to |z| = 1 + 1e-10 pass, as R's polyroot-based check lets them. O(m²).
function seasonalRootsInside(alpha: number, beta: number, gamma: number, phi: number, period: number): boolean {
  const degree = period + 1;
  if (workspace.length <= degree) {
    workspace = new Float64Array(2 * degree);
    scratch = new Float64Array(2 * degree);
  }
  // Coefficients, lowest degree first.
  const middle = alpha + beta - alpha * phi;
  workspace[0] = phi * (1 - alpha - gamma);
  workspace[1] = middle + gamma - 1;
  for (let power = 2; power < period; power += 1) workspace[power] = middle;
  workspace[period] = alpha + beta - phi;
  workspace[degree] = 1;
  const radius = 1 + 1e-10;
  let scale = 1;
  for (let power = 0; power <= degree; power += 1) {
    workspace[power] = (workspace[power] as number) * scale;
    scale *= radius;
  }
  let current = workspace;
  let next = scratch;
  for (let size = degree; size > 0; size -= 1) {
    const leading = current[size] as number;
    const constant = current[0] as number;
    if (!(Math.abs(leading) > Math.abs(constant))) return false;
    for (let power = 1; power <= size; power += 1) {
      next[power - 1] = leading * (current[power] as number) - constant * (current[size - power] as number);
    }
    // Rescaling keeps the recursion away from overflow and underflow without moving the roots.
    const norm = Math.abs(next[size - 1] as number) || 1;
    for (let power = 0; power < size; power += 1) next[power] = (next[power] as number) / norm;
    const swap = current;
    current = next;
    next = swap;
  }
  return true;
}
