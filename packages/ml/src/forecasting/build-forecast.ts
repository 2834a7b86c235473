import { PelbiotError, PelbiotValidationError } from "@pelbiot/core";
import { crossValidateEnsemble } from "./arima/cross-validate-ensemble";
import { type BacktestCoverage, backtestCoverage, minimumEtsLength } from "./backtest-coverage";
import { arimaForecast, combineEtsArimaTheta, selectArima } from "./build-arima-forecast";
import { combineEtsTheta, type FamilySelection, thetaForecast } from "./build-theta-forecast";
import { combineValidatedEnsemble, driftComponent } from "./build-validated-ensemble";
import { detectSeasonalPeriod } from "./detect-seasonal-period";
import { akaikeWeights, combineEts } from "./ets/combine-ets";
import { type EtsForm, formatEtsForm } from "./ets/ets-form";
import { type EtsFit, fitEts } from "./ets/fit-ets";
import { forecastEts } from "./ets/forecast-ets";
import { MAX_ETS_PERIOD, selectEts } from "./ets/select-ets";
import { assembleForecast, type ForecastIdentity, type ForecastInput, insufficient } from "./forecast-parts";
import { fitHoltWinters, type HoltWintersSeasonal } from "./holt-winters/fit-holt-winters";
import { forecastHoltWinters } from "./holt-winters/forecast-holt-winters";
import type { Spacing } from "./infer-spacing";
import { crossValidateFamilies, type ForecastFamily } from "./theta/cross-validate-families";
import type { CalibrationOptions, ResolvedForecastCall } from "./time-series-forecasting-engine-options";
import type { EtsForecastModel, Forecast, HoltWintersForecastModel } from "./time-series-forecasting-engine-types";

const CONTEXT = "TimeSeriesForecastingEngine.generateForecast";

/**
 * Fits the model the call asks for (ETS by AICc, a fixed ETS form, or classic Holt-Winters) and forecasts.
 *
 * @param identity - Id, name, time and dropped-point count for the result.
 * @param input - The series.
 * @param call - The call's validated settings.
 * @param simulationPaths - Paths for simulated intervals.
 * @returns The forecast.
 * @throws {PelbiotError} INSUFFICIENT_DATA with details `{ got, need }` when the model needs more points.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the model does not suit the data.
 */
