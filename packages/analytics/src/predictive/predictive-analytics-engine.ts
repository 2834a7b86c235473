import { createValidator, PelbiotError, toPelbiotError } from "@pelbiot/core";
import { type Forecast, TimeSeriesForecastingEngine } from "@pelbiot/ml";
import { analyzeTrend } from "./analyze-trend";
import { PersistedModels } from "./persisted-models";
import {
  checkLevels,
  checkModel,
  MAX_FORECAST_HORIZON,
  type PredictiveAnalyticsEngineOptions,
  type ResolvedPredictiveAnalyticsEngineOptions,
  resolvePredictiveAnalyticsEngineOptions,
} from "./predictive-analytics-engine-options";
import {
  fromSnapshot,
  type PredictiveAnalyticsEngineSnapshot,
  type StoredModel,
  toSnapshot,
} from "./predictive-analytics-engine-snapshot";
import type {
  MakePredictionOptions,
  Prediction,
  PredictivePoint,
  SeasonalityAnalysis,
  SeriesInput,
  TrainedModelInfo,
  TrainModelOptions,
  TrendAnalysis,
} from "./predictive-analytics-engine-types";
import { readPoints, readSeries } from "./read-series";
import { analyzeSeasonality } from "./seasonal-strength";

export type { PredictiveAnalyticsEngineOptions } from "./predictive-analytics-engine-options";
export type { PredictiveAnalyticsEngineSnapshot } from "./predictive-analytics-engine-snapshot";
export type {
  MakePredictionOptions,
  MannKendallResult,
  Prediction,
  PredictivePoint,
  SeasonalityAnalysis,
  SeriesInput,
  TrainedModelInfo,
  TrainModelOptions,
  TrendAnalysis,
  TrendDirection,
} from "./predictive-analytics-engine-types";

const MAX_POINTS = 10_000_000;
// Mann-Kendall and Sen's slope look at every pair of points: O(n²) time (and memory for Sen's slopes).
const MAX_TREND_POINTS = 5_000;

function checkModelId(check: ReturnType<typeof createValidator>, modelId: unknown): modelId is string {
  return check.string("modelId", modelId, { minLength: 1, maxLength: 200 });
}

/** Rethrows a failure of the forecasting engine under this engine's method name, keeping code and details. */
function rethrowAs(context: string, error: unknown): never {
  const failure = toPelbiotError(error);
  throw new PelbiotError(failure.code, `${context}: ${failure.message}`, {
    cause: failure,
    ...(failure.details === undefined ? {} : { details: failure.details }),
  });
}

/**
 * Sales forecasting, trend analysis and seasonality detection on top of `@pelbiot/ml`'s
 * `TimeSeriesForecastingEngine` (ETS, Theta and Holt-Winters with prediction intervals). `trainModel` fits a model
 * to historical data and keeps both; `makePrediction` adds recent data, refits the trained form and forecasts with
 * intervals; `calculateTrend` gives least-squares and Sen's slopes, the direction, the percent change and the
 * Mann-Kendall test; `detectSeasonality` gives the period and the STL seasonal strength.
 *
 * **Persistence.** Trained models are kept in the `storage` adapter (one record per model). The guide's calls stay
 * synchronous, so storage, which is asynchronous, is written behind: `trainModel`, a `makePrediction` that adds
 * data and `deleteModel` change memory at once and start a background write; `await save()` waits until every
 * change is stored (and rejects if one could not be); `await load()` reads the models that another engine or an
 * earlier process stored, and `await PredictiveAnalyticsEngine.open(options)` creates an engine and loads them. A
 * model trained elsewhere is `MODEL_NOT_FOUND` until `load()` has read it. `toJSON()` / `fromJSON()` still give a
 * snapshot of every model.
 *
 * @example
 * ```ts
 * const predictor = new PredictiveAnalyticsEngine();
 * predictor.trainModel("sales_forecast", historicalData);
 * const forecast = predictor.makePrediction("sales_forecast", recentData);
 * const trend = predictor.calculateTrend(data);
 * ```
 */
