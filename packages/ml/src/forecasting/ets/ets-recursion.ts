import type { EtsForm } from "./ets-form";

const PERFECT_FIT_FLOOR = -1e10;
let sharedRing = new Float64Array(32);

/** Smoothing parameters of an ETS model, in the state-space (error-correction) parameterisation. */
export interface EtsParameters {
  /** Level smoothing. */
  readonly alpha: number;
  /** Trend smoothing (0 when there is no trend). */
  readonly beta: number;
  /** Seasonal smoothing (0 when there is no season). */
  readonly gamma: number;
  /** Damping (1 when the trend is not damped). */
  readonly phi: number;
}

/**
 * An ETS state vector. `seasonal[0]` is the most recent seasonal state and `seasonal[period - 1]` the oldest, the one
 * the next observation uses (R's `s0 … s(m-1)` order).
 */
export interface EtsState {
  /** Level. */
  readonly level: number;
  /** Trend (0 when there is no trend). */
  readonly trend: number;
  /** Seasonal states, newest first; empty when there is no season. */
  readonly seasonal: readonly number[];
}

/** What {@link runEts} fills in when asked. */
export interface EtsRunOutput {
  /** Innovations: `y - ŷ` (additive error) or `(y - ŷ) / ŷ` (multiplicative error). */
  residuals?: Float64Array;
  /** One-step fitted values `ŷ`. */
  fitted?: Float64Array;
  /** Set to the state after the last observation. */
  finalState?: EtsState;
}

/**
 * Runs the ETS recursions over a series and returns the criterion R's `ets` maximises, written as the quantity to
 * minimise: `n·log(Σe²)` plus `2·Σlog|ŷ|` for multiplicative errors (−2 × log-likelihood up to a constant). Returns
 * `NaN` when a one-step forecast collapses to (near) zero under multiplicative errors or the recursion breaks down.
 *
 * The state update is the same for both error types (observed `y` replaces the innovation), so the error type only
 * changes the likelihood. Seasonal states live in a ring buffer so each step is O(1).
 *
 * @param values - The observations.
 * @param form - Model form.
 * @param period - Seasonal period (ignored without a season).
 * @param parameters - Smoothing parameters.
 * @param initial - State before the first observation.
 * @param output - Optional arrays to fill (residuals, fitted) and a slot for the final state.
 * @returns The criterion, or `NaN`.
 * @example
 * ```ts
 * const criterion = runEts(values, { error: "A", trend: "N", season: "N" }, 1, { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, { level: values[0], trend: 0, seasonal: [] });
 * ```
 */