export function buildForecast(
  identity: ForecastIdentity,
  input: ForecastInput,
  call: ResolvedForecastCall,
  simulationPaths: number,
): Forecast {
  const { values, spacing } = input;
  const { form, holtWinters, forecastHorizon, seed, calibration, modelAveraging } = call;
  const sortedLevels = call.levels;
  const period = call.seasonalPeriod ?? periodFromSpacing(spacing) ?? detectSeasonalPeriod(values);
  if (
    call.family === "arima" ||
    call.family === "ets+arima+theta" ||
    call.family === "auto-ensemble" ||
    call.family === "median-ensemble" ||
    call.family === "validated-ensemble"
  ) {
    return ensembleForecast(identity, input, { ...call, seasonalPeriod: period }, period, simulationPaths);
  }
  if (call.family !== "ets") {
    let family: ForecastFamily = call.family === "auto-cv" ? "ets" : call.family;
    let how: FamilySelection = { selection: "fixed" };
    if (call.family === "auto-cv") {
      const validation = crossValidateFamilies(values, period, forecastHorizon);
      family = validation.choice;
      how = {
        selection: "cross-validation",
        validation: { ...validation, errors: { ...validation.errors } },
      };
    }
    const theta = () => thetaForecast(identity, input, forecastHorizon, sortedLevels, period, how);
    if (family === "theta") return theta();
    const ets = buildForecast(
      identity,
      input,
      { ...call, family: "ets", seasonalPeriod: period, form: undefined, holtWinters: undefined },
      simulationPaths,
    );
    if (family === "ets") return how.validation ? { ...ets, validation: how.validation } : ets;
    return combineEtsTheta(ets, theta(), how);
  }
  if (holtWinters) {
    return holtWintersForecast(identity, input, holtWinters, period, forecastHorizon, sortedLevels);
  }
  let fit: EtsFit;
  let candidates: { code: string; aicc: number; weight: number }[] = [];
  let combinable: EtsFit[] = [];
  if (form) {
    fit = fitFixedForm(values, form, period);
  } else {
    const selection = selectEts(values, { period });
    // Only fails when even ETS(A,N,N) has no finite AICc: its 3 estimated quantities need n ≥ 5.
    if (!selection) throw insufficient(values.length, Math.max(5, values.length + 1));
    fit = selection.best;
    const weights = akaikeWeights(selection.candidates.map((candidate) => candidate.aicc));
    candidates = selection.candidates.map((candidate, index) => ({
      code: codeOf(candidate.form),
      aicc: candidate.aicc,
      weight: weights[index] as number,
    }));
    if (modelAveraging !== false) combinable = selection.candidates.map((candidate) => candidate.fit);
  }
  const combination =
    combinable.length > 1
      ? combineEts(combinable, forecastHorizon, { levels: sortedLevels, seed, paths: simulationPaths })
      : undefined;
  const averaged = combination !== undefined && combination.components.length > 1;
  const projection =
    combination ??
    forecastEts(fit, forecastHorizon, {
      levels: sortedLevels,
      seed,
      paths: simulationPaths,
    });
  let report: BacktestCoverage | undefined;
  if (calibration !== false) {
    const settings: CalibrationOptions = calibration;
    const backtestHorizon = settings.horizon ?? Math.min(forecastHorizon, Math.max(fit.period, 6));
    report = backtestCoverage(values, fit.form, fit.period, {
      origins: settings.origins ?? 5,
      horizon: backtestHorizon,
      levels: sortedLevels,
      seed,
      paths: simulationPaths,
    });
    if (!report) {
      throw insufficient(values.length, minimumEtsLength(fit.form, fit.period) + backtestHorizon);
    }
  }
  const model: EtsForecastModel = {
    method: "ETS",
    name: formatEtsForm(fit.form),
    code: codeOf(fit.form),
    form: { ...fit.form },
    selection: form ? "fixed" : "automatic",
    seasonalPeriod: fit.period,
    parameters: { ...fit.parameters },
    initialState: { ...fit.initialState, seasonal: [...fit.initialState.seasonal] },
    finalState: { ...fit.finalState, seasonal: [...fit.finalState.seasonal] },
    sigma2: fit.sigma2,
    logLikelihood: fit.logLikelihood,
    aic: fit.aic,
    aicc: fit.aicc,
    bic: fit.bic,
    parameterCount: fit.parameterCount,
    candidates,
    ...(averaged
      ? {
          averaging: {
            components: combination.components.map((component) => ({
              code: codeOf(component.fit.form),
              name: formatEtsForm(component.fit.form),
              weight: component.weight,
            })),
          },
        }
      : {}),
  };
  const forecast = assembleForecast({
    identity,
    input,
    horizon: forecastHorizon,
    levels: sortedLevels,
    intervalMethod: projection.intervalMethod,
    model,
    steps: projection.steps,
  });
  return report ? { ...forecast, calibration: report } : forecast;
}

// ARIMA alone, the ETS+ARIMA+Theta mean or median, ("auto-ensemble") the mean or ETS by cross-validation, or
// ("validated-ensemble") the rule of the seasonal period over ETS, ARIMA, Theta and the drift.
function ensembleForecast(
  identity: ForecastIdentity,
  input: ForecastInput,
  call: ResolvedForecastCall,
  period: number,
  simulationPaths: number,
): Forecast {
  const { values } = input;
  const { forecastHorizon, levels } = call;
  const chosen = selectArima(values, period);
  const arima = arimaForecast(identity, input, forecastHorizon, levels, chosen);
  if (call.family === "arima") return arima;
  const ets = buildForecast(
    identity,
    input,
    { ...call, family: "ets", form: undefined, holtWinters: undefined },
    simulationPaths,
  );
  if (call.family === "auto-ensemble") {
    const validation = crossValidateEnsemble(values, period, forecastHorizon, chosen.fit);
    const copy = { ...validation, errors: { ...validation.errors } };
    if (validation.choice === "ets") return { ...ets, ensembleValidation: copy };
    const theta = thetaForecast(identity, input, forecastHorizon, levels, period, { selection: "fixed" });
    return combineEtsArimaTheta(ets, arima, theta, { selection: "cross-validation", validation: copy });
  }
  const theta = thetaForecast(identity, input, forecastHorizon, levels, period, { selection: "fixed" });
  if (call.family === "validated-ensemble") {
    return combineValidatedEnsemble(ets, arima, theta, driftComponent(values, forecastHorizon, levels, period), period);
  }
  const statistic = call.family === "median-ensemble" ? "median" : "mean";
  return combineEtsArimaTheta(ets, arima, theta, { selection: "fixed", statistic });
}

