import { nelderMead } from "../optimizer/nelder-mead";
import type { EtsForm } from "./ets-form";
import { etsInitialState } from "./ets-initial-state";
import { type EtsParameters, type EtsState, runEts } from "./ets-recursion";
import { isAdmissible } from "./is-admissible";

/** A fitted ETS model: everything needed to forecast, compare and serialise it. */
export interface EtsFit {
  /** Model form. */
  readonly form: EtsForm;
  /** Seasonal period used (1 without a season). */
  readonly period: number;
  /** Fitted smoothing parameters; `beta`, `gamma`, `phi` are 0, 0, 1 where the form has no such component. */
  readonly parameters: EtsParameters;
  /** Fitted initial state (time 0). */
  readonly initialState: EtsState;
  /** State after the last observation, the origin of forecasts. */
  readonly finalState: EtsState;
  /** Innovation variance: Σe² / (n − k), with relative errors for multiplicative-error models. */
  readonly sigma2: number;
  /** Log-likelihood as R's `ets` reports it (−½ of the concentrated criterion). */
  readonly logLikelihood: number;
  /** Akaike information criterion. */
  readonly aic: number;
  /** AIC with small-sample correction. */
  readonly aicc: number;
  /** Bayesian information criterion. */
  readonly bic: number;
  /** Number of estimated quantities k: free parameters, free initial states and the variance. */
  readonly parameterCount: number;
  /** Number of observations fitted. */
  readonly observationCount: number;
  /** Mean squared one-step error in data units. */
  readonly mse: number;
  /** Likelihood evaluations the optimiser used. */
  readonly evaluations: number;
}

/** Options for {@link fitEts}. */
export interface FitEtsOptions {
  /** Seasonal period; required above 1 for seasonal forms. @default 1 */
  period?: number;
  /** Optimiser evaluations allowed. @default 500 + 100 × number of free quantities (after a warm start of 150 per smoothing parameter) */
  maxEvaluations?: number;
  /** Relative convergence tolerance of the optimiser (R's `reltol`). @default 1e-7 */
  tolerance?: number;
  /** Optimiser restarts from the best point. @default 1 */
  restarts?: number;
}

// The usual region of R's ets: lower and upper limits for alpha, beta, gamma, phi.
const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 } as const;
const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 } as const;
const NEGATIVE_SEASON_PENALTY = 1e8;

/**
 * Fits one ETS model by maximum likelihood: smoothing parameters and initial states together, under R's "both"
 * bounds (the usual region `0 < β ≤ α < 1`, `0 < γ ≤ 1 − α`, `0.8 ≤ φ ≤ 0.98`, intersected with the admissible
 * region). Starting point as R's `ets`; the optimiser is a restarted Nelder–Mead with per-coordinate steps.
 *
 * Cost: O(n) per likelihood evaluation, a few thousand evaluations.
 *
 * @param series - The series; strictly positive for multiplicative forms.
 * @param form - Model form.
 * @param options - Seasonal period and optimiser budget.
 * @returns The fit, or `undefined` when no feasible starting point exists (for example a multiplicative form on
 *   data with zeros).
 * @example
 * ```ts
 * const fit = fitEts(values, { error: "M", trend: "A", season: "M" }, { period: 12 });
 * fit?.aicc;
 * ```
 */
