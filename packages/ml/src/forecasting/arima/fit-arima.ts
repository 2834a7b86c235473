import { nelderMead } from "../optimizer/nelder-mead";
import { createArimaObjectives } from "./arima-objectives";
import { armaLikelihood } from "./arma-likelihood";
import {
  type ArimaOrder,
  type ArmaCoefficients,
  expandArma,
  invertMa,
  rootsOutside,
  stationaryFromUnconstrained,
  unconstrainedFromStationary,
} from "./arma-polynomials";
import { difference } from "./difference";

/** A fitted seasonal ARIMA model. */
export interface ArimaFit {
  /** The orders and period. */
  readonly order: ArimaOrder;
  /** Whether a constant was estimated: the mean when d + D = 0, the drift when d + D = 1. */
  readonly constant: boolean;
  /** Estimated ARMA coefficients. */
  readonly coefficients: ArmaCoefficients;
  /** Mean of the differenced series (0 without constant): the mean, or drift × (1 or m). */
  readonly mean: number;
  /** Innovation variance as R's `auto.arima` reports it: `Σ e_t² / (n* − k)`, k the estimated coefficients. */
  readonly sigma2: number;
  /** Exact Gaussian log-likelihood of the differenced series. */
  readonly logLikelihood: number;
  /** Akaike information criterion. */
  readonly aic: number;
  /** Corrected AIC, the selection criterion. */
  readonly aicc: number;
  /** Bayesian information criterion. */
  readonly bic: number;
  /** Coefficients estimated (ARMA terms plus the constant), without the variance. */
  readonly coefficientCount: number;
  /** Observations after differencing, n* = n − d − mD. */
  readonly usedCount: number;
  /** Kalman state after the last observation. */
  readonly state: readonly number[];
  /** The last d + mD observations of the original series (to undo the differencing). */
  readonly tail: readonly number[];
}

/**
 * Fits a seasonal ARIMA model by R's default `CSS-ML`: conditional sum of squares for starting values (a fit whose
 * CSS AR part is not stationary fails, as in R), then exact maximum likelihood with the Kalman filter, the AR parts
 * kept stationary by the partial-autocorrelation transform. The minimiser is Nelder–Mead. AICc uses `k + 1`
 * parameters (coefficients plus the variance) and `n*` observations, as R's `auto.arima`.
 *
 * @param values - The series.
 * @param order - The orders and period.
 * @param constant - Estimate a mean (d + D = 0) or drift (d + D = 1); ignored otherwise.
 * @returns The fit, or undefined when it fails (too few points, non-stationary start, no finite likelihood).
 */