function holtWintersForecast(
  identity: ForecastIdentity,
  input: ForecastInput,
  seasonality: HoltWintersSeasonal,
  period: number,
  horizon: number,
  levels: number[],
): Forecast {
  const { values } = input;
  const code = seasonality === "additive" ? "HW-additive" : "HW-multiplicative";
  if (period < 2) {
    throw new PelbiotValidationError(
      [
        {
          path: "options.model",
          message: `${code} is seasonal but the series has no seasonal period; pass options.seasonalPeriod (2 to ${MAX_ETS_PERIOD})`,
        },
      ],
      CONTEXT,
    );
  }
  if (seasonality === "multiplicative") {
    const index = values.findIndex((value) => !(value > 0));
    if (index >= 0) {
      throw new PelbiotValidationError(
        [
          {
            path: "options.model",
            message: `${code} needs strictly positive data, but historicalData.${index}.value is ${values[index]}; use "HW-additive"`,
          },
        ],
        CONTEXT,
      );
    }
  }
  // Start values use two full seasons; the recursions need at least one point after them.
  if (values.length < 2 * period + 1) throw insufficient(values.length, 2 * period + 1);
  const fit = fitHoltWinters(values, { period, seasonal: seasonality });
  const steps = forecastHoltWinters(fit, horizon, { levels });
  const model: HoltWintersForecastModel = {
    method: "HoltWinters",
    name: `HoltWinters(${seasonality})`,
    code,
    selection: "fixed",
    seasonality,
    seasonalPeriod: period,
    parameters: { ...fit.parameters },
    level: fit.level,
    trend: fit.trend,
    seasonal: [...fit.seasonal],
    sse: fit.sse,
    residualVariance: fit.residualVariance,
  };
  return assembleForecast({ identity, input, horizon, levels, intervalMethod: "analytic", model, steps });
}

function fitFixedForm(values: Float64Array, form: EtsForm, period: number): EtsFit {
  const needsPositive = form.error === "M" || form.season === "M";
  if (needsPositive) {
    const index = values.findIndex((value) => !(value > 0));
    if (index >= 0) {
      throw new PelbiotValidationError(
        [
          {
            path: "options.model",
            message: `${formatEtsForm(form)} is multiplicative and needs strictly positive data, but historicalData.${index}.value is ${values[index]}; use an additive form such as "AAN" or "ANA"`,
          },
        ],
        CONTEXT,
      );
    }
  }
  if (form.season !== "N" && period < 2) {
    throw new PelbiotValidationError(
      [
        {
          path: "options.model",
          message: `${formatEtsForm(form)} is seasonal but the series has no seasonal period; pass options.seasonalPeriod (2 to ${MAX_ETS_PERIOD})`,
        },
      ],
      CONTEXT,
    );
  }
  const needed = minimumEtsLength(form, period);
  if (values.length < needed) throw insufficient(values.length, needed);
  const fit = fitEts(values, form, { period });
  if (!fit) {
    throw new PelbiotError(
      "INSUFFICIENT_DATA",
      `${formatEtsForm(form)} could not be fitted to these ${values.length} points (no admissible starting point); try model "auto"`,
      { details: { got: values.length, need: values.length + 1 } },
    );
  }
  return fit;
}

/**
 * The INSUFFICIENT_DATA error of the guide: "Insufficient training data: got N, need at least M".
 *
 * @param got - Points given.
 * @param need - Points needed.
 * @returns The error, details `{ got, need }`.
 */

function codeOf(form: EtsForm): string {
  return `${form.error}${form.trend}${form.season}`;
}

function periodFromSpacing(spacing: Spacing): number | undefined {
  if (spacing.kind === "months") {
    if (spacing.months === 1) return 12;
    if (spacing.months === 3) return 4;
    if (spacing.months === 12) return 1;
    return undefined;
  }
  if (spacing.milliseconds === 3_600_000) return 24;
  if (spacing.milliseconds === 86_400_000) return 7;
  return undefined;
}