export class PredictiveAnalyticsEngine {
  readonly #options: ResolvedPredictiveAnalyticsEngineOptions;
  readonly #persisted: PersistedModels;

  /**
   * @param options - Defaults for the calls; see {@link PredictiveAnalyticsEngineOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid or unknown option.
   */
  constructor(options: PredictiveAnalyticsEngineOptions = {}) {
    this.#options = resolvePredictiveAnalyticsEngineOptions(options);
    const { storage, keyPrefix, logger } = this.#options;
    this.#persisted = new PersistedModels(storage, keyPrefix, logger);
  }

  /**
   * Creates an engine and loads the models stored in `options.storage`, ready for `makePrediction`.
   *
   * @param options - As for the constructor; `storage` is where the models are.
   * @returns The engine.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid or unknown option.
   * @throws {PelbiotError} STORAGE_ERROR when the storage cannot be read.
   * @example
   * ```ts
   * const predictor = await PredictiveAnalyticsEngine.open({ storage });
   * predictor.makePrediction("sales_forecast", recentData);
   * ```
   */
  static async open(options: PredictiveAnalyticsEngineOptions = {}): Promise<PredictiveAnalyticsEngine> {
    const engine = new PredictiveAnalyticsEngine(options);
    await engine.load();
    return engine;
  }

