import {
  type Clock,
  createIdGenerator,
  createValidator,
  type IdGenerator,
  PelbiotError,
  PelbiotValidationError,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { type TimeSeriesPoint, toTimeSeries } from "../series/time-series";
import { type BacktestCoverage, backtestCoverage, minimumEtsLength } from "./backtest-coverage";
import { detectSeasonalPeriod } from "./detect-seasonal-period";
import { akaikeWeights, combineEts } from "./ets/combine-ets";
import { type EtsForm, formatEtsForm, isRestrictedEtsForm, parseEtsForm } from "./ets/ets-form";
import type { EtsParameters, EtsState } from "./ets/ets-recursion";
import { type EtsFit, fitEts } from "./ets/fit-ets";
import { forecastEts } from "./ets/forecast-ets";
import { MAX_ETS_PERIOD, selectEts } from "./ets/select-ets";
import { fitHoltWinters, type HoltWintersParameters, type HoltWintersSeasonal } from "./holt-winters/fit-holt-winters";
import { forecastHoltWinters } from "./holt-winters/forecast-holt-winters";
import { continueTimestamps, inferSpacing, type Spacing } from "./infer-spacing";

/** Options of {@link TimeSeriesForecastingEngine}. */
export interface TimeSeriesForecastingEngineOptions {
  /** Steps to forecast when a call does not say (168 = one week of hourly data). @default 168 */
  forecastHorizon?: number;
  /** Fewest points a call accepts when it does not say. @default 100 */
  minDataPoints?: number;
  /** Prediction-interval levels in percent, each strictly between 0 and 100. @default [80, 95] */
  levels?: readonly number[];
  /** Seed of the simulated intervals of non-linear models, so forecasts are reproducible. @default 1 */
  seed?: number;
  /** Sample paths simulated for non-linear models' intervals (100 to 1,000,000). @default 5000 */
  simulationPaths?: number;
  /** Source of `createdAt` and of the time inside forecast ids. @default systemClock */
  clock?: Clock;
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
   * squares), which need a seasonal period and two full seasons plus one point.
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
   * weighted mean of the forms' forecasts and the intervals are quantiles of the weighted mixture of their simulated
   * predictive distributions. Combining hedges against picking the wrong form, a standard result of the
   * M-competitions; `false` gives R `forecast::ets`'s behaviour (the winner only). Only for `model: "auto"`.
   * @default true with `model: "auto"`
   */
  modelAveraging?: boolean;
}

/** Settings of the calibration backtest of {@link GenerateForecastOptions.calibration}. */
export interface CalibrationOptions {
  /** Forecast origins (1 to 50), non-overlapping windows ending at the last point. @default 5 */
  origins?: number;
  /** Steps forecast from each origin. @default the smaller of the forecast horizon and max(seasonal period, 6) */
  horizon?: number;
}

/** One prediction interval. */
export interface ForecastInterval {
  /** Nominal coverage in percent. */
  readonly level: number;
  /** Lower bound. */
  readonly lower: number;
  /** Upper bound. */
  readonly upper: number;
}

/** One forecast step. */
export interface ForecastPoint {
  /** Steps after the last observation, from 1. */
  readonly step: number;
  /** Epoch milliseconds, continuing the input's spacing. */
  readonly timestamp: number;
  /** Point forecast. */
  readonly value: number;
  /** One interval per requested level, in ascending level order. */
  readonly intervals: readonly ForecastInterval[];
}

