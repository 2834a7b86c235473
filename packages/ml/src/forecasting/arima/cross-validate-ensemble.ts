import { etsAveragedPoints } from "../theta/cross-validate-families";
import { fitTheta } from "../theta/fit-theta";
import { forecastTheta } from "../theta/forecast-theta";
import { type ArimaFit, refilterArima } from "./fit-arima";
import { arimaPointForecasts } from "./forecast-arima";

/** Result of {@link crossValidateEnsemble}. */
export interface EnsembleChoice {
  /** `"ets+arima+theta"` when its mean absolute error is strictly smaller than ETS's, else `"ets"`. */
  readonly choice: "ets" | "ets+arima+theta";
  /** Origins scored (0 when the series is too short: ETS is kept). */
  readonly origins: number;
  /** Steps forecast from each origin. */
  readonly horizon: number;
  /** Mean absolute error of each candidate (NaN when nothing was scored). */
  readonly errors: { readonly ets: number; readonly "ets+arima+theta": number };
}

/** Origins of the rolling-origin check. */
export const ENSEMBLE_VALIDATION_ORIGINS = 3;

/**
 * Time-series cross-validation on the training data only, deciding between the engine's ETS (Akaike-averaged) and
 * the equal-weight mean of ETS, ARIMA and Theta: from each of the last {@link ENSEMBLE_VALIDATION_ORIGINS} origins
 * (one step apart, the last `horizon` steps before the end) ETS and Theta are refitted on the points before the
 * origin and the ARIMA model chosen on the whole training series is re-run (orders and coefficients kept, so its
 * search is not repeated) to forecast the next `horizon = min(forecastHorizon, n − 2 − max(2m + 2, 8))` points.
 *
 * Cost: {@link ENSEMBLE_VALIDATION_ORIGINS} ETS selections and Theta fits plus as many Kalman filter passes.
 *
 * @param values - The training series.
 * @param period - Seasonal period (1 = none).
 * @param forecastHorizon - The horizon that will be forecast.
 * @param arima - The ARIMA model chosen on `values`.
 * @returns The choice and the errors behind it.
 */
export function crossValidateEnsemble(
  values: Float64Array,
  period: number,
  forecastHorizon: number,
  arima: ArimaFit,
): EnsembleChoice {
  const count = values.length;
  const minimumTrain = Math.max(2 * period + 2, 8);
  const horizon = Math.min(forecastHorizon, count - (ENSEMBLE_VALIDATION_ORIGINS - 1) - minimumTrain);
  let etsTotal = 0;
  let ensembleTotal = 0;
  let scored = 0;
  let points = 0;
  for (let back = 0; horizon >= 1 && back < ENSEMBLE_VALIDATION_ORIGINS; back += 1) {
    const origin = count - horizon - back;
    const train = values.subarray(0, origin);
    const ets = etsAveragedPoints(train, period, horizon);
    const positioned = refilterArima(arima, train);
    if (!ets || !positioned) continue;
    const arimaPoints = arimaPointForecasts(positioned, horizon);
    const theta = forecastTheta(fitTheta(train, { period }), horizon, { levels: [] });
    for (let step = 0; step < horizon; step += 1) {
      const actual = values[origin + step] as number;
      const etsValue = ets[step] as number;
      const mean = (etsValue + (arimaPoints[step] as number) + (theta[step]?.value as number)) / 3;
      etsTotal += Math.abs(actual - etsValue);
      ensembleTotal += Math.abs(actual - mean);
    }
    scored += 1;
    points += horizon;
  }
  const errors = {
    ets: points > 0 ? etsTotal / points : Number.NaN,
    "ets+arima+theta": points > 0 ? ensembleTotal / points : Number.NaN,
  };
  const choice = points > 0 && errors["ets+arima+theta"] < errors.ets ? "ets+arima+theta" : "ets";
  return { choice, origins: scored, horizon: Math.max(0, horizon), errors };
}