  /**
   * Reads the models kept in storage (trained by this engine earlier, another engine or another process). A stored
   * model replaces the one in memory unless this engine changed it and has not stored the change yet; a model this
   * engine had stored that is gone from storage (deleted by another engine) is dropped. A stored record that fails
   * its checks is skipped with a warning to the logger.
   *
   * @returns The descriptions of the models read, in id order.
   * @throws {PelbiotError} STORAGE_ERROR when the storage cannot be read.
   * @example
   * ```ts
   * const loaded = await predictor.load();
   * loaded.map((model) => model.modelId); // ["sales_forecast"]
   * ```
   */
  async load(): Promise<TrainedModelInfo[]> {
    try {
      const ids = await this.#persisted.load();
      return ids.map((id) => describe(this.#persisted.models.get(id) as StoredModel));
    } catch (error) {
      throw toPelbiotError(error, "STORAGE_ERROR");
    }
  }

  /**
   * Waits until every change to the trained models (training, predictions that added data, deletions) is in
   * storage. Background writes that failed are tried again here.
   *
   * @returns Nothing, once every change is stored.
   * @throws {PelbiotError} STORAGE_ERROR (or the adapter's own code) when a change could not be stored; it stays in
   * memory and the next `save()` tries again.
   * @example
   * ```ts
   * predictor.trainModel("sales_forecast", historicalData);
   * await predictor.save();
   * ```
   */
  async save(): Promise<void> {
    await this.#persisted.save();
  }

  /**
   * Fits a forecasting model to `historicalData` and stores it, with the data, under `modelId` (replacing a model
   * of the same id). With `model: "auto"` the ETS form is chosen by AICc; that form stays fixed for predictions.
   *
   * @param modelId - The model's name, e.g. `"sales_forecast"`.
   * @param historicalData - Evenly spaced points `{ timestamp, value }` in any order (a repeated timestamp keeps
   *   the later value); at least `minDataPoints`.
   * @param options - The model and seasonal period for this model.
   * @returns The trained model's description.
   * @throws {PelbiotError} INSUFFICIENT_DATA (`{ got, need }`) with too few points for the minimum or the model.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each bad point or option, or uneven spacing.
   * @example
   * ```ts
   * const info = predictor.trainModel("sales_forecast", historicalData, { model: "AAN" });
   * info.modelName; // "ETS(A,A,N)"
   * ```
   */
  trainModel(
    modelId: string,
    historicalData: readonly PredictivePoint[],
    options: TrainModelOptions = {},
  ): TrainedModelInfo {
    const context = "PredictiveAnalyticsEngine.trainModel";
    const check = createValidator(context);
    checkModelId(check, modelId);
    const series = readPoints(check, "historicalData", historicalData, MAX_POINTS);
    if (check.object("options", options)) {
      check.knownKeys("options", options, ["model", "seasonalPeriod"]);
      if (options.model !== undefined) checkModel(check, "options.model", options.model);
      if (options.seasonalPeriod !== undefined) {
        check.number("options.seasonalPeriod", options.seasonalPeriod, { integer: true, min: 1, max: 1_000 });
      }
    }
    check.done();
    const timestamps = series.timestamps ?? [];
    if (timestamps.length < this.#options.minDataPoints) {
      const details = { got: timestamps.length, need: this.#options.minDataPoints };
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `Insufficient training data for ${context}: got ${details.got} distinct timestamps, need at least ${details.need}`,
        { details },
      );
    }
    const keep = Math.max(0, timestamps.length - this.#options.maxHistoryPoints);
    const kept = { timestamps: timestamps.slice(keep), values: series.values.slice(keep) };
    const forecast = this.#forecast(context, modelId, kept, {
      model: options.model ?? this.#options.model,
      seasonalPeriod: options.seasonalPeriod,
      forecastHorizon: 1,
      levels: this.#options.levels,
    });
    const now = this.#options.clock.now();
    const model: StoredModel = {
      modelId,
      trainedAt: now,
      updatedAt: now,
      modelName: forecast.model.name,
      modelCode: forecast.model.code,
      seasonalPeriod: forecast.model.seasonalPeriod,
      ...kept,
    };
    this.#persisted.put(model, true);
    return describe(model);
  }

  /**
   * Adds `recentData` to a trained model's history (points at a timestamp already held replace its value), refits
   * the trained form on it and forecasts. The updated history is kept only when the forecast succeeds.
   *
   * @param modelId - A model trained by {@link PredictiveAnalyticsEngine.trainModel}.
   * @param recentData - New points `{ timestamp, value }`, continuing the history's spacing; may be empty.
   * @param options - Horizon and interval levels of this forecast.
   * @returns The forecast: per step a timestamp, a point forecast and one interval per level.
   * @throws {PelbiotError} MODEL_NOT_FOUND (`{ id }`) when no model has this id.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each bad point or option, or points off the spacing.
   * @example
   * ```ts
   * const forecast = predictor.makePrediction("sales_forecast", recentData, { forecastHorizon: 7 });
   * forecast.points[0]; // { step: 1, timestamp, value, intervals: [{ level: 80, lower, upper }, …] }
   * ```
   */
  makePrediction(
    modelId: string,
    recentData: readonly PredictivePoint[] = [],
    options: MakePredictionOptions = {},
  ): Prediction {
    const context = "PredictiveAnalyticsEngine.makePrediction";
    const check = createValidator(context);
    checkModelId(check, modelId);
    const recent = readPoints(check, "recentData", recentData, MAX_POINTS);
    if (check.object("options", options)) {
      check.knownKeys("options", options, ["forecastHorizon", "levels"]);
      if (options.forecastHorizon !== undefined) {
        check.number("options.forecastHorizon", options.forecastHorizon, {
          integer: true,
          min: 1,
          max: MAX_FORECAST_HORIZON,
        });
      }
      if (options.levels !== undefined) checkLevels(check, "options.levels", options.levels);
    }
    check.done();
    const model = this.#require(modelId);
    const merged = new Map<number, number>();
    for (const [index, timestamp] of model.timestamps.entries()) merged.set(timestamp, model.values[index] as number);
    let replaced = 0;
    (recent.timestamps ?? []).forEach((timestamp, index) => {
      if (merged.has(timestamp)) replaced += 1;
      merged.set(timestamp, recent.values[index] as number);
    });
    const added = merged.size - model.timestamps.length;
    const sorted = [...merged.keys()].sort((left, right) => left - right);
    const keep = Math.max(0, sorted.length - this.#options.maxHistoryPoints);
    const timestamps = sorted.slice(keep);
    const history = { timestamps, values: timestamps.map((timestamp) => merged.get(timestamp) as number) };
    const levels = options.levels ? [...options.levels].sort((left, right) => left - right) : this.#options.levels;
    const forecast = this.#forecast(context, modelId, history, {
      model: model.modelCode,
      seasonalPeriod: model.seasonalPeriod,
      forecastHorizon: options.forecastHorizon ?? this.#options.forecastHorizon,
      levels,
    });
    const now = this.#options.clock.now();
    if (added > 0 || replaced > 0) this.#persisted.put({ ...model, ...history, updatedAt: now }, false);
    return {
      modelId,
      createdAt: now,
      modelName: forecast.model.name,
      trainingPoints: forecast.trainingPoints,
      addedPoints: added,
      replacedPoints: replaced,
      levels: forecast.levels,
      points: forecast.points,
    };
  }