/** The fitted ETS model behind a forecast: enough to inspect, compare or re-run it. */
export interface EtsForecastModel {
  /** Model family. */
  readonly method: "ETS";
  /** R-style name, e.g. `"ETS(M,Ad,M)"`. */
  readonly name: string;
  /** Short code, e.g. `"MAdM"`. */
  readonly code: string;
  /** The form's components. */
  readonly form: EtsForm;
  /** Whether the form was chosen by AICc or fixed by the caller. */
  readonly selection: "automatic" | "fixed";
  /** Seasonal period used (1 without season). */
  readonly seasonalPeriod: number;
  /** Smoothing parameters (`beta` 0 without trend, `gamma` 0 without season, `phi` 1 unless damped). */
  readonly parameters: EtsParameters;
  /** Fitted initial state. */
  readonly initialState: EtsState;
  /** State after the last observation. */
  readonly finalState: EtsState;
  /** Innovation variance (relative errors for multiplicative-error models). */
  readonly sigma2: number;
  /** Log-likelihood, R's convention. */
  readonly logLikelihood: number;
  /** Akaike information criterion. */
  readonly aic: number;
  /** Corrected AIC, the selection criterion. */
  readonly aicc: number;
  /** Bayesian information criterion. */
  readonly bic: number;
  /** Estimated quantities, variance included. */
  readonly parameterCount: number;
  /** Every form tried with its AICc and Akaike weight (only for automatic selection; the weights sum to 1). */
  readonly candidates: readonly { readonly code: string; readonly aicc: number; readonly weight: number }[];
  /**
   * Present when the forecast combines several forms ({@link GenerateForecastOptions.modelAveraging}): the forms
   * used, heaviest first, with their renormalised weights. The other fields describe the heaviest form, the AICc
   * winner.
   */
  readonly averaging?: {
    readonly components: readonly { readonly code: string; readonly name: string; readonly weight: number }[];
  };
}

/** The fitted classic Holt-Winters model behind a forecast (`model: "HW-additive"` or `"HW-multiplicative"`). */
export interface HoltWintersForecastModel {
  /** Model family. */
  readonly method: "HoltWinters";
  /** `"HoltWinters(additive)"` or `"HoltWinters(multiplicative)"`. */
  readonly name: string;
  /** The code that requested it. */
  readonly code: "HW-additive" | "HW-multiplicative";
  /** Always fixed by the caller. */
  readonly selection: "fixed";
  /** Seasonal form. */
  readonly seasonality: HoltWintersSeasonal;
  /** Seasonal period. */
  readonly seasonalPeriod: number;
  /** Weights minimising the one-step squared error. */
  readonly parameters: HoltWintersParameters;
  /** Level after the last observation. */
  readonly level: number;
  /** Trend after the last observation. */
  readonly trend: number;
  /** Seasonal terms of the next `seasonalPeriod` steps. */
  readonly seasonal: readonly number[];
  /** Sum of squared one-step errors. */
  readonly sse: number;
  /** Sample variance of the one-step errors (drives the intervals). */
  readonly residualVariance: number;
}

/** The model behind a forecast; `method` tells which. */
export type ForecastModel = EtsForecastModel | HoltWintersForecastModel;

/** A stored forecast. */
export interface Forecast {
  /** Id for {@link TimeSeriesForecastingEngine.getForecast}. */
  readonly forecastId: string;
  /** The series name given to `generateForecast`. */
  readonly name: string;
  /** When it was made (epoch ms). */
  readonly createdAt: number;
  /** Points the model was fitted on. */
  readonly trainingPoints: number;
  /** Steps forecast. */
  readonly horizon: number;
  /** Interval levels, ascending. */
  readonly levels: readonly number[];
  /** `analytic` for linear models, `simulation` (seeded) otherwise. */
  readonly intervalMethod: "analytic" | "simulation";
  /** The fitted model. */
  readonly model: ForecastModel;
  /** One entry per step. */
  readonly points: readonly ForecastPoint[];
  /** Rolling-origin coverage of the intervals, when `calibration` was requested. */
  readonly calibration?: BacktestCoverage;
}

/** The serialised form of an engine, from {@link TimeSeriesForecastingEngine.toJSON}. */
export interface TimeSeriesForecastingEngineJson {
  /** Format version. */
  readonly version: 1;
  /** The engine's options (without the clock). */
  readonly options: {
    readonly forecastHorizon: number;
    readonly minDataPoints: number;
    readonly levels: readonly number[];
    readonly seed: number;
    readonly simulationPaths: number;
  };
  /** Stored forecasts, oldest first. */
  readonly forecasts: readonly Forecast[];
}

const MAX_HORIZON = 100_000;
// A simulated interval needs this many paths beyond each bound for its quantile to mean anything.
const MIN_TAIL_PATHS = 5;