export function runEts(
  values: ArrayLike<number>,
  form: EtsForm,
  period: number,
  parameters: EtsParameters,
  initial: EtsState,
  output?: EtsRunOutput,
): number {
  const { alpha, beta, gamma, phi } = parameters;
  const hasTrend = form.trend !== "N";
  const seasonType = form.season;
  const multiplicativeError = form.error === "M";
  const seasonLength = seasonType === "N" ? 0 : period;
  // Ring buffer indexed by phase: the state for time t sits at t mod m. It is shared between calls because the
  // optimiser calls this thousands of times per fit and the function does not re-enter itself.
  if (sharedRing.length < seasonLength) sharedRing = new Float64Array(2 * seasonLength);
  const ring = sharedRing;
  for (let phase = 0; phase < seasonLength; phase += 1) {
    ring[phase] = initial.seasonal[seasonLength - 1 - phase] ?? 0;
  }
  const damping = form.trend === "Ad" ? phi : 1;
  const trendRatio = alpha > 0 ? beta / alpha : 0;
  const observations = values instanceof Float64Array ? values : Float64Array.from(values);
  const trace = output?.residuals !== undefined || output?.fitted !== undefined ? output : undefined;
  // One kernel per error and seasonal type: the innermost loop then carries no per-step dispatch on the form. That loop
  // is most of the cost of a fit (the optimiser evaluates the likelihood thousands of times); the arithmetic, and so
  // every result, is the same as in a single generic loop.
  const kernel = multiplicativeError
    ? seasonType === "A"
      ? multiplicativeErrorAdditiveSeasonKernel
      : seasonType === "M"
        ? multiplicativeErrorMultiplicativeSeasonKernel
        : multiplicativeErrorPlainKernel
    : seasonType === "A"
      ? additiveErrorAdditiveSeasonKernel
      : seasonType === "M"
        ? additiveErrorMultiplicativeSeasonKernel
        : additiveErrorPlainKernel;
  kernelResult.level = initial.level;
  kernelResult.trend = hasTrend ? initial.trend : 0;
  const ok = kernel(observations, ring, seasonLength, alpha, gamma, damping, trendRatio, hasTrend, trace);
  if (!ok) return Number.NaN;
  const level = kernelResult.level;
  const trend = kernelResult.trend;
  const sumSquares = kernelResult.sumSquares;
  const sumLogForecast = kernelResult.sumLogForecast;
  const count = observations.length;
  if (output) {
    const seasonalStates: number[] = [];
    for (let lag = 0; lag < seasonLength; lag += 1) {
      // The newest state (lag 0) was written at phase (n - 1) mod m.
      seasonalStates.push(ring[(((count - 1 - lag) % seasonLength) + seasonLength) % seasonLength] as number);
    }
    output.finalState = { level, trend, seasonal: seasonalStates };
  }
  if (!Number.isFinite(sumSquares)) return Number.NaN;
  const criterion = count * Math.log(sumSquares) + (multiplicativeError ? 2 * sumLogForecast : 0);
  if (Number.isNaN(criterion)) return Number.NaN;
  // An exact fit would send the criterion to -Infinity; R's ets floors it the same way.
  return Math.max(criterion, PERFECT_FIT_FLOOR);
}

// Filled by the kernels: the state after the last observation and the two sums of the criterion. Module-level so the
// optimiser's thousands of evaluations allocate nothing.
const kernelResult = { level: 0, trend: 0, sumSquares: 0, sumLogForecast: 0 };

// Recursion with additive errors without a season.
function additiveErrorPlainKernel(
  values: Float64Array,
  _ring: Float64Array,
  _seasonLength: number,
  alpha: number,
  _gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  const count = values.length;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const forecast = base;
    const error = observation - forecast;
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = 0;
  return true;
}

// Recursion with additive errors with additive seasonal states in the ring (state for time t at t mod m).
function additiveErrorAdditiveSeasonKernel(
  values: Float64Array,
  ring: Float64Array,
  seasonLength: number,
  alpha: number,
  gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  const count = values.length;
  let phase = 0;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const seasonal = ring[phase] as number;
    const forecast = base + seasonal;
    const error = observation - forecast;
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation - seasonal - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    ring[phase] = seasonal + gamma * (observation - base - seasonal);
    phase += 1;
    if (phase === seasonLength) phase = 0;
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = 0;
  return true;
}

// Recursion with additive errors with multiplicative seasonal indices in the ring (state for time t at t mod m).
function additiveErrorMultiplicativeSeasonKernel(
  values: Float64Array,
  ring: Float64Array,
  seasonLength: number,
  alpha: number,
  gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  const count = values.length;
  let phase = 0;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const seasonal = ring[phase] as number;
    const forecast = base * seasonal;
    const error = observation - forecast;
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation / seasonal - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    ring[phase] = seasonal + gamma * (observation / base - seasonal);
    phase += 1;
    if (phase === seasonLength) phase = 0;
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = 0;
  return true;
}

// Recursion with multiplicative errors without a season.
function multiplicativeErrorPlainKernel(
  values: Float64Array,
  _ring: Float64Array,
  _seasonLength: number,
  alpha: number,
  _gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  let sumLogForecast = 0;
  let forecastProduct = 1;
  const count = values.length;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const forecast = base;
    if (forecast < 1e-10 && forecast > -1e-10) return false;
    const error = (observation - forecast) / forecast;
    // Multiplying first and taking one logarithm per batch is several times cheaper than a log per step.
    const magnitude = forecast < 0 ? -forecast : forecast;
    if (magnitude > 1e100 || magnitude < 1e-100) sumLogForecast += Math.log(magnitude);
    else {
      forecastProduct *= magnitude;
      if (forecastProduct > 1e200 || forecastProduct < 1e-200) {
        sumLogForecast += Math.log(forecastProduct);
        forecastProduct = 1;
      }
    }
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = sumLogForecast + Math.log(forecastProduct);
  return true;
}

