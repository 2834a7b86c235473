// The five simple forecasts the validated ensemble's rules were chosen from (bench/ensemble-selection-m1.bench.ts):
// point forecasts only, from any prefix of a series.
import { type ArimaFit, fitArima, refilterArima } from "../src/forecasting/arima/fit-arima";
import { arimaPointForecasts } from "../src/forecasting/arima/forecast-arima";
import { fitDrift, forecastDrift } from "../src/forecasting/ensemble/forecast-drift";
import { akaikeWeights } from "../src/forecasting/ets/combine-ets";
import { etsPointForecasts } from "../src/forecasting/ets/forecast-ets";
import { selectEts } from "../src/forecasting/ets/select-ets";
import { fitTheta } from "../src/forecasting/theta/fit-theta";
import { forecastTheta } from "../src/forecasting/theta/forecast-theta";
/** The simple forecasts the validated ensemble chooses from, in a fixed order. */
export const POOL_MEMBERS = ["ets", "arima", "theta", "damped", "drift"] as const;

/** One member of the pool. */
export type PoolMember = (typeof POOL_MEMBERS)[number];

/** Point forecasts of each pool member (undefined where the member could not be fitted). */
export type PoolPoints = Record<PoolMember, number[] | undefined>;

/**
 * Point forecasts of every pool member from one series: the engine's automatic ETS (Akaike-weighted over the
 * candidate forms), the given ARIMA model with its coefficients re-estimated on `values` (orders and constant kept;
 * without a model, no ARIMA forecast), Theta, the damped-trend ETS form with the smallest AICc (from the same
 * selection, so it costs nothing extra) and the random walk with drift on the seasonally adjusted series.
 *
 * @param values - The series.
 * @param period - Seasonal period (1 = none).
 * @param horizon - Steps ahead.
 * @param arima - The ARIMA model whose orders are re-fitted (undefined = leave ARIMA out).
 * @returns One array of `horizon` values per member, or undefined for a member that could not be fitted.
 */
export function poolPointForecasts(
  values: Float64Array,
  period: number,
  horizon: number,
  arima: ArimaFit | undefined,
): PoolPoints {
  const etsParts = etsAndDampedPoints(values, period, horizon);
  return {
    ets: etsParts.ets,
    arima: arima ? refittedArimaPoints(arima, values, horizon) : undefined,
    theta:
      values.length >= 3
        ? forecastTheta(fitTheta(values, { period }), horizon, { levels: [] }).map((step) => step.value)
        : undefined,
    damped: etsParts.damped,
    drift:
      values.length >= 3 ? forecastDrift(fitDrift(values, period), horizon, []).map((step) => step.value) : undefined,
  };
}

function etsAndDampedPoints(
  values: Float64Array,
  period: number,
  horizon: number,
): { ets: number[] | undefined; damped: number[] | undefined } {
  const selection = selectEts(values, { period });
  if (!selection) return { ets: undefined, damped: undefined };
  const weights = akaikeWeights(selection.candidates.map((candidate) => candidate.aicc));
  const kept = selection.candidates
    .map((candidate, index) => ({ fit: candidate.fit, weight: weights[index] as number }))
    .filter((entry) => entry.weight >= 0.001);
  const total = kept.reduce((sum, entry) => sum + entry.weight, 0);
  const ets = new Array<number>(horizon).fill(0);
  for (const entry of kept) {
    etsPointForecasts(entry.fit, horizon).forEach((value, index) => {
      ets[index] = (ets[index] as number) + (entry.weight / total) * value;
    });
  }
  let damped: (typeof selection.candidates)[number] | undefined;
  for (const candidate of selection.candidates) {
    if (candidate.form.trend === "Ad" && (!damped || candidate.aicc < damped.aicc)) damped = candidate;
  }
  return { ets, damped: damped ? etsPointForecasts(damped.fit, horizon) : undefined };
}

function refittedArimaPoints(model: ArimaFit, values: Float64Array, horizon: number): number[] | undefined {
  const refitted = fitArima(values, model.order, model.constant) ?? refilterArima(model, values);
  return refitted ? arimaPointForecasts(refitted, horizon) : undefined;
}