export function fitEts(series: ArrayLike<number>, form: EtsForm, options: FitEtsOptions = {}): EtsFit | undefined {
  // One element type for every call keeps the likelihood loop monomorphic.
  const values = series instanceof Float64Array ? series : Float64Array.from(series);
  const { period: requestedPeriod = 1 } = options;
  const seasonal = form.season !== "N";
  const period = seasonal ? requestedPeriod : 1;
  const hasTrend = form.trend !== "N";
  const damped = form.trend === "Ad";
  const start = etsInitialState(values, form.trend, form.season, period);
  const seasonCount = seasonal ? period - 1 : 0;
  // Layout of the optimiser's vector: parameters, then level, trend and the free seasonal states.
  const betaIndex = hasTrend ? 1 : -1;
  const gammaIndex = seasonal ? 1 + (hasTrend ? 1 : 0) : -1;
  const phiIndex = damped ? 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) : -1;
  const parameterSlots = 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) + (damped ? 1 : 0);
  const levelIndex = parameterSlots;
  const trendIndex = hasTrend ? levelIndex + 1 : -1;
  const seasonIndex = levelIndex + 1 + (hasTrend ? 1 : 0);
  const dimension = seasonIndex + seasonCount;
  const { maxEvaluations = 500 + 100 * dimension, tolerance = 1e-7, restarts = 1 } = options;

  // Smoothing parameters are optimised on a logistic scale that maps onto the usual region exactly (β ≤ α and
  // γ ≤ 1 − α included), so the simplex never wastes moves on the walls of the box and can approach a bound.
  const startVector = new Float64Array(dimension);
  const alpha0 = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / period;
  startVector[0] = toUnbounded(alpha0, LOWER.alpha, UPPER.alpha);
  if (hasTrend) {
    const upperBeta = Math.min(UPPER.beta, alpha0);
    startVector[betaIndex] = toUnbounded(LOWER.beta + 0.1 * (upperBeta - LOWER.beta), LOWER.beta, upperBeta);
  }
  if (seasonal) {
    const upperGamma = Math.min(UPPER.gamma, 1 - alpha0);
    startVector[gammaIndex] = toUnbounded(LOWER.gamma + 0.05 * (upperGamma - LOWER.gamma), LOWER.gamma, upperGamma);
  }
  if (damped) startVector[phiIndex] = toUnbounded(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi), LOWER.phi, UPPER.phi);
  startVector[levelIndex] = start.level;
  if (hasTrend) startVector[trendIndex] = start.trend;
  for (let lag = 0; lag < seasonCount; lag += 1) startVector[seasonIndex + lag] = start.seasonal[lag] ?? 0;

  const scale = spread(values);
  const steps: number[] = [];
  for (let index = 0; index < dimension; index += 1) {
    if (index < parameterSlots) steps.push(index === phiIndex ? -1 : 1);
    else if (index === levelIndex) steps.push(0.1 * scale);
    else if (index === trendIndex) steps.push(0.01 * scale);
    else steps.push(form.season === "M" ? 0.05 : 0.1 * scale);
  }

  const seasonalStates = new Array<number>(seasonal ? period : 0).fill(0);
  // Scratch objects refilled on every evaluation: the optimiser makes thousands, and fresh objects cost GC time.
  const scratchParameters = { alpha: 0, beta: 0, gamma: 0, phi: 1 };
  const scratchState = { level: 0, trend: 0, seasonal: seasonalStates };
  const decode = (vector: Float64Array): { parameters: EtsParameters; state: EtsState } | undefined => {
    const alpha = toBounded(vector[0] as number, LOWER.alpha, UPPER.alpha);
    const beta = hasTrend ? toBounded(vector[betaIndex] as number, LOWER.beta, Math.min(UPPER.beta, alpha)) : 0;
    const gamma = seasonal ? toBounded(vector[gammaIndex] as number, LOWER.gamma, Math.min(UPPER.gamma, 1 - alpha)) : 0;
    const phi = damped ? toBounded(vector[phiIndex] as number, LOWER.phi, UPPER.phi) : 1;
    if (
      !isAdmissible(alpha, hasTrend ? beta : undefined, seasonal ? gamma : undefined, damped ? phi : undefined, period)
    ) {
      return undefined;
    }
    if (seasonal) {
      let sum = 0;
      for (let lag = 0; lag < seasonCount; lag += 1) {
        const value = vector[seasonIndex + lag] as number;
        seasonalStates[lag] = value;
        sum += value;
      }
      // The normalisation fixes the last seasonal state: additive effects sum to 0, multiplicative indices to m.
      seasonalStates[period - 1] = form.season === "A" ? -sum : period - sum;
    }
    scratchParameters.alpha = alpha;
    scratchParameters.beta = beta;
    scratchParameters.gamma = gamma;
    scratchParameters.phi = phi;
    scratchState.level = vector[levelIndex] as number;
    scratchState.trend = hasTrend ? (vector[trendIndex] as number) : 0;
    return scratch;
  };
  const scratch = { parameters: scratchParameters, state: scratchState };
  const objective = (vector: Float64Array): number => {
    const decoded = decode(vector);
    if (!decoded) return Number.POSITIVE_INFINITY;
    if (form.season === "M") {
      for (let lag = 0; lag < period; lag += 1) if ((seasonalStates[lag] as number) < 0) return NEGATIVE_SEASON_PENALTY;
    }
    return runEts(values, form, period, decoded.parameters, decoded.state);
  };
  // Phase one moves only the smoothing parameters from the heuristic states: a few hundred cheap evaluations that
  // land the full search near the optimum, which then needs far fewer evaluations than from R's starting point.
  const full = new Float64Array(startVector);
  const parameterSteps = steps.slice(0, parameterSlots);
  const warmStart = nelderMead(
    (subset) => {
      full.set(subset);
      return objective(full);
    },
    startVector.subarray(0, parameterSlots),
    { steps: parameterSteps, maxEvaluations: 150 * parameterSlots, tolerance: 1e-6, restarts: 1 },
  );
  const refined = new Float64Array(startVector);
  refined.set(warmStart.point);
  const result = nelderMead(objective, refined, { steps, maxEvaluations, tolerance, restarts });
  const evaluations = warmStart.evaluations + result.evaluations;
  if (!Number.isFinite(result.value) || result.value >= NEGATIVE_SEASON_PENALTY) return undefined;
  const decoded = decode(result.point);
  if (!decoded) return undefined;
  const count = values.length;
  const residuals = new Float64Array(count);
  const fitted = new Float64Array(count);
  const output: { residuals: Float64Array; fitted: Float64Array; finalState?: EtsState } = { residuals, fitted };
  const parameters: EtsParameters = { ...decoded.parameters };
  const initialState: EtsState = { ...decoded.state, seasonal: [...decoded.state.seasonal] };
  const criterion = runEts(values, form, period, parameters, initialState, output);
  const parameterCount = dimension + 1;
  let sumSquares = 0;
  let sumSquaredErrors = 0;
  for (let time = 0; time < count; time += 1) {
    sumSquares += (residuals[time] as number) ** 2;
    sumSquaredErrors += ((values[time] as number) - (fitted[time] as number)) ** 2;
  }
  const aic = criterion + 2 * parameterCount;
  const denominator = count - parameterCount - 1;
  return {
    form,
    period,
    parameters,
    initialState,
    finalState: output.finalState as EtsState,
    sigma2: count > parameterCount ? sumSquares / (count - parameterCount) : Number.NaN,
    logLikelihood: -0.5 * criterion,
    aic,
    aicc: denominator > 0 ? aic + (2 * parameterCount * (parameterCount + 1)) / denominator : Number.POSITIVE_INFINITY,
    bic: aic + (Math.log(count) - 2) * parameterCount,
    parameterCount,
    observationCount: count,
    mse: sumSquaredErrors / count,
    evaluations,
  };
}

// Sample standard deviation, floored so constant series still get a usable simplex.
function spread(values: ArrayLike<number>): number {
  let mean = 0;
  for (let index = 0; index < values.length; index += 1) mean += values[index] as number;
  mean /= values.length;
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += ((values[index] as number) - mean) ** 2;
  const deviation = Math.sqrt(sum / Math.max(1, values.length - 1));
  return deviation > 0 ? deviation : Math.max(Math.abs(mean), 1) * 0.1;
}

function toBounded(value: number, lower: number, upper: number): number {
  return lower + (upper - lower) / (1 + Math.exp(-value));
}

function toUnbounded(value: number, lower: number, upper: number): number {
  const share = Math.min(Math.max((value - lower) / (upper - lower), 1e-6), 1 - 1e-6);
  return Math.log(share / (1 - share));
}
