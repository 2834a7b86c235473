import { nelderMead } from "../optimizer/nelder-mead";

/** Seasonal form of the classic Holt-Winters method. */
export type HoltWintersSeasonal = "additive" | "multiplicative";

/** Smoothing weights of the classic Holt-Winters recursions, each in [0, 1]. */
export interface HoltWintersParameters {
  /** Level weight. */
  readonly alpha: number;
  /** Trend weight. */
  readonly beta: number;
  /** Seasonal weight. */
  readonly gamma: number;
}

/** A fitted classic Holt-Winters model (R's `stats::HoltWinters` with trend and season). */
export interface HoltWintersFit {
  /** Seasonal form. */
  readonly seasonality: HoltWintersSeasonal;
  /** Seasonal period. */
  readonly period: number;
  /** Weights minimising the one-step squared error. */
  readonly parameters: HoltWintersParameters;
  /** Level after the last observation. */
  readonly level: number;
  /** Trend after the last observation. */
  readonly trend: number;
  /** Seasonal terms for the next `period` steps: `seasonal[k]` applies at step `k + 1`. */
  readonly seasonal: readonly number[];
  /** Sum of squared one-step errors over the fitted part (from the second season on). */
  readonly sse: number;
  /** Sample variance of the one-step errors, used by the intervals. */
  readonly residualVariance: number;
  /** One-step errors, from observation `period` (0-based) on. */
  readonly residuals: readonly number[];
}

/** Start values of the recursions, as R's `HoltWinters` derives them. */
export interface HoltWintersStart {
  /** Level. */
  readonly level: number;
  /** Trend. */
  readonly trend: number;
  /** Seasonal figure by phase (phase 0 = the first observation's). */
  readonly seasonal: readonly number[];
}

/**
 * Start values as R's `stats::HoltWinters`: a classical decomposition (centred moving average) of the first two
 * seasons gives the seasonal figure; a least-squares line through the moving-average trend gives level (intercept)
 * and trend (slope).
 *
 * @param values - The series (at least two full seasons).
 * @param period - Seasonal period (≥ 2).
 * @param seasonal - Seasonal form.
 * @returns The start values.
 * @example
 * ```ts
 * const start = holtWintersStart(values, 12, "multiplicative");
 * ```
 */
export function holtWintersStart(
  values: ArrayLike<number>,
  period: number,
  seasonal: HoltWintersSeasonal,
): HoltWintersStart {
  const window = 2 * period;
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const trend: number[] = [];
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  for (let time = half; time < window - half; time += 1) {
    let average = 0;
    for (let offset = -half; offset <= half; offset += 1) {
      average += (even && Math.abs(offset) === half ? 0.5 : 1) * (values[time + offset] as number);
    }
    average /= period;
    trend.push(average);
    const value = values[time] as number;
    sums[time % period] =
      (sums[time % period] as number) + (seasonal === "additive" ? value - average : value / average);
    counts[time % period] = (counts[time % period] as number) + 1;
  }
  const figure = sums.map((sum, phase) => sum / (counts[phase] || 1));
  const mean = figure.reduce((total, value) => total + value, 0) / period;
  const normalised = figure.map((value) => (seasonal === "additive" ? value - mean : value / mean));
  // Regression of the trend on 1..k; its intercept sits one step before the first trend value.
  const count = trend.length;
  const meanX = (count + 1) / 2;
  const meanY = trend.reduce((total, value) => total + value, 0) / count;
  let covariance = 0;
  let variance = 0;
  trend.forEach((value, index) => {
    covariance += (index + 1 - meanX) * (value - meanY);
    variance += (index + 1 - meanX) ** 2;
  });
  const slope = variance > 0 ? covariance / variance : 0;
  return { level: meanY - slope * meanX, trend: slope, seasonal: normalised };
}

/** Output of {@link runHoltWinters}. */
interface HoltWintersRun {
  sse: number;
  level: number;
  trend: number;
  seasonByPhase: number[];
  residuals: number[];
}

/**
 * Runs the classic Holt-Winters recursions (Winters 1960; R's `C_HoltWinters`) from observation `period` on, the
 * start values standing for the state before it.
 *
 * @param values - The series.
 * @param period - Seasonal period.
 * @param seasonal - Seasonal form.
 * @param parameters - Smoothing weights.
 * @param start - Start values.
 * @returns The sum of squared one-step errors.
 * @example
 * ```ts
 * holtWintersSse(values, 12, "additive", { alpha: 0.3, beta: 0.1, gamma: 0.1 }, holtWintersStart(values, 12, "additive"));
 * ```
 */
