import { type Clock, createValidator, systemClock, type Validator } from "@pelbiot/core";
import { OUT_OF_ORDER_POLICIES, type OutOfOrderPolicy } from "../series/time-series";
import { type EtsForm, formatEtsForm, isRestrictedEtsForm, parseEtsForm } from "./ets/ets-form";
import { MAX_ETS_PERIOD } from "./ets/select-ets";
import type { HoltWintersSeasonal } from "./holt-winters/fit-holt-winters";

/** Options of {@link TimeSeriesForecastingEngine}. */
export interface TimeSeriesForecastingEngineOptions {
  /** Steps to forecast when a call does not say (168 = one week of hourly data). @default 168 */
  forecastHorizon?: number;
  /** Fewest points a call accepts when it does not say. @default 100 */
  minDataPoints?: number;
  /** Prediction-interval levels in percent, each strictly between 0 and 100. @default [80, 95] */
  levels?: readonly number[];
  /**
   * Seed of simulated intervals, so forecasts are reproducible. Every model the engine fits now has analytic
   * intervals, so it changes nothing today; it is kept for saved engines and for forms that may need simulation.
   * @default 1
   */
  seed?: number;
  /**
   * Sample paths of simulated intervals (100 to 1,000,000). Like `seed`, it changes nothing today: every model the
   * engine fits has analytic intervals.
   * @default 5000
   */
  simulationPaths?: number;
  /** Source of `createdAt` and of the time inside forecast ids. @default systemClock */
  clock?: Clock;
  /**
   * Points of `historicalData` whose timestamp is not later than the one before: `"accept"` keeps points that
   * repeat the previous timestamp as further observations (spacing is checked between distinct timestamps) and
   * leaves out earlier ones, `"drop"` leaves out both, `"reject"` throws `VALIDATION_ERROR`. The forecast's
   * `droppedPoints` counts what was left out.
   * @default "accept"
   */
  outOfOrder?: OutOfOrderPolicy;
}

/** Per-call options of {@link TimeSeriesForecastingEngine.generateForecast}; each overrides the engine's. */
export interface GenerateForecastOptions {
  /** Steps to forecast. @default the engine's `forecastHorizon` */
  forecastHorizon?: number;
  /** Fewest points accepted. @default the engine's `minDataPoints` */
  minDataPoints?: number;
  /** Prediction-interval levels in percent. @default the engine's `levels` */
  levels?: readonly number[];
  /**
   * The ETS form: `"auto"` (or `"ZZZ"`) picks it by AICc; otherwise R's short code (`"ANA"`, `"MAdM"`) or
   * `"ETS(M,Ad,M)"`. Additive-error forms with a multiplicative season are refused as unstable. `"HW-additive"` and
   * `"HW-multiplicative"` select the classic Holt-Winters recursions (R's `stats::HoltWinters`, weights by least
   * squares), which need a seasonal period and two full seasons plus one point. `"theta"` is the Theta method as R
   * `forecast::thetaf` (seasonality test at 90% on the lag-m autocorrelation, classical multiplicative adjustment,
   * simple exponential smoothing with drift = half the linear trend's slope; at least 4 points). `"ets+theta"` is
   * the mean of the automatic ETS forecast and Theta's, with each interval the envelope of the two models' intervals.
   * `"auto-cv"` picks ETS (automatic), Theta or their mean by rolling-origin cross-validation on the training data
   * (the forecast's `validation` shows the errors). `"arima"` is automatic ARIMA as R `forecast::auto.arima`
   * (stepwise AICc search over seasonal ARIMA models, differencing by KPSS and seasonal-strength tests, exact maximum
   * likelihood, Gaussian intervals from the psi-weights; at least 4 points). `"ets+arima+theta"` is the mean of the
   * automatic ETS, ARIMA and Theta forecasts with each interval the envelope of the three; `"auto-ensemble"` uses that
   * mean when rolling-origin cross-validation on the training data says it beats ETS alone, and ETS otherwise (the
   * forecast's `validation` shows the errors). `"median-ensemble"` takes, step by step, the median of the automatic
   * ETS, ARIMA and Theta point forecasts (the middle one of the three, so one model far off does not pull the
   * forecast), with each interval the envelope of the three. `"validated-ensemble"` combines a set of these fixed
   * per seasonal period by validation on the training parts of the M1 competition's series: non-seasonal series
   * (period 1) get the mean of ARIMA and a random walk with drift (R `rwf(drift = TRUE)`), seasonal ones the median
   * of ETS, ARIMA, Theta and the drift (the mean of the middle two); each interval is the envelope of the ETS,
   * ARIMA and Theta intervals and the members' (at least 4 points). `"auto"` stays the default: it is several times cheaper than any model that runs the ARIMA
   * search, while the combinations are more accurate on most M1 categories and on the reference series (see
   * `BENCHMARKS.md`).
   * @default "auto"
   */
  model?: string;
  /**
   * Seasonal period in steps (1 = none, at most 24). By default it follows from the spacing (monthly 12,
   * quarterly 4, hourly 24, daily 7) and is otherwise detected from the autocorrelation of the differenced data.
   */
  seasonalPeriod?: number;
  /** Seed of simulated intervals. @default the engine's `seed` */
  seed?: number;
  /**
   * Adds a calibration report: the chosen form is refitted at rolling origins and the empirical coverage of its
   * intervals on the held-back points is reported next to the nominal levels. `true` uses the defaults. With
   * {@link GenerateForecastOptions.modelAveraging} the report covers the AICc winner's own intervals, not the
   * combination's.
   * @default false (no report)
   */
  calibration?: boolean | CalibrationOptions;
  /**
   * With automatic selection, forecast with the Akaike-weighted combination of the candidate forms (weights
   * `∝ exp(−ΔAICc/2)`, forms below weight 0.001 left out) instead of the AICc winner alone: the point forecast is the
   * weighted mean of the forms' forecasts and the intervals are quantiles of the weighted mixture of their
   * predictive distributions (analytic, from each form's exact forecast moments). Combining hedges against picking the wrong form, a standard result of the
   * M-competitions; `false` gives R `forecast::ets`'s behaviour (the winner only). Only for `model: "auto"`.
   * @default true with `model: "auto"`
   */
  modelAveraging?: boolean;
  /** Out-of-order timestamps in `historicalData`. @default the engine's `outOfOrder` */
  outOfOrder?: OutOfOrderPolicy;
}

