import { isSeasonalByAcf, multiplicativeSeasonalIndices } from "./classical-decomposition";

/** Options of {@link fitTheta}. */
export interface FitThetaOptions {
  /** Seasonal period m (1 = none). @default 1 */
  readonly period?: number;
}

/** A fitted Theta model (Assimakopoulos & Nikolopoulos 2000 in the form of Hyndman & Billah 2003, R's `thetaf`). */
export interface ThetaFit {
  /** Seasonal period the test was run with. */
  readonly period: number;
  /** Whether the series was found seasonal and adjusted. */
  readonly seasonal: boolean;
  /** The m multiplicative indices, position 0 = the step after the last observation (empty when not seasonal). */
  readonly seasonalIndices: readonly number[];
  /** SES smoothing weight, in [0.0001, 0.9999]. */
  readonly alpha: number;
  /** SES starting level (fitted). */
  readonly initialLevel: number;
  /** SES level after the last observation (deseasonalised scale). */
  readonly level: number;
  /** Half the slope of the least-squares line through the deseasonalised data (theta = 2). */
  readonly drift: number;
  /** One-step error variance of the SES fit, SSE / (n − 3) (deseasonalised scale). */
  readonly sigma2: number;
  /** Points fitted. */
  readonly observationCount: number;
}

const ALPHA_LOWER = 1e-4;
const ALPHA_UPPER = 0.9999;
const GRID = 40;

/**
 * Fits the Theta method as R `forecast::thetaf` does: when m > 1 and the lag-m autocorrelation is significant at 90%
 * the series is divided by the indices of a classical multiplicative decomposition; simple exponential smoothing is
 * fitted to the (adjusted) series by least squares over both the weight α and the starting level (R's
 * `ses()`, i.e. `ets(x, "ANN", opt.crit = "mse")`), and the drift is half the slope of the linear trend. Our
 * optimum is exact in the starting level (the squared error is quadratic in it) and a grid plus golden-section
 * search in α, so it can differ slightly from R's Nelder–Mead stop.
 *
 * Cost: O(n · 60) for the search.
 *
 * @param values - The series (at least 3 points; all positive when it is seasonal).
 * @param options - The seasonal period.
 * @returns The fit.
 * @example
 * ```ts
 * const fit = fitTheta(Float64Array.from(monthly), { period: 12 });
 * forecastTheta(fit, 18, { levels: [80, 95] });
 * ```
 */
export function fitTheta(values: Float64Array, options: FitThetaOptions = {}): ThetaFit {
  const period = options.period ?? 1;
  const count = values.length;
  let indices: number[] | undefined;
  if (isSeasonalByAcf(values, period) && values.every((value) => value > 0)) {
    indices = multiplicativeSeasonalIndices(values, period);
  }
  const adjusted = indices
    ? values.map((value, time) => value / ((indices as number[])[time % period] as number))
    : Float64Array.from(values);
  const objective = (alpha: number) => sesLeastSquares(adjusted, alpha);
  let bestAlpha = ALPHA_LOWER;
  let bestSse = Number.POSITIVE_INFINITY;
  const step = (ALPHA_UPPER - ALPHA_LOWER) / GRID;
  for (let index = 0; index <= GRID; index += 1) {
    const alpha = ALPHA_LOWER + index * step;
    const { sse } = objective(alpha);
    if (sse < bestSse) {
      bestSse = sse;
      bestAlpha = alpha;
    }
  }
  bestAlpha = goldenSection(
    (alpha) => objective(alpha).sse,
    Math.max(ALPHA_LOWER, bestAlpha - step),
    Math.min(ALPHA_UPPER, bestAlpha + step),
  );
  const best = objective(bestAlpha);
  return {
    period,
    seasonal: indices !== undefined,
    seasonalIndices: indices ? indices.map((_, position) => indices[(count + position) % period] as number) : [],
    alpha: bestAlpha,
    initialLevel: best.initialLevel,
    level: best.level,
    drift: leastSquaresSlope(adjusted) / 2,
    sigma2: count > 3 ? best.sse / (count - 3) : Number.NaN,
    observationCount: count,
  };
}

// SES errors are linear in the starting level l0: e_t = c_t − (1 − α)^(t−1)·l0, so the best l0 is closed-form.
function sesLeastSquares(values: Float64Array, alpha: number): { sse: number; initialLevel: number; level: number } {
  let level = 0;
  let decay = 1;
  let crossed = 0;
  let squared = 0;
  let constant = 0;
  for (const value of values) {
    const error = value - level;
    crossed += error * decay;
    squared += decay * decay;
    constant += error * error;
    level += alpha * error;
    decay *= 1 - alpha;
  }
  const initialLevel = squared > 0 ? crossed / squared : 0;
  const sse = Math.max(0, constant - 2 * initialLevel * crossed + initialLevel * initialLevel * squared);
  // With l0, the level after the last point is the zero-start level plus (1 − α)^n · l0.
  return { sse, initialLevel, level: level + decay * initialLevel };
}

function goldenSection(objective: (value: number) => number, lower: number, upper: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let left = lower;
  let right = upper;
  let inner = right - ratio * (right - left);
  let outer = left + ratio * (right - left);
  let innerValue = objective(inner);
  let outerValue = objective(outer);
  for (let iteration = 0; iteration < 60 && right - left > 1e-9; iteration += 1) {
    if (innerValue <= outerValue) {
      right = outer;
      outer = inner;
      outerValue = innerValue;
      inner = right - ratio * (right - left);
      innerValue = objective(inner);
    } else {
      left = inner;
      inner = outer;
      innerValue = outerValue;
      outer = left + ratio * (right - left);
      outerValue = objective(outer);
    }
  }
  return innerValue <= outerValue ? inner : outer;
}

function leastSquaresSlope(values: Float64Array): number {
  const count = values.length;
  const meanTime = (count - 1) / 2;
  let mean = 0;
  for (const value of values) mean += value;
  mean /= count;
  let numerator = 0;
  let denominator = 0;
  for (let time = 0; time < count; time += 1) {
    numerator += (time - meanTime) * ((values[time] as number) - mean);
    denominator += (time - meanTime) ** 2;
  }
  return denominator > 0 ? numerator / denominator : 0;
}