/**
 * Forecasts time series with the ETS family of exponential smoothing models (Hyndman et al. 2008, as R's
 * `forecast::ets`): the form is chosen by AICc (or fixed by the caller), fitted by maximum likelihood, and each step
 * comes with prediction intervals: analytic for linear models, seeded simulation otherwise. Timestamps of the
 * forecast continue the input's regular spacing (fixed, or calendar months).
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
  readonly #forecastHorizon: number;
  readonly #minDataPoints: number;
  readonly #levels: readonly number[];
  readonly #seed: number;
  readonly #simulationPaths: number;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #forecasts = new Map<string, Forecast>();

  /**
   * @param options - Defaults for every call; see {@link TimeSeriesForecastingEngineOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR naming each invalid option.
   */
  constructor(options: TimeSeriesForecastingEngineOptions = {}) {
    const check = createValidator("TimeSeriesForecastingEngine");
    if (!check.object("options", options)) check.done();
    const {
      forecastHorizon = 168,
      minDataPoints = 100,
      levels = [80, 95],
      seed = 1,
      simulationPaths = 5000,
      clock = systemClock,
    } = options;
    checkHorizon(check, "options.forecastHorizon", forecastHorizon);
    checkMinDataPoints(check, "options.minDataPoints", minDataPoints);
    checkLevels(check, "options.levels", levels);
    checkSeed(check, "options.seed", seed);
    check.number("options.simulationPaths", simulationPaths, { integer: true, min: 100, max: 1_000_000 });
    check.check(
      typeof clock === "object" && clock !== null && typeof clock.now === "function",
      "options.clock",
      "must be a Clock with now()",
    );
    check.done();
    this.#forecastHorizon = forecastHorizon;
    this.#minDataPoints = minDataPoints;
    this.#levels = sortLevels(levels);
    this.#seed = seed;
    this.#simulationPaths = simulationPaths;
    this.#clock = clock;
    this.#ids = createIdGenerator({ prefix: "fc", clock });
  }

  /**
   * Fits a model to `historicalData` and forecasts it, storing the result under a new id.
   *
   * @param name - The series' name, e.g. `"cpu_usage"`.
   * @param historicalData - Evenly spaced points `{ timestamp, value }` (epoch ms, ISO string or Date), oldest first.
   * @param options - Per-call overrides: horizon, minimum points, levels, model form, seasonal period, seed.
   * @returns The forecast, with its `forecastId`.
   * @throws {PelbiotError} INSUFFICIENT_DATA "Insufficient training data: got N, need at least M" when there are too
   *   few points (for the minimum, or for the fixed model's parameters).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for bad points (index named), irregular or gapped timestamps,
   *   unknown model codes, a multiplicative model on data that are not all positive, invalid options, or a level a
   *   simulated interval cannot resolve.
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
    const context = "TimeSeriesForecastingEngine.generateForecast";
    const check = createValidator(context);
    check.string("name", name);
    if (!check.object("options", options)) check.done();
    const {
      forecastHorizon = this.#forecastHorizon,
      minDataPoints = this.#minDataPoints,
      levels = this.#levels,
      model = "auto",
      seasonalPeriod,
      seed = this.#seed,
      calibration = false,
      modelAveraging,
    } = options;
    checkHorizon(check, "options.forecastHorizon", forecastHorizon);
    checkMinDataPoints(check, "options.minDataPoints", minDataPoints);
    checkLevels(check, "options.levels", levels);
    checkSeed(check, "options.seed", seed);
    let form: EtsForm | undefined;
    const holtWinters: HoltWintersSeasonal | undefined =
      model === "HW-additive" ? "additive" : model === "HW-multiplicative" ? "multiplicative" : undefined;
    if (holtWinters && calibration !== false) {
      check.fail("options.calibration", "is available for ETS models only; leave it out with Holt-Winters models");
    }
    if (check.string("options.model", model) && model !== "auto" && model !== "ZZZ" && !holtWinters) {
      form = parseEtsForm(model);
      if (!form) {
        check.fail(
          "options.model",
          `"${model}" is not an ETS model; use "auto", a code such as "ANN", "AAdN", "ANA", "MAM", "MAdM" or "ETS(M,Ad,M)", or "HW-additive" / "HW-multiplicative"`,
        );
      } else if (isRestrictedEtsForm(form)) {
        check.fail(
          "options.model",
          `${formatEtsForm(form)} (additive error, multiplicative season) is numerically unstable; use "M${form.trend}${form.season}" instead`,
        );
      }
    }
    if (modelAveraging !== undefined && check.boolean("options.modelAveraging", modelAveraging)) {
      if (modelAveraging && model !== "auto" && model !== "ZZZ") {
        check.fail(
          "options.modelAveraging",
          'combines the automatically selected forms; use it with model "auto" only',
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
    } else if (typeof calibration !== "object") {
      check.boolean("options.calibration", calibration);
    }
    check.array("historicalData", historicalData);
    check.done();
    if (historicalData.length < minDataPoints) {
      throw insufficient(historicalData.length, minDataPoints);
    }
    const series = toTimeSeries(historicalData, {
      minLength: Math.max(2, minDataPoints),
      path: "historicalData",
      context,
    });
    const spacing = inferSpacing(series.timestamps);
    const values = series.values;
    const period = seasonalPeriod ?? periodFromSpacing(spacing) ?? detectSeasonalPeriod(values);
    const sortedLevels = sortLevels(levels);
    const lastTimestamp = series.timestamps[series.timestamps.length - 1] as number;
    if (holtWinters) {
      return this.#store(
        this.#holtWintersForecast(
          name,
          values,
          holtWinters,
          period,
          forecastHorizon,
          sortedLevels,
          spacing,
          lastTimestamp,
        ),
      );
    }

    let fit: EtsFit;
    let candidates: { code: string; aicc: number; weight: number }[] = [];
    let combinable: EtsFit[] = [];
    if (form) {
      fit = this.#fitFixed(values, form, period);
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
        ? combineEts(combinable, forecastHorizon, { levels: sortedLevels, seed, paths: this.#simulationPaths })
        : undefined;
    const averaged = combination !== undefined && combination.components.length > 1;
    const linear = !averaged && fit.form.error === "A" && fit.form.season !== "M";
    if (!linear) {
      const smallestTail = Math.min(...sortedLevels.map((level) => ((100 - level) / 200) * this.#simulationPaths));
      if (smallestTail < MIN_TAIL_PATHS) {
        throw new PelbiotValidationError(
          [
            {
              path: "options.levels",
              message: `${averaged ? "The combination of forms" : formatEtsForm(fit.form)} gets simulated intervals from ${this.#simulationPaths} paths, too few to resolve level ${Math.max(...sortedLevels)}; use levels up to ${(100 - (200 * MIN_TAIL_PATHS) / this.#simulationPaths).toFixed(2)} or raise simulationPaths`,
            },
          ],
          context,
        );
      }
    }
    const projection =
      combination ??
      forecastEts(fit, forecastHorizon, {
        levels: sortedLevels,
        seed,
        paths: this.#simulationPaths,
      });
    let report: BacktestCoverage | undefined;
    if (calibration !== false) {
      const settings: CalibrationOptions = calibration === true ? {} : calibration;
      const backtestHorizon = settings.horizon ?? Math.min(forecastHorizon, Math.max(fit.period, 6));
      report = backtestCoverage(values, fit.form, fit.period, {
        origins: settings.origins ?? 5,
        horizon: backtestHorizon,
        levels: sortedLevels,
        seed,
        paths: this.#simulationPaths,
      });
      if (!report) {
        throw insufficient(values.length, minimumEtsLength(fit.form, fit.period) + backtestHorizon);
      }
    }
    const timestamps = continueTimestamps(spacing, lastTimestamp, forecastHorizon);
    const forecast: Forecast = {
      forecastId: this.#ids.next(),
      name,
      createdAt: this.#clock.now(),
      trainingPoints: values.length,
      horizon: forecastHorizon,
      levels: sortedLevels,
      intervalMethod: projection.intervalMethod,
      model: {
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
      },
      points: projection.steps.map((step, index) => ({
        step: step.step,
        timestamp: timestamps[index] as number,
        value: step.value,
        intervals: step.intervals.map((interval) => ({ ...interval })),
      })),
      ...(report ? { calibration: report } : {}),
    };
    return this.#store(forecast);
  }

  #store(forecast: Forecast): Forecast {
    this.#forecasts.set(forecast.forecastId, forecast);
    return structuredClone(forecast);
  }

  #holtWintersForecast(
    name: string,
    values: Float64Array,
    seasonality: HoltWintersSeasonal,
    period: number,
    horizon: number,
    levels: number[],
    spacing: Spacing,
    lastTimestamp: number,
  ): Forecast {
    const context = "TimeSeriesForecastingEngine.generateForecast";
    const code = seasonality === "additive" ? "HW-additive" : "HW-multiplicative";
    if (period < 2) {
      throw new PelbiotValidationError(
        [
          {
            path: "options.model",
            message: `${code} is seasonal but the series has no seasonal period; pass options.seasonalPeriod (2 to ${MAX_ETS_PERIOD})`,
          },
        ],
        context,
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
          context,
        );
      }
    }
    // Start values use two full seasons; the recursions need at least one point after them.
    if (values.length < 2 * period + 1) throw insufficient(values.length, 2 * period + 1);
    const fit = fitHoltWinters(values, { period, seasonal: seasonality });
    const steps = forecastHoltWinters(fit, horizon, { levels });
    const timestamps = continueTimestamps(spacing, lastTimestamp, horizon);
    return {
      forecastId: this.#ids.next(),
      name,
      createdAt: this.#clock.now(),
      trainingPoints: values.length,
      horizon,
      levels,
      intervalMethod: "analytic",
      model: {
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
      },
      points: steps.map((step, index) => ({
        step: step.step,
        timestamp: timestamps[index] as number,
        value: step.value,
        intervals: step.intervals.map((interval) => ({ ...interval })),
      })),
    };
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
          details: { forecastId },
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
   * Serialises the engine's options and every stored forecast (fitted model included) as plain JSON data.
   *
   * @returns Data for {@link TimeSeriesForecastingEngine.fromJSON}.
   * @example
   * ```ts
   * const text = JSON.stringify(forecaster);
   * const restored = TimeSeriesForecastingEngine.fromJSON(JSON.parse(text));
   * ```
   */
  toJSON(): TimeSeriesForecastingEngineJson {
    return {
      version: 1,
      options: {
        forecastHorizon: this.#forecastHorizon,
        minDataPoints: this.#minDataPoints,
        levels: [...this.#levels],
        seed: this.#seed,
        simulationPaths: this.#simulationPaths,
      },
      forecasts: structuredClone([...this.#forecasts.values()]),
    };
  }

  /**
   * Rebuilds an engine from {@link TimeSeriesForecastingEngine.toJSON} output.
   *
   * @param json - The serialised engine (already parsed).
   * @param options - A clock for the restored engine.
   * @returns The engine, holding the same forecasts under the same ids.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `json` is not a version-1 engine document.
   * @example
   * ```ts
   * const restored = TimeSeriesForecastingEngine.fromJSON(JSON.parse(text));
   * ```
   */
  static fromJSON(json: unknown, options: { clock?: Clock } = {}): TimeSeriesForecastingEngine {
    const check = createValidator("TimeSeriesForecastingEngine.fromJSON");
    if (!check.object("json", json)) check.done();
    const document = json as Record<string, unknown>;
    check.check(document.version === 1, "json.version", "must be 1");
    check.object("json.options", document.options);
    const forecasts = document.forecasts;
    if (check.array("json.forecasts", forecasts)) {
      forecasts.forEach((entry, index) => {
        checkStoredForecast(check, `json.forecasts.${index}`, entry);
      });
    }
    check.done();
    const engine = new TimeSeriesForecastingEngine({
      ...(document.options as TimeSeriesForecastingEngineOptions),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    for (const entry of forecasts as Forecast[]) engine.#forecasts.set(entry.forecastId, structuredClone(entry));
    return engine;
  }

  #fitFixed(values: Float64Array, form: EtsForm, period: number): EtsFit {
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
          "TimeSeriesForecastingEngine.generateForecast",
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
        "TimeSeriesForecastingEngine.generateForecast",
      );
    }
    const needed = minimumEtsLength(form, period);
    if (values.length < needed) throw insufficient(values.length, needed);
    const fit = fitEts(values, form, { period });
    if (!fit) {
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `${formatEtsForm(form)} could not be fitted to these ${values.length} points (no admissible starting point); try model "auto"`,
      );
    }
    return fit;
  }
}

function insufficient(got: number, needed: number): PelbiotError {
  return new PelbiotError("INSUFFICIENT_DATA", `Insufficient training data: got ${got}, need at least ${needed}`, {
    details: { got, needed },
  });
}

function codeOf(form: EtsForm): string {
  return `${form.error}${form.trend}${form.season}`;
}

function sortLevels(levels: readonly number[]): number[] {
  return [...levels].sort((left, right) => left - right);
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

function checkStoredForecast(check: Validator, path: string, value: unknown): void {
  if (!check.object(path, value)) return;
  check.string(`${path}.forecastId`, value.forecastId);
  check.string(`${path}.name`, value.name);
  check.object(`${path}.model`, value.model);
  check.array(`${path}.points`, value.points);
}