export function holtWintersSse(
  values: ArrayLike<number>,
  period: number,
  seasonal: HoltWintersSeasonal,
  parameters: HoltWintersParameters,
  start: HoltWintersStart,
): number {
  return runHoltWinters(values, period, seasonal, parameters, start, false).sse;
}

function runHoltWinters(
  values: ArrayLike<number>,
  period: number,
  seasonal: HoltWintersSeasonal,
  parameters: HoltWintersParameters,
  start: HoltWintersStart,
  keepResiduals: boolean,
): HoltWintersRun {
  const { alpha, beta, gamma } = parameters;
  const additive = seasonal === "additive";
  const seasonByPhase = [...start.seasonal];
  let level = start.level;
  let trend = start.trend;
  let sse = 0;
  const residuals: number[] = [];
  for (let time = period; time < values.length; time += 1) {
    const phase = time % period;
    const season = seasonByPhase[phase] as number;
    const base = level + trend;
    const forecast = additive ? base + season : base * season;
    const observation = values[time] as number;
    const error = observation - forecast;
    sse += error * error;
    if (keepResiduals) residuals.push(error);
    const newLevel = alpha * (additive ? observation - season : observation / season) + (1 - alpha) * base;
    trend = beta * (newLevel - level) + (1 - beta) * trend;
    level = newLevel;
    seasonByPhase[phase] = gamma * (additive ? observation - level : observation / level) + (1 - gamma) * season;
  }
  return { sse, level, trend, seasonByPhase, residuals };
}

/** Options for {@link fitHoltWinters}. */
export interface FitHoltWintersOptions {
  /** Seasonal period (≥ 2). */
  period: number;
  /** Seasonal form. @default "additive" */
  seasonal?: HoltWintersSeasonal;
  /** Fixed weights instead of estimated ones (as R's `HoltWinters(alpha =, beta =, gamma =)`). */
  parameters?: HoltWintersParameters;
}

/**
 * Fits the classic Holt-Winters method with trend and season (R's `stats::HoltWinters`): R's start values, then the
 * weights minimising the sum of squared one-step errors over `[0, 1]³` (a restarted Nelder–Mead on a logistic scale
 * from R's starting point 0.3 / 0.1 / 0.1, where R uses L-BFGS-B).
 *
 * @param values - The series; at least two full seasons plus one point.
 * @param options - Seasonal period (≥ 2), form, and optionally fixed weights.
 * @returns The fit.
 * @example
 * ```ts
 * const fit = fitHoltWinters(values, { period: 12, seasonal: "multiplicative" });
 * fit.parameters.alpha;
 * ```
 */
export function fitHoltWinters(values: ArrayLike<number>, options: FitHoltWintersOptions): HoltWintersFit {
  const { period, seasonal = "additive", parameters: fixed } = options;
  const start = holtWintersStart(values, period, seasonal);
  const toWeight = (value: number): number => 1 / (1 + Math.exp(-value));
  const toScale = (weight: number): number => Math.log(weight / (1 - weight));
  const decode = (vector: ArrayLike<number>): HoltWintersParameters => ({
    alpha: toWeight(vector[0] as number),
    beta: toWeight(vector[1] as number),
    gamma: toWeight(vector[2] as number),
  });
  // Fixed weights skip the search (a single evaluation of the start point).
  const result = nelderMead(
    (vector) => {
      const sse = holtWintersSse(values, period, seasonal, decode(vector), start);
      return Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY;
    },
    [toScale(0.3), toScale(0.1), toScale(0.1)],
    fixed
      ? { maxEvaluations: 1, restarts: 0 }
      : { steps: [1, 1, 1], tolerance: 1e-10, restarts: 3, maxEvaluations: 6000 },
  );
  const parameters = fixed ?? decode(result.point);
  const run = runHoltWinters(values, period, seasonal, parameters, start, true);
  const mean = run.residuals.reduce((total, value) => total + value, 0) / run.residuals.length;
  const residualVariance =
    run.residuals.reduce((total, value) => total + (value - mean) ** 2, 0) / Math.max(1, run.residuals.length - 1);
  const next = values.length % period;
  return {
    seasonality: seasonal,
    period,
    parameters,
    level: run.level,
    trend: run.trend,
    seasonal: Array.from({ length: period }, (_, step) => run.seasonByPhase[(next + step) % period] as number),
    sse: run.sse,
    residualVariance,
    residuals: run.residuals,
  };
}