// Recursion with multiplicative errors with additive seasonal states in the ring (state for time t at t mod m).
function multiplicativeErrorAdditiveSeasonKernel(
  values: Float64Array,
  ring: Float64Array,
  seasonLength: number,
  alpha: number,
  gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  let sumLogForecast = 0;
  let forecastProduct = 1;
  const count = values.length;
  let phase = 0;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const seasonal = ring[phase] as number;
    const forecast = base + seasonal;
    if (forecast < 1e-10 && forecast > -1e-10) return false;
    const error = (observation - forecast) / forecast;
    // Multiplying first and taking one logarithm per batch is several times cheaper than a log per step.
    const magnitude = forecast < 0 ? -forecast : forecast;
    if (magnitude > 1e100 || magnitude < 1e-100) sumLogForecast += Math.log(magnitude);
    else {
      forecastProduct *= magnitude;
      if (forecastProduct > 1e200 || forecastProduct < 1e-200) {
        sumLogForecast += Math.log(forecastProduct);
        forecastProduct = 1;
      }
    }
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation - seasonal - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    ring[phase] = seasonal + gamma * (observation - base - seasonal);
    phase += 1;
    if (phase === seasonLength) phase = 0;
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = sumLogForecast + Math.log(forecastProduct);
  return true;
}

// Recursion with multiplicative errors with multiplicative seasonal indices in the ring (state for time t at t mod m).
function multiplicativeErrorMultiplicativeSeasonKernel(
  values: Float64Array,
  ring: Float64Array,
  seasonLength: number,
  alpha: number,
  gamma: number,
  damping: number,
  trendRatio: number,
  hasTrend: boolean,
  trace: EtsRunOutput | undefined,
): boolean {
  const residuals = trace?.residuals;
  const fitted = trace?.fitted;
  let level = kernelResult.level;
  let trend = kernelResult.trend;
  let sumSquares = 0;
  let sumLogForecast = 0;
  let forecastProduct = 1;
  const count = values.length;
  let phase = 0;
  for (let time = 0; time < count; time += 1) {
    const observation = values[time] as number;
    const dampedTrend = damping * trend;
    const base = level + dampedTrend;
    const seasonal = ring[phase] as number;
    const forecast = base * seasonal;
    if (forecast < 1e-10 && forecast > -1e-10) return false;
    const error = (observation - forecast) / forecast;
    // Multiplying first and taking one logarithm per batch is several times cheaper than a log per step.
    const magnitude = forecast < 0 ? -forecast : forecast;
    if (magnitude > 1e100 || magnitude < 1e-100) sumLogForecast += Math.log(magnitude);
    else {
      forecastProduct *= magnitude;
      if (forecastProduct > 1e200 || forecastProduct < 1e-200) {
        sumLogForecast += Math.log(forecastProduct);
        forecastProduct = 1;
      }
    }
    if (trace !== undefined) {
      if (residuals !== undefined) residuals[time] = error;
      if (fitted !== undefined) fitted[time] = forecast;
    }
    sumSquares += error * error;
    const newLevel = base + alpha * (observation / seasonal - base);
    if (hasTrend) trend = dampedTrend + trendRatio * (newLevel - level - dampedTrend);
    ring[phase] = seasonal + gamma * (observation / base - seasonal);
    phase += 1;
    if (phase === seasonLength) phase = 0;
    level = newLevel;
  }
  kernelResult.level = level;
  kernelResult.trend = trend;
  kernelResult.sumSquares = sumSquares;
  kernelResult.sumLogForecast = sumLogForecast + Math.log(forecastProduct);
  return true;
}