export function fitArima(values: Float64Array, order: ArimaOrder, constant: boolean): ArimaFit | undefined {
  const { p, q, seasonalP, seasonalQ, period, d, seasonalD } = order;
  const differenced = difference(difference(values, period, seasonalD), 1, d);
  const useConstant = constant && d + seasonalD <= 1;
  const armaCount = p + q + seasonalP + seasonalQ;
  const coefficientCount = armaCount + (useConstant ? 1 : 0);
  const count = differenced.length;
  if (count <= coefficientCount + 1) return undefined;
  let mean = 0;
  if (useConstant) {
    for (const value of differenced) mean += value;
    mean /= count;
  }
  const spread = standardDeviation(differenced) || 1;
  const split = (point: ArrayLike<number>) => {
    let at = 0;
    const take = (length: number) => Array.from({ length }, () => point[at++] as number);
    return { ar: take(p), ma: take(q), seasonalAr: take(seasonalP), seasonalMa: take(seasonalQ), at };
  };

  // Conditional sum of squares, coefficients unconstrained (R's CSS step).
  const cssStart = new Array<number>(coefficientCount).fill(0);
  if (useConstant) cssStart[armaCount] = mean;
  const objectives = createArimaObjectives(differenced, order, useConstant);
  const steps = cssStart.map((_, index) => (index === armaCount ? Math.max(spread / Math.sqrt(count), 1e-8) : 0.1));
  const cssPoint =
    coefficientCount > 0
      ? nelderMead(objectives.conditional, cssStart, { steps, tolerance: 1e-8, restarts: 0 }).point
      : new Float64Array(0);
  const cssParts = split(cssPoint);
  if (!rootsOutside(cssParts.ar, 1) || !rootsOutside(cssParts.seasonalAr, 1)) return undefined;
  // As R: start the likelihood search from invertible MA parts.
  cssPoint.set([...cssParts.ar, ...invertMa(cssParts.ma), ...cssParts.seasonalAr, ...invertMa(cssParts.seasonalMa)]);

  // Exact likelihood, AR parts through the stationarity transform.
  const toUnconstrained = (point: ArrayLike<number>) => {
    const parts = split(point);
    const ar = unconstrainedFromStationary(parts.ar);
    const seasonalAr = unconstrainedFromStationary(parts.seasonalAr);
    if (!ar || !seasonalAr) return undefined;
    const result = [...ar, ...parts.ma, ...seasonalAr, ...parts.seasonalMa];
    if (useConstant) result.push(point[parts.at] as number);
    return result;
  };
  const fromUnconstrained = (point: ArrayLike<number>) => {
    const parts = split(point);
    const coefficients: ArmaCoefficients = {
      ar: stationaryFromUnconstrained(parts.ar),
      ma: parts.ma,
      seasonalAr: stationaryFromUnconstrained(parts.seasonalAr),
      seasonalMa: parts.seasonalMa,
    };
    return { coefficients, shift: useConstant ? (point[parts.at] as number) : 0 };
  };
  const evaluate = (point: ArrayLike<number>) => {
    const { coefficients, shift } = fromUnconstrained(point);
    const { phi, theta } = expandArma(coefficients, period);
    const centred = shift === 0 ? differenced : differenced.map((value) => value - shift);
    return { result: armaLikelihood(centred, phi, theta), coefficients, shift };
  };
  const objective = (point: ArrayLike<number>) => {
    const result = objectives.exact(point);
    if (!result) return Number.POSITIVE_INFINITY;
    return 0.5 * Math.log(result.sumSquares / result.count) + (0.5 * result.sumLogGains) / result.count;
  };
  const mlStart = toUnconstrained(cssPoint) ?? cssStart;
  const mlPoint =
    coefficientCount > 0
      ? nelderMead(objective, mlStart, { steps, tolerance: 1e-8, restarts: 1 }).point
      : new Float64Array(0);
  // The optimum may sit at the non-invertible twin of a model (same likelihood): report the invertible one.
  const mlParts = split(mlPoint);
  const invertedMa = invertMa(mlParts.ma);
  const invertedSeasonalMa = invertMa(mlParts.seasonalMa);
  mlPoint.set(invertedMa, p);
  mlPoint.set(invertedSeasonalMa, p + q + seasonalP);
  const { result, coefficients, shift } = evaluate(mlPoint);
  if (!result || !Number.isFinite(result.sumSquares)) return undefined;
  const variance = result.sumSquares / count;
  const minusTwiceLogLikelihood =
    count * Math.log(variance) + result.sumLogGains + count + count * Math.log(2 * Math.PI);
  const parameters = coefficientCount + 1;
  const aic = minusTwiceLogLikelihood + 2 * parameters;
  const aicc =
    count - parameters - 1 > 0
      ? aic + (2 * parameters * (parameters + 1)) / (count - parameters - 1)
      : Number.POSITIVE_INFINITY;
  const differencingOrder = d + seasonalD * period;
  return {
    order,
    constant: useConstant,
    coefficients,
    mean: shift,
    sigma2: result.sumSquares / (count - coefficientCount),
    logLikelihood: -0.5 * minusTwiceLogLikelihood,
    aic,
    aicc,
    bic: aic + parameters * (Math.log(count) - 2),
    coefficientCount,
    usedCount: count,
    state: Array.from(result.state),
    tail: Array.from(values.subarray(values.length - differencingOrder)),
  };
}

/**
 * Whether a fit passes R `auto.arima`'s admissibility check: every root of the AR and MA polynomials (expanded)
 * outside radius 1.01.
 *
 * @param fit - A fit.
 * @returns True when admissible.
 */
export function isAdmissibleArima(fit: ArimaFit): boolean {
  const { phi, theta } = expandArma(fit.coefficients, fit.order.period);
  return (
    rootsOutside(phi, 1.01) &&
    rootsOutside(
      theta.map((value) => -value),
      1.01,
    )
  );
}

function standardDeviation(values: Float64Array): number {
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let total = 0;
  for (const value of values) total += (value - mean) ** 2;
  return Math.sqrt(total / Math.max(1, values.length - 1));
}

/**
 * The same model (orders and coefficients kept) run over other data: the Kalman state and the differencing tail
 * are recomputed, so it forecasts from the end of `values`. Used to validate a chosen model at earlier origins
 * without searching again.
 *
 * @param fit - A fitted model.
 * @param values - The series to filter (long enough for the differencing).
 * @returns The model positioned at the end of `values`, or undefined when the data are too short.
 */
export function refilterArima(fit: ArimaFit, values: Float64Array): ArimaFit | undefined {
  const { d, seasonalD, period } = fit.order;
  const differencingOrder = d + seasonalD * period;
  if (values.length <= differencingOrder) return undefined;
  const differenced = difference(difference(values, period, seasonalD), 1, d);
  const { phi, theta } = expandArma(fit.coefficients, period);
  const result = armaLikelihood(
    differenced.map((value) => value - fit.mean),
    phi,
    theta,
  );
  if (!result) return undefined;
  return {
    ...fit,
    state: Array.from(result.state),
    tail: Array.from(values.subarray(values.length - differencingOrder)),
  };
}
