import { createIdGenerator, createValidator, type IdGenerator, PelbiotError, toPelbiotError } from "@pelbiot/core";
import { type TimeSeriesPoint, toTimeSeries } from "../series/time-series";
import { buildForecast } from "./build-forecast";
import { type ForecastInput, insufficient } from "./forecast-parts";
import { inferSpacing } from "./infer-spacing";
import {
  type GenerateForecastOptions,
  type ResolvedForecastingOptions,
  resolveForecastCall,
  resolveTimeSeriesForecastingEngineOptions,
  type TimeSeriesForecastingEngineOptions,
} from "./time-series-forecasting-engine-options";
import {
  fromForecastingSnapshot,
  type TimeSeriesForecastingEngineJson,
  toForecastingSnapshot,
} from "./time-series-forecasting-engine-snapshot";
import type { Forecast } from "./time-series-forecasting-engine-types";

export type {
  CalibrationOptions,
  GenerateForecastOptions,
  TimeSeriesForecastingEngineOptions,
} from "./time-series-forecasting-engine-options";
export type { TimeSeriesForecastingEngineJson } from "./time-series-forecasting-engine-snapshot";
export type {
  ArimaForecastModel,
  CombinationForecastModel,
  DriftForecastModel,
  EnsembleMember,
  EnsembleValidation,
  EtsForecastModel,
  Forecast,
  ForecastInterval,
  ForecastModel,
  ForecastPoint,
  HoltWintersForecastModel,
  ModelValidation,
  ThetaForecastModel,
} from "./time-series-forecasting-engine-types";

const CONTEXT = "TimeSeriesForecastingEngine.generateForecast";

/**
 * Forecasts time series with the ETS family of exponential smoothing models (Hyndman et al. 2008, as R's
 * `forecast::ets`): the form is chosen by AICc (or fixed by the caller), fitted by maximum likelihood, and each step
 * comes with prediction intervals: analytic for linear models, seeded simulation otherwise. `model: "theta"` gives
 * the Theta method (R's `thetaf`), `"ets+theta"` the mean of ETS and Theta, and `"auto-cv"` picks one of the three
 * by rolling-origin cross-validation on the training data. `"arima"` is automatic ARIMA (R's `auto.arima`),
 * `"ets+arima+theta"` the mean of ETS, ARIMA and Theta, `"auto-ensemble"` that mean or ETS, by cross-validation,
 * `"median-ensemble"` the median of ETS, ARIMA and Theta, and `"validated-ensemble"` a combination of ETS, ARIMA,
 * Theta and a random walk with drift fixed per seasonal period by validation on training data. Timestamps of the forecast continue the input's regular
 * spacing (fixed, or calendar months).
 *
 * @example
 * ```ts
 * const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 168, minDataPoints: 100 });
 * const forecast = forecaster.generateForecast("cpu_usage", historicalData);
 * const details = forecaster.getForecast(forecast.forecastId);
 * details.points[0]; // { step: 1, timestamp, value, intervals: [{ level: 80, … }, { level: 95, … }] }
 * ```
 */
export class TimeSeriesForecastingEngine {
  readonly #options: ResolvedForecastingOptions;
  readonly #ids: IdGenerator;
  readonly #forecasts = new Map<string, Forecast>();

  /**
   * @param options - Defaults for every call; see {@link TimeSeriesForecastingEngineOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid or unknown option.
   */
  constructor(options: TimeSeriesForecastingEngineOptions = {}) {
    this.#options = resolveTimeSeriesForecastingEngineOptions(options);
    this.#ids = createIdGenerator({ prefix: "fc", clock: this.#options.clock });
  }