  /**
   * The trend of a series: least-squares and Sen's slopes (per observation), the Mann-Kendall test (S, var(S),
   * tau, z, two-sided p-value with tie and continuity corrections, as R's `Kendall::MannKendall`), the direction
   * (significant at `significanceLevel`, else `no_trend`) and the percent change along Sen's line.
   *
   * @param data - At least 3 and at most 5000 values, oldest first, or points `{ timestamp, value }` (sorted by time).
   * @returns The analysis.
   * @throws {PelbiotError} INSUFFICIENT_DATA (`{ got, need }`) with fewer than 3 values.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each bad value or point.
   * @example
   * ```ts
   * const trend = predictor.calculateTrend([10, 12, 11, 14, 15, 17]);
   * trend.direction; // "increasing"
   * ```
   */
  calculateTrend(data: SeriesInput): TrendAnalysis {
    const check = createValidator("PredictiveAnalyticsEngine.calculateTrend");
    const { values } = readSeries(check, "data", data, MAX_TREND_POINTS);
    check.done();
    if (values.length < 3) throw insufficient("calculateTrend", values.length, 3);
    return analyzeTrend(values, this.#options.significanceLevel);
  }

  /**
   * The seasonality of a series: its period (given, or detected from the autocorrelation of the differences) and
   * the strengths of season and trend from an STL decomposition (FPP3 §4.3).
   *
   * @param data - Values, oldest first, or points `{ timestamp, value }`; evenly spaced.
   * @param options - `period` fixes the period instead of detecting it.
   * @returns Period, strengths and whether the series counts as seasonal.
   * @throws {PelbiotError} INSUFFICIENT_DATA (`{ got, need }`) with fewer than 4 values.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each bad value, point or option.
   * @example
   * ```ts
   * const { period, strength } = predictor.detectSeasonality(monthlySales); // e.g. 12, 0.93
   * ```
   */
  detectSeasonality(data: SeriesInput, options: { period?: number | undefined } = {}): SeasonalityAnalysis {
    const check = createValidator("PredictiveAnalyticsEngine.detectSeasonality");
    const { values } = readSeries(check, "data", data, MAX_POINTS);
    if (check.object("options", options)) {
      check.knownKeys("options", options, ["period"]);
      if (options.period !== undefined) {
        check.number("options.period", options.period, { integer: true, min: 1, max: 1_000 });
      }
    }
    check.done();
    if (values.length < 4) throw insufficient("detectSeasonality", values.length, 4);
    try {
      return analyzeSeasonality(values, {
        period: options.period,
        maxPeriod: this.#options.maxPeriod,
        minSeasonalStrength: this.#options.minSeasonalStrength,
      });
    } catch (error) {
      rethrowAs("PredictiveAnalyticsEngine.detectSeasonality", error);
    }
  }

  /**
   * Describes a trained model.
   *
   * @param modelId - The model's id.
   * @returns The description.
   * @throws {PelbiotError} MODEL_NOT_FOUND when no model has this id.
   * @example
   * ```ts
   * predictor.getModel("sales_forecast").points;
   * ```
   */
  getModel(modelId: string): TrainedModelInfo {
    const check = createValidator("PredictiveAnalyticsEngine.getModel");
    checkModelId(check, modelId);
    check.done();
    return describe(this.#require(modelId));
  }

  /**
   * Lists the trained models, in training order.
   *
   * @returns Their descriptions.
   * @example
   * ```ts
   * predictor.listModels().map((model) => model.modelId);
   * ```
   */
  listModels(): TrainedModelInfo[] {
    return [...this.#persisted.models.values()].map(describe);
  }

  /**
   * Forgets a trained model and its data.
   *
   * @param modelId - The model's id.
   * @returns `true` when a model was removed.
   * @example
   * ```ts
   * predictor.deleteModel("sales_forecast"); // true
   * ```
   */
  deleteModel(modelId: string): boolean {
    const check = createValidator("PredictiveAnalyticsEngine.deleteModel");
    checkModelId(check, modelId);
    check.done();
    return this.#persisted.remove(modelId);
  }

  /**
   * Serialises the trained models with their data, `{ format: "pelbiot.analytics.PredictiveAnalyticsEngine",
   * version: 1, models }`; options are not included (give them again to `fromJSON`).
   *
   * @returns Plain JSON data for {@link PredictiveAnalyticsEngine.fromJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(predictor);
   * ```
   */
  toJSON(): PredictiveAnalyticsEngineSnapshot {
    return toSnapshot(this.#persisted.models.values());
  }

  /**
   * Rebuilds an engine from {@link PredictiveAnalyticsEngine.toJSON} output, as an object or JSON text.
   *
   * @param json - The snapshot.
   * @param options - The restored engine's options; with a `storage`, the models are written to it in the background
   * (`await save()` to wait).
   * @returns An engine holding the same trained models, ready for `makePrediction`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or a bad field, with its path.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot written by a newer release.
   * @example
   * ```ts
   * const restored = PredictiveAnalyticsEngine.fromJSON(text);
   * restored.makePrediction("sales_forecast", recentData);
   * ```
   */
  static fromJSON(json: unknown, options: PredictiveAnalyticsEngineOptions = {}): PredictiveAnalyticsEngine {
    const engine = new PredictiveAnalyticsEngine(options);
    for (const model of fromSnapshot(json)) engine.#persisted.put(model, true);
    return engine;
  }

  #require(modelId: string): StoredModel {
    const model = this.#persisted.models.get(modelId);
    if (model === undefined) {
      throw new PelbiotError(
        "MODEL_NOT_FOUND",
        `No trained model "${modelId}"; call trainModel("${modelId}", …) first, or await load() for a model stored ` +
          "by another engine",
        {
          details: { id: modelId },
        },
      );
    }
    return model;
  }

  #forecast(
    context: string,
    modelId: string,
    series: { timestamps: readonly number[]; values: readonly number[] },
    call: { model: string; seasonalPeriod: number | undefined; forecastHorizon: number; levels: readonly number[] },
  ): Forecast {
    // A fresh forecasting engine per call: it keeps every forecast it makes, and this engine keeps only models.
    const forecaster = new TimeSeriesForecastingEngine({ clock: this.#options.clock, minDataPoints: 2 });
    const points = series.timestamps.map((timestamp, index) => ({ timestamp, value: series.values[index] as number }));
    try {
      return forecaster.generateForecast(modelId, points, {
        model: call.model,
        forecastHorizon: call.forecastHorizon,
        levels: call.levels,
        ...(call.seasonalPeriod === undefined ? {} : { seasonalPeriod: call.seasonalPeriod }),
      });
    } catch (error) {
      rethrowAs(context, error);
    }
  }
}

function insufficient(method: string, got: number, need: number): PelbiotError {
  return new PelbiotError(
    "INSUFFICIENT_DATA",
    `Insufficient data for PredictiveAnalyticsEngine.${method}: got ${got} values, need at least ${need}`,
    { details: { got, need } },
  );
}

function describe(model: StoredModel): TrainedModelInfo {
  return {
    modelId: model.modelId,
    trainedAt: model.trainedAt,
    updatedAt: model.updatedAt,
    points: model.timestamps.length,
    lastTimestamp: model.timestamps[model.timestamps.length - 1] as number,
    modelName: model.modelName,
    modelCode: model.modelCode,
    seasonalPeriod: model.seasonalPeriod,
  };
}
