import { autoArima } from "./arima/auto-arima";
import type { ArimaFit } from "./arima/fit-arima";
import { forecastArima } from "./arima/forecast-arima";
import type { FamilySelection } from "./build-theta-forecast";
import { envelopeIntervals, meanOfThree, medianOfThree } from "./combine-points";
import { assembleForecast, type ForecastIdentity, type ForecastInput, insufficient } from "./forecast-parts";
import type {
  ArimaForecastModel,
  CombinationForecastModel,
  EnsembleValidation,
  EtsForecastModel,
  Forecast,
  ForecastPoint,
  ThetaForecastModel,
} from "./time-series-forecasting-engine-types";

/** Fewest points automatic ARIMA accepts. */
export const MINIMUM_ARIMA_LENGTH = 4;

/**
 * Chooses an ARIMA model as R's `auto.arima` (see `autoArima`).
 *
 * @param values - The series.
 * @param period - Seasonal period (1 = none).
 * @returns The fit and how many models the search tried.
 * @throws {PelbiotError} INSUFFICIENT_DATA with fewer than {@link MINIMUM_ARIMA_LENGTH} points or when no model fits.
 */
export function selectArima(values: Float64Array, period: number): { fit: ArimaFit; modelsTried: number } {
  if (values.length < MINIMUM_ARIMA_LENGTH) throw insufficient(values.length, MINIMUM_ARIMA_LENGTH);
  const selection = autoArima(values, { period });
  if (!selection) throw insufficient(values.length, values.length + 1);
  return { fit: selection.best, modelsTried: selection.candidates.length };
}

/**
 * Forecasts with a chosen ARIMA model and describes it.
 *
 * @param identity - Id, name, time and dropped-point count for the result.
 * @param input - The series.
 * @param horizon - Steps ahead.
 * @param levels - Interval levels, ascending.
 * @param chosen - From {@link selectArima}.
 * @returns The forecast, `intervalMethod: "analytic"`.
 */
export function arimaForecast(
  identity: ForecastIdentity,
  input: ForecastInput,
  horizon: number,
  levels: number[],
  chosen: { fit: ArimaFit; modelsTried: number },
): Forecast {
  const { fit, modelsTried } = chosen;
  const steps = forecastArima(fit, horizon, { levels });
  return assembleForecast({
    identity,
    input,
    horizon,
    levels,
    intervalMethod: "analytic",
    model: describeArima(fit, modelsTried),
    steps,
  });
}

/**
 * The public description of a fitted ARIMA model.
 *
 * @param fit - The model.
 * @param modelsTried - Models the search fitted.
 * @returns The model description.
 */
export function describeArima(fit: ArimaFit, modelsTried: number): ArimaForecastModel {
  const { p, d, q, seasonalP, seasonalD, seasonalQ, period } = fit.order;
  const seasonal = seasonalP + seasonalD + seasonalQ > 0 ? `(${seasonalP},${seasonalD},${seasonalQ})[${period}]` : "";
  const differences = d + seasonalD;
  const suffix = fit.constant
    ? differences === 0
      ? " with non-zero mean"
      : " with drift"
    : differences === 0
      ? " with zero mean"
      : "";
  const perStep = differences === 1 && seasonalD === 1 ? fit.mean / period : fit.mean;
  return {
    method: "ARIMA",
    name: `ARIMA(${p},${d},${q})${seasonal}${suffix}`,
    code: "arima",
    selection: "automatic",
    seasonalPeriod: period,
    order: { p, d, q, seasonalP, seasonalD, seasonalQ },
    constant: fit.constant,
    coefficients: {
      ar: [...fit.coefficients.ar],
      ma: [...fit.coefficients.ma],
      seasonalAr: [...fit.coefficients.seasonalAr],
      seasonalMa: [...fit.coefficients.seasonalMa],
    },
    intercept: fit.constant ? perStep : 0,
    sigma2: fit.sigma2,
    logLikelihood: fit.logLikelihood,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    modelsTried,
  };
}

/**
 * Combines ETS, ARIMA and Theta forecasts of the same series and horizon: each point is the mean (or the median) of
 * the three, and each interval the envelope of the three models' intervals at that level (it covers whenever one of
 * them covers, and it contains the mean and the median).
 *
 * @param ets - The engine's automatic ETS forecast.
 * @param arima - The ARIMA forecast.
 * @param theta - The Theta forecast.
 * @param how - Fixed, or chosen by cross-validation with the errors behind the choice; the statistic (default mean).
 * @returns The combined forecast, under the ETS forecast's identity.
 */
export function combineEtsArimaTheta(
  ets: Forecast,
  arima: Forecast,
  theta: Forecast,
  how: { selection: FamilySelection["selection"]; validation?: EnsembleValidation; statistic?: "mean" | "median" },
): Forecast {
  const median = how.statistic === "median";
  const etsModel = ets.model as EtsForecastModel;
  const arimaModel = arima.model as ArimaForecastModel;
  const thetaModel = theta.model as ThetaForecastModel;
  const model: CombinationForecastModel = {
    method: "Combination",
    name: `${median ? "median" : "mean"}(${etsModel.averaging ? "ETS(averaged)" : etsModel.name}, ${arimaModel.name}, Theta)`,
    code: median ? "median-ensemble" : "ets+arima+theta",
    selection: how.selection,
    seasonalPeriod: etsModel.seasonalPeriod,
    components: [etsModel, arimaModel, thetaModel],
  };
  const points: ForecastPoint[] = ets.points.map((point, index) => {
    const others = [arima.points[index] as ForecastPoint, theta.points[index] as ForecastPoint];
    return {
      step: point.step,
      timestamp: point.timestamp,
      value: (median ? medianOfThree : meanOfThree)(
        point.value,
        others[0]?.value as number,
        others[1]?.value as number,
      ),
      intervals: envelopeIntervals(point.intervals, others),
    };
  });
  const { calibration: _unused, validation: _previous, ...rest } = ets;
  return { ...rest, model, points, ...(how.validation ? { ensembleValidation: how.validation } : {}) };
}