  /**
   * Fits a model to `historicalData` and forecasts it, storing the result under a new id.
   *
   * @param name - The series' name, e.g. `"cpu_usage"`.
   * @param historicalData - Evenly spaced points `{ timestamp, value }` (epoch ms, ISO string or Date), oldest first;
   *   out-of-order points follow the `outOfOrder` policy and are counted in the forecast's `droppedPoints`.
   * @param options - Per-call overrides: horizon, minimum points, levels, model form, seasonal period, seed, policy.
   * @returns The forecast, with its `forecastId`.
   * @throws {PelbiotError} INSUFFICIENT_DATA "Insufficient training data: got N, need at least M" (details
   *   `{ got, need }`) when there are too few points (for the minimum, or for the fixed model's parameters).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for bad points (index named), irregular or gapped timestamps,
   *   unknown model codes or options, a multiplicative model on data that are not all positive, invalid options, or
   *   a level a simulated interval cannot resolve.
   * @example
   * ```ts
   * const forecast = forecaster.generateForecast("sales", monthly, { forecastHorizon: 12, model: "MAdM" });
   * ```
   */
  generateForecast(
    name: string,
    historicalData: readonly TimeSeriesPoint[],
    options: GenerateForecastOptions = {},
  ): Forecast {
    const call = resolveForecastCall(this.#options, name, options, historicalData);
    if (historicalData.length < call.minDataPoints) throw insufficient(historicalData.length, call.minDataPoints);
    const series = toTimeSeries(historicalData, {
      minLength: 2,
      path: "historicalData",
      context: CONTEXT,
      outOfOrder: call.outOfOrder,
    });
    if (series.values.length < call.minDataPoints) throw insufficient(series.values.length, call.minDataPoints);
    const input: ForecastInput = {
      values: series.values,
      spacing: spacingOf(series.timestamps, series.sourceIndices),
      lastTimestamp: series.timestamps[series.timestamps.length - 1] as number,
    };
    const identity = {
      forecastId: this.#ids.next(),
      name,
      createdAt: this.#options.clock.now(),
      droppedPoints: series.droppedPoints,
    };
    let forecast: Forecast;
    try {
      forecast = buildForecast(identity, input, call, this.#options.simulationPaths);
    } catch (error) {
      throw toPelbiotError(error);
    }
    this.#forecasts.set(forecast.forecastId, forecast);
    return structuredClone(forecast);
  }

  /**
   * Returns a stored forecast.
   *
   * @param forecastId - An id returned by {@link TimeSeriesForecastingEngine.generateForecast}.
   * @returns A copy of the forecast.
   * @throws {PelbiotError} NOT_FOUND when no forecast has this id.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the id is not a non-empty string.
   * @example
   * ```ts
   * const details = forecaster.getForecast(forecast.forecastId);
   * ```
   */
  getForecast(forecastId: string): Forecast {
    const check = createValidator("TimeSeriesForecastingEngine.getForecast");
    check.string("forecastId", forecastId);
    check.done();
    const forecast = this.#forecasts.get(forecastId);
    if (!forecast) {
      throw new PelbiotError(
        "NOT_FOUND",
        `Forecast not found: "${forecastId}"; use an id returned by generateForecast`,
        {
          details: { id: forecastId, forecastId },
        },
      );
    }
    return structuredClone(forecast);
  }

  /**
   * Lists stored forecasts, oldest first, optionally for one series name.
   *
   * @param name - Only forecasts of this series.
   * @returns Copies of the forecasts.
   * @example
   * ```ts
   * forecaster.listForecasts("cpu_usage").length;
   * ```
   */
  listForecasts(name?: string): Forecast[] {
    const all = [...this.#forecasts.values()];
    return structuredClone(name === undefined ? all : all.filter((forecast) => forecast.name === name));
  }

  /**
   * Serialises the engine's options and every stored forecast (fitted model included) as plain JSON data,
   * `{ format: "pelbiot.ml.TimeSeriesForecastingEngine", version: 1, options, forecasts }`.
   *
   * @returns Data for {@link TimeSeriesForecastingEngine.fromJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(forecaster);
   * const restored = TimeSeriesForecastingEngine.fromJSON(text);
   * ```
   */
  toJSON(): TimeSeriesForecastingEngineJson {
    return toForecastingSnapshot(this.#options, this.#forecasts.values());
  }

  /**
   * Rebuilds an engine from {@link TimeSeriesForecastingEngine.toJSON} output, as an object or JSON text; snapshots
   * of the previous release (`{ version: 1, options, forecasts }` without a format) are read too.
   *
   * @param json - The serialised engine.
   * @param options - A clock for the restored engine.
   * @returns The engine, holding the same forecasts under the same ids.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `json` is not an engine snapshot, naming each bad field.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot written by a newer release.
   * @example
   * ```ts
   * const restored = TimeSeriesForecastingEngine.fromJSON(JSON.parse(text));
   * ```
   */
  static fromJSON(
    json: unknown,
    options: Pick<TimeSeriesForecastingEngineOptions, "clock"> = {},
  ): TimeSeriesForecastingEngine {
    const snapshot = fromForecastingSnapshot(json);
    const engine = new TimeSeriesForecastingEngine({
      ...(snapshot.options as TimeSeriesForecastingEngineOptions),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    for (const entry of snapshot.forecasts) engine.#forecasts.set(entry.forecastId, entry);
    return engine;
  }
}

// Points that repeat a timestamp ("accept") share its slot: the spacing is read from the distinct timestamps.
function spacingOf(timestamps: Float64Array, sourceIndices: Int32Array | undefined) {
  const distinct: number[] = [];
  const sources: number[] = [];
  for (let index = 0; index < timestamps.length; index += 1) {
    if (timestamps[index] === distinct.at(-1)) continue;
    distinct.push(timestamps[index] as number);
    sources.push(sourceIndices ? (sourceIndices[index] as number) : index);
  }
  if (distinct.length < 2) {
    throw insufficient(distinct.length, 2);
  }
  return inferSpacing(Float64Array.from(distinct), "historicalData", CONTEXT, (index) => sources[index] as number);
}
