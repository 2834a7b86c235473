import { envelopeIntervals } from "./combine-points";
import { assembleForecast, type ForecastIdentity, type ForecastInput, insufficient } from "./forecast-parts";
import { fitTheta } from "./theta/fit-theta";
import { forecastTheta } from "./theta/forecast-theta";
import type {
  CombinationForecastModel,
  EtsForecastModel,
  Forecast,
  ForecastPoint,
  ModelValidation,
  ThetaForecastModel,
} from "./time-series-forecasting-engine-types";

/** Fewest points Theta accepts: its error variance divides by n − 3. */
export const MINIMUM_THETA_LENGTH = 4;

/** How the model was picked: by the caller, or by `model: "auto-cv"` with its validation errors. */
export interface FamilySelection {
  readonly selection: "fixed" | "cross-validation";
  readonly validation?: ModelValidation;
}

/**
 * Fits Theta (R `forecast::thetaf`'s algorithm) and forecasts.
 *
 * @param identity - Id, name, time and dropped-point count for the result.
 * @param input - The series.
 * @param horizon - Steps ahead.
 * @param levels - Interval levels, ascending.
 * @param period - Seasonal period for the seasonality test (1 = none).
 * @param how - Fixed or chosen by cross-validation.
 * @returns The forecast, `intervalMethod: "analytic"`.
 * @throws {PelbiotError} INSUFFICIENT_DATA with fewer than {@link MINIMUM_THETA_LENGTH} points.
 */
export function thetaForecast(
  identity: ForecastIdentity,
  input: ForecastInput,
  horizon: number,
  levels: number[],
  period: number,
  how: FamilySelection,
): Forecast {
  const { values } = input;
  if (values.length < MINIMUM_THETA_LENGTH) throw insufficient(values.length, MINIMUM_THETA_LENGTH);
  const fit = fitTheta(values, { period });
  const steps = forecastTheta(fit, horizon, { levels });
  const model: ThetaForecastModel = {
    method: "Theta",
    name: "Theta",
    code: "theta",
    selection: how.selection,
    seasonalPeriod: period,
    seasonal: fit.seasonal,
    seasonalIndices: [...fit.seasonalIndices],
    alpha: fit.alpha,
    level: fit.level,
    drift: fit.drift,
    sigma2: fit.sigma2,
  };
  const forecast = assembleForecast({ identity, input, horizon, levels, intervalMethod: "analytic", model, steps });
  return how.validation ? { ...forecast, validation: how.validation } : forecast;
}

/**
 * Combines an ETS forecast and a Theta forecast of the same series and horizon: each point is the mean of the two,
 * and each interval is the envelope of the two models' intervals at that level (lower = the smaller lower bound,
 * upper = the larger upper bound), so it covers whenever either model's interval covers.
 *
 * @param ets - The engine's automatic ETS forecast.
 * @param theta - The Theta forecast.
 * @param how - Fixed or chosen by cross-validation.
 * @returns The combined forecast, under the ETS forecast's identity.
 */
export function combineEtsTheta(ets: Forecast, theta: Forecast, how: FamilySelection): Forecast {
  const etsModel = ets.model as EtsForecastModel;
  const thetaModel = theta.model as ThetaForecastModel;
  const model: CombinationForecastModel = {
    method: "Combination",
    name: `mean(${etsModel.averaging ? "ETS(averaged)" : etsModel.name}, Theta)`,
    code: "ets+theta",
    selection: how.selection,
    seasonalPeriod: etsModel.seasonalPeriod,
    components: [etsModel, thetaModel],
  };
  const points: ForecastPoint[] = ets.points.map((point, index) => {
    const other = theta.points[index] as ForecastPoint;
    return {
      step: point.step,
      timestamp: point.timestamp,
      value: (point.value + other.value) / 2,
      intervals: envelopeIntervals(point.intervals, [other]),
    };
  });
  const { calibration: _unused, ...rest } = ets;
  return { ...rest, model, points, ...(how.validation ? { validation: how.validation } : {}) };
}
