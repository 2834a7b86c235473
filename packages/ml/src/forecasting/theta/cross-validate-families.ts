import { akaikeWeights } from "../ets/combine-ets";
import { etsPointForecasts } from "../ets/forecast-ets";
import { selectEts } from "../ets/select-ets";
import { fitTheta } from "./fit-theta";
import { forecastTheta } from "./forecast-theta";

/** The model families `model: "auto-cv"` chooses from. */
export type ForecastFamily = "ets" | "theta" | "ets+theta";

/** Result of {@link crossValidateFamilies}. */
export interface FamilyValidation {
  /** The family with the smallest mean absolute error (ties go to the combination, then ETS). */
  readonly choice: ForecastFamily;
  /** Forecast origins that were scored (0 when the series is too short: the choice is then the combination). */
  readonly origins: number;
  /** Steps forecast from each origin. */
  readonly horizon: number;
  /** Mean absolute error of each family over every scored origin and step (NaN when nothing was scored). */
  readonly errors: Readonly<Record<ForecastFamily, number>>;
}

/** Origins of the rolling-origin check. */
export const VALIDATION_ORIGINS = 3;

/**
 * Time-series cross-validation on the training data only: from each of the last {@link VALIDATION_ORIGINS} origins
 * (one step apart, the last one `horizon` steps before the end), ETS (Akaike-weighted, as the engine's default),
 * Theta and their mean are refitted on the points before the origin and forecast the next `horizon` points, with
 * `horizon = min(forecastHorizon, n − 2 − minimumTrain)` and `minimumTrain = max(2m + 2, 8)`. The family with the
 * smallest mean absolute error wins; ties prefer the combination, then ETS. A series too short for one such origin
 * gets the combination.
 *
 * Cost: about `VALIDATION_ORIGINS` extra ETS selections and Theta fits.
 *
 * @param values - The training series.
 * @param period - Seasonal period (1 = none).
 * @param forecastHorizon - The horizon that will be forecast.
 * @returns The choice and the errors behind it.
 */
export function crossValidateFamilies(values: Float64Array, period: number, forecastHorizon: number): FamilyValidation {
  const count = values.length;
  const minimumTrain = Math.max(2 * period + 2, 8);
  const horizon = Math.min(forecastHorizon, count - (VALIDATION_ORIGINS - 1) - minimumTrain);
  const totals: Record<ForecastFamily, number> = { ets: 0, theta: 0, "ets+theta": 0 };
  let scored = 0;
  let points = 0;
  if (horizon >= 1) {
    for (let back = 0; back < VALIDATION_ORIGINS; back += 1) {
      const origin = count - horizon - back;
      const train = values.subarray(0, origin);
      const ets = etsAveragedPoints(train, period, horizon);
      if (!ets) continue;
      const theta = forecastTheta(fitTheta(train, { period }), horizon, { levels: [] }).map((step) => step.value);
      for (let step = 0; step < horizon; step += 1) {
        const actual = values[origin + step] as number;
        const etsValue = ets[step] as number;
        const thetaValue = theta[step] as number;
        totals.ets += Math.abs(actual - etsValue);
        totals.theta += Math.abs(actual - thetaValue);
        totals["ets+theta"] += Math.abs(actual - (etsValue + thetaValue) / 2);
      }
      scored += 1;
      points += horizon;
    }
  }
  const errors: Record<ForecastFamily, number> = {
    ets: points > 0 ? totals.ets / points : Number.NaN,
    theta: points > 0 ? totals.theta / points : Number.NaN,
    "ets+theta": points > 0 ? totals["ets+theta"] / points : Number.NaN,
  };
  let choice: ForecastFamily = "ets+theta";
  if (points > 0) {
    for (const family of ["ets", "theta"] as const) {
      if (Number.isFinite(errors[family]) && !(errors[family] >= errors[choice])) choice = family;
    }
    if (!Number.isFinite(errors["ets+theta"])) choice = "ets";
  }
  return { choice, origins: scored, horizon: Math.max(0, horizon), errors };
}

/**
 * Point forecasts of the engine's default ETS: the Akaike-weighted mean of the candidate forms (weights below 0.001
 * left out and the rest renormalised), or undefined when no form can be fitted.
 *
 * @param values - The series.
 * @param period - Seasonal period.
 * @param horizon - Steps ahead.
 * @returns One value per step.
 */
export function etsAveragedPoints(values: Float64Array, period: number, horizon: number): number[] | undefined {
  const selection = selectEts(values, { period });
  if (!selection) return undefined;
  const weights = akaikeWeights(selection.candidates.map((candidate) => candidate.aicc));
  const kept = selection.candidates
    .map((candidate, index) => ({ fit: candidate.fit, weight: weights[index] as number }))
    .filter((entry) => entry.weight >= 0.001);
  const total = kept.reduce((sum, entry) => sum + entry.weight, 0);
  const means = new Array<number>(horizon).fill(0);
  for (const entry of kept) {
    etsPointForecasts(entry.fit, horizon).forEach((value, index) => {
      means[index] = (means[index] as number) + (entry.weight / total) * value;
    });
  }
  return means;
}
