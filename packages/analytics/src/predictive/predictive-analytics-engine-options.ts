import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { FORECAST_MODEL_NAMES, parseEtsForm } from "@pelbiot/ml";

const NAMED_MODELS: readonly string[] = FORECAST_MODEL_NAMES;

/**
 * Records an issue when `model` names no forecasting model of `TimeSeriesForecastingEngine`.
 *
 * @param check - The validator of the call.
 * @param path - The option's dot-path.
 * @param model - The value to check.
 * @returns Whether the value is valid.
 */
export function checkModel(check: Validator, path: string, model: unknown): model is string {
  if (!check.string(path, model, { minLength: 1, maxLength: 40 })) return false;
  return check.check(
    NAMED_MODELS.includes(model) || parseEtsForm(model) !== undefined,
    path,
    `must name a forecasting model: ${NAMED_MODELS.join(", ")}, or an ETS code such as "AAN" or "ETS(M,Ad,M)"`,
  );
}

/** Options of {@link PredictiveAnalyticsEngine}. */
export interface PredictiveAnalyticsEngineOptions {
  /** Steps `makePrediction` forecasts when the call does not say. @default 30 */
  forecastHorizon?: number | undefined;
  /** Fewest observations `trainModel` accepts. @default 10 */
  minDataPoints?: number | undefined;
  /** Prediction-interval levels in percent, each strictly between 0 and 100. @default [80, 95] */
  levels?: readonly number[] | undefined;
  /** The forecasting model `trainModel` fits (see `TrainModelOptions.model`). @default "auto" */
  model?: string | undefined;
  /** Newest observations kept per model as predictions add data. @default 10000 */
  maxHistoryPoints?: number | undefined;
  /** Significance level of the Mann-Kendall test in `calculateTrend`. @default 0.05 */
  significanceLevel?: number | undefined;
  /** Seasonal strength from which `detectSeasonality` reports `seasonal: true`. @default 0.5 */
  minSeasonalStrength?: number | undefined;
  /** Longest period `detectSeasonality` looks for. @default 24 */
  maxPeriod?: number | undefined;
  /**
   * Where trained models are kept, one record per model (`<keyPrefix>models:<modelId>`). Training, a prediction
   * that adds data and `deleteModel` write in the background; `await save()` waits until every change is stored,
   * and `await load()` (or `PredictiveAnalyticsEngine.open`) reads the models another engine stored.
   * @default a private createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * Prepended to every storage key, so several engines can share one adapter.
   * @default "analytics:predictive:"
   */
  keyPrefix?: string | undefined;
  /** Source of `trainedAt`, `updatedAt` and `createdAt`. @default systemClock */
  clock?: Clock | undefined;
  /**
   * Receives a warning when a background save fails (the model stays in memory and is written by the next save) or
   * `load()` skips a damaged stored model.
   * @default noopLogger
   */
  logger?: Logger | undefined;
}

/** The options with every default applied. */
export interface ResolvedPredictiveAnalyticsEngineOptions {
  /** Steps `makePrediction` forecasts when the call does not say. */
  readonly forecastHorizon: number;
  /** Fewest observations `trainModel` accepts. */
  readonly minDataPoints: number;
  /** Prediction-interval levels in percent, each strictly between 0 and 100. */
  readonly levels: readonly number[];
  /** The forecasting model `trainModel` fits (see `TrainModelOptions.model`). */
  readonly model: string;
  /** Newest observations kept per model as predictions add data. */
  readonly maxHistoryPoints: number;
  /** Significance level of the Mann-Kendall test in `calculateTrend`. */
  readonly significanceLevel: number;
  /** Seasonal strength from which `detectSeasonality` reports `seasonal: true`. */
  readonly minSeasonalStrength: number;
  /** Longest period `detectSeasonality` looks for. */
  readonly maxPeriod: number;
  /** Where trained models are kept, one record per model (`<keyPrefix>models:<modelId>`). */
  readonly storage: StorageAdapter;
  /** Prepended to every storage key, so several engines can share one adapter. */
  readonly keyPrefix: string;
  /** Source of `trainedAt`, `updatedAt` and `createdAt`. */
  readonly clock: Clock;
  /**
   * Receives a warning when a background save fails (the model stays in memory and is written by the next save) or
   * `load()` skips a damaged stored model.
   */
  readonly logger: Logger;
}