/** Settings of the calibration backtest of {@link GenerateForecastOptions.calibration}. */
export interface CalibrationOptions {
  /** Forecast origins (1 to 50), non-overlapping windows ending at the last point. @default 5 */
  origins?: number;
  /** Steps forecast from each origin. @default the smaller of the forecast horizon and max(seasonal period, 6) */
  horizon?: number;
}

/** The engine's options with every default applied. */
export interface ResolvedForecastingOptions {
  readonly forecastHorizon: number;
  readonly minDataPoints: number;
  readonly levels: readonly number[];
  readonly seed: number;
  readonly simulationPaths: number;
  readonly clock: Clock;
  readonly outOfOrder: OutOfOrderPolicy;
}

/** One call's settings: the engine's options overridden by the call's, validated. */
export interface ResolvedForecastCall {
  readonly forecastHorizon: number;
  readonly minDataPoints: number;
  /** Ascending. */
  readonly levels: number[];
  /** The fixed ETS form, or undefined for automatic selection (or Holt-Winters). */
  readonly form: EtsForm | undefined;
  /** Which family: ETS (automatic or fixed form, or Holt-Winters), Theta, ARIMA, a mean, or chosen by cross-validation. */
  readonly family: ForecastFamilyCode;
  /** Set for the classic Holt-Winters models. */
  readonly holtWinters: HoltWintersSeasonal | undefined;
  readonly seasonalPeriod: number | undefined;
  readonly seed: number;
  readonly calibration: false | CalibrationOptions;
  readonly modelAveraging: boolean | undefined;
  readonly outOfOrder: OutOfOrderPolicy;
}

/** The model codes that pick a family other than a single ETS form. */
const FAMILY_CODES = [
  "theta",
  "ets+theta",
  "auto-cv",
  "arima",
  "ets+arima+theta",
  "auto-ensemble",
  "median-ensemble",
  "validated-ensemble",
] as const;

/** Which forecasting family a call uses. */
export type ForecastFamilyCode = "ets" | (typeof FAMILY_CODES)[number];

/**
 * Every model name `generateForecast` accepts besides ETS codes such as `"AAdN"` or `"ETS(M,Ad,M)"` (see
 * {@link parseEtsForm}), so other packages validate a model name the same way.
 */
export const FORECAST_MODEL_NAMES = ["auto", "ZZZ", "HW-additive", "HW-multiplicative", ...FAMILY_CODES] as const;

/** Longest horizon accepted. */
export const MAX_HORIZON = 100_000;

const ENGINE_OPTION_KEYS: readonly (keyof TimeSeriesForecastingEngineOptions)[] = [
  "forecastHorizon",
  "minDataPoints",
  "levels",
  "seed",
  "simulationPaths",
  "clock",
  "outOfOrder",
];
const CALL_OPTION_KEYS: readonly (keyof GenerateForecastOptions)[] = [
  "forecastHorizon",
  "minDataPoints",
  "levels",
  "model",
  "seasonalPeriod",
  "seed",
  "calibration",
  "modelAveraging",
  "outOfOrder",
];
const CALIBRATION_KEYS: readonly (keyof CalibrationOptions)[] = ["origins", "horizon"];

/**
 * Validates the engine's options (unknown keys included) and applies the defaults.
 *
 * @param options - What the caller passed.
 * @returns The resolved options, frozen.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid or unknown option.
 */
export function resolveTimeSeriesForecastingEngineOptions(options: unknown): ResolvedForecastingOptions {
  const check = createValidator("TimeSeriesForecastingEngine constructor");
  if (!check.object("options", options)) check.done();
  const {
    forecastHorizon = 168,
    minDataPoints = 100,
    levels = [80, 95],
    seed = 1,
    simulationPaths = 5000,
    clock = systemClock,
    outOfOrder = "accept",
  } = options as TimeSeriesForecastingEngineOptions;
  checkHorizon(check, "options.forecastHorizon", forecastHorizon);
  checkMinDataPoints(check, "options.minDataPoints", minDataPoints);
  checkLevels(check, "options.levels", levels);
  checkSeed(check, "options.seed", seed);
  check.number("options.simulationPaths", simulationPaths, { integer: true, min: 100, max: 1_000_000 });
  check.clock("options.clock", clock);
  check.oneOf("options.outOfOrder", outOfOrder, OUT_OF_ORDER_POLICIES);
  check.knownKeys("options", options as Record<string, unknown>, ENGINE_OPTION_KEYS);
  check.done();
  return Object.freeze({
    forecastHorizon,
    minDataPoints,
    levels: Object.freeze(sortLevels(levels)),
    seed,
    simulationPaths,
    clock,
    outOfOrder,
  });
}

/**
 * Validates one call's name, options and data argument (the points themselves are checked later) against the
 * engine's defaults, reporting every issue at once under `TimeSeriesForecastingEngine.generateForecast`.
 *
 * @param engine - The engine's resolved options.
 * @param name - The series' name.
 * @param options - The call's options.
 * @param historicalData - The call's data (only checked to be an array here).
 * @returns The call's settings.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid or unknown option.
 */