/** Every option key the constructor accepts. */
export const PREDICTIVE_ANALYTICS_ENGINE_OPTION_KEYS: readonly (keyof PredictiveAnalyticsEngineOptions)[] =
  Object.freeze([
    "forecastHorizon",
    "minDataPoints",
    "levels",
    "model",
    "maxHistoryPoints",
    "significanceLevel",
    "minSeasonalStrength",
    "maxPeriod",
    "storage",
    "keyPrefix",
    "clock",
    "logger",
  ]);

/** Longest forecast horizon accepted. */
export const MAX_FORECAST_HORIZON = 10_000;

/**
 * Records issues of a list of interval levels under `path`.
 *
 * @param check - The validator of the call.
 * @param path - The levels' dot-path.
 * @param levels - The value to check.
 * @returns Whether the value is valid.
 */
export function checkLevels(check: Validator, path: string, levels: unknown): levels is readonly number[] {
  if (!check.array(path, levels, { minLength: 1, maxLength: 10 })) return false;
  let fine = true;
  levels.forEach((level, index) => {
    fine = check.number(`${path}.${index}`, level, { min: 0.001, max: 99.999 }) && fine;
  });
  return fine;
}

/**
 * Validates the options of `new PredictiveAnalyticsEngine(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option.
 * @example
 * ```ts
 * resolvePredictiveAnalyticsEngineOptions({ forecastHorizon: 12 }).levels; // [80, 95]
 * ```
 */
export function resolvePredictiveAnalyticsEngineOptions(options: unknown): ResolvedPredictiveAnalyticsEngineOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("PredictiveAnalyticsEngine constructor");
  if (!check.object("options", given)) check.done();
  const input = given as Record<string, unknown>;
  check.knownKeys("options", input, PREDICTIVE_ANALYTICS_ENGINE_OPTION_KEYS);
  const number = (key: string, fallback: number, rule: { min: number; max: number; integer?: boolean }) => {
    const value = input[key];
    if (value === undefined) return fallback;
    return check.number(`options.${key}`, value, rule) ? value : fallback;
  };
  const resolved = {
    forecastHorizon: number("forecastHorizon", 30, { min: 1, max: MAX_FORECAST_HORIZON, integer: true }),
    minDataPoints: number("minDataPoints", 10, { min: 4, max: 1_000_000, integer: true }),
    levels: [80, 95] as readonly number[],
    model: "auto",
    maxHistoryPoints: number("maxHistoryPoints", 10_000, { min: 10, max: 10_000_000, integer: true }),
    significanceLevel: number("significanceLevel", 0.05, { min: 1e-12, max: 0.5 }),
    minSeasonalStrength: number("minSeasonalStrength", 0.5, { min: 0, max: 1 }),
    maxPeriod: number("maxPeriod", 24, { min: 2, max: 1_000, integer: true }),
    storage: undefined as StorageAdapter | undefined,
    keyPrefix: "analytics:predictive:",
    clock: systemClock as Clock,
    logger: noopLogger as Logger,
  };
  if (input.levels !== undefined && checkLevels(check, "options.levels", input.levels)) {
    resolved.levels = Object.freeze([...input.levels].sort((left, right) => left - right));
  }
  if (input.model !== undefined && checkModel(check, "options.model", input.model)) {
    resolved.model = input.model;
  }
  if (input.clock !== undefined && check.clock("options.clock", input.clock)) resolved.clock = input.clock;
  if (input.storage !== undefined && check.storage("options.storage", input.storage)) resolved.storage = input.storage;
  if (
    input.keyPrefix !== undefined &&
    check.string("options.keyPrefix", input.keyPrefix, { minLength: 0, maxLength: 200 })
  ) {
    resolved.keyPrefix = input.keyPrefix;
  }
  if (input.logger !== undefined && check.logger("options.logger", input.logger)) resolved.logger = input.logger;
  check.done();
  // The default store is created only once the options are known to be valid.
  return Object.freeze({ ...resolved, storage: resolved.storage ?? createMemoryStorage() });
}