export function resolveForecastCall(
  engine: ResolvedForecastingOptions,
  name: unknown,
  options: unknown,
  historicalData: unknown,
): ResolvedForecastCall {
  const check = createValidator("TimeSeriesForecastingEngine.generateForecast");
  check.string("name", name);
  if (!check.object("options", options)) check.done();
  const {
    forecastHorizon = engine.forecastHorizon,
    minDataPoints = engine.minDataPoints,
    levels = engine.levels,
    model = "auto",
    seasonalPeriod,
    seed = engine.seed,
    calibration = false,
    modelAveraging,
    outOfOrder = engine.outOfOrder,
  } = options as GenerateForecastOptions;
  checkHorizon(check, "options.forecastHorizon", forecastHorizon);
  checkMinDataPoints(check, "options.minDataPoints", minDataPoints);
  checkLevels(check, "options.levels", levels);
  checkSeed(check, "options.seed", seed);
  let form: EtsForm | undefined;
  const holtWinters: HoltWintersSeasonal | undefined =
    model === "HW-additive" ? "additive" : model === "HW-multiplicative" ? "multiplicative" : undefined;
  const family: ForecastFamilyCode = (FAMILY_CODES as readonly unknown[]).includes(model)
    ? (model as ForecastFamilyCode)
    : "ets";
  if ((holtWinters || family !== "ets") && calibration !== false) {
    check.fail(
      "options.calibration",
      `is available for ETS models only; leave it out with ${holtWinters ? "Holt-Winters models" : `model "${model}"`}`,
    );
  }
  const automatic = model === "auto" || model === "ZZZ";
  if (check.string("options.model", model) && !automatic && !holtWinters && family === "ets") {
    form = parseEtsForm(model);
    if (!form) {
      check.fail(
        "options.model",
        `"${model}" is not a known model; use an ETS code such as "ANN", "AAdN", "ANA", "MAM", "MAdM" or "ETS(M,Ad,M)", or one of ${FORECAST_MODEL_NAMES.map((name) => `"${name}"`).join(", ")}`,
      );
    } else if (isRestrictedEtsForm(form)) {
      check.fail(
        "options.model",
        `${formatEtsForm(form)} (additive error, multiplicative season) is numerically unstable; use "M${form.trend}${form.season}" instead`,
      );
    }
  }
  if (modelAveraging !== undefined && check.boolean("options.modelAveraging", modelAveraging)) {
    if (modelAveraging && !automatic && (family === "ets" || family === "theta" || family === "arima")) {
      check.fail(
        "options.modelAveraging",
        'combines the automatically selected ETS forms; use it with model "auto", "ets+theta", "auto-cv", "ets+arima+theta", "auto-ensemble", "median-ensemble" or "validated-ensemble" only',
      );
    }
  }
  if (seasonalPeriod !== undefined) {
    check.number("options.seasonalPeriod", seasonalPeriod, { integer: true, min: 1, max: MAX_ETS_PERIOD });
  }
  if (typeof calibration === "object" && check.object("options.calibration", calibration)) {
    if (calibration.origins !== undefined) {
      check.number("options.calibration.origins", calibration.origins, { integer: true, min: 1, max: 50 });
    }
    if (calibration.horizon !== undefined) {
      check.number("options.calibration.horizon", calibration.horizon, { integer: true, min: 1, max: MAX_HORIZON });
    }
    check.knownKeys("options.calibration", calibration as Record<string, unknown>, CALIBRATION_KEYS);
  } else if (typeof calibration !== "object") {
    check.boolean("options.calibration", calibration);
  }
  check.oneOf("options.outOfOrder", outOfOrder, OUT_OF_ORDER_POLICIES);
  check.knownKeys("options", options as Record<string, unknown>, CALL_OPTION_KEYS);
  check.array("historicalData", historicalData);
  check.done();
  return {
    forecastHorizon,
    minDataPoints,
    levels: sortLevels(levels),
    form,
    family,
    holtWinters,
    seasonalPeriod,
    seed,
    calibration: calibration === true ? {} : calibration,
    modelAveraging,
    outOfOrder,
  };
}

function sortLevels(levels: readonly number[]): number[] {
  return [...levels].sort((left, right) => left - right);
}

function checkHorizon(check: Validator, path: string, value: unknown): void {
  check.number(path, value, { integer: true, min: 1, max: MAX_HORIZON });
}

function checkMinDataPoints(check: Validator, path: string, value: unknown): void {
  check.number(path, value, { integer: true, min: 2 });
}

function checkSeed(check: Validator, path: string, value: unknown): void {
  check.number(path, value, { integer: true, min: 0, max: 2 ** 32 - 1 });
}

function checkLevels(check: Validator, path: string, value: unknown): void {
  if (!check.array(path, value, { minLength: 1, maxLength: 20 })) return;
  const seen = new Set<number>();
  value.forEach((level, index) => {
    const at = `${path}.${index}`;
    if (typeof level !== "number" || !Number.isFinite(level) || level <= 0 || level >= 100) {
      check.fail(at, `must be a percentage strictly between 0 and 100 (e.g. 80 or 95), got ${String(level)}`);
    } else if (seen.has(level)) {
      check.fail(at, `repeats level ${level}`);
    } else {
      seen.add(level);
    }
  });
}
