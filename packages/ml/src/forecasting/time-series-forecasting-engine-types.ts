import type { BacktestCoverage } from "./backtest-coverage";
import type { EtsForm } from "./ets/ets-form";
import type { EtsParameters, EtsState } from "./ets/ets-recursion";
import type { HoltWintersParameters, HoltWintersSeasonal } from "./holt-winters/fit-holt-winters";

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
  readonly candidates: readonly {
    /** The form's code, e.g. `MAdN`. */
    readonly code: string;
    /** Its corrected AIC. */
    readonly aicc: number;
    /** Its Akaike weight, between 0 and 1. */
    readonly weight: number;
  }[];
  /**
   * Present when the forecast combines several forms ({@link GenerateForecastOptions.modelAveraging}): the forms
   * used, heaviest first, with their renormalised weights. The other fields describe the heaviest form, the AICc
   * winner.
   */
  readonly averaging?: {
    /** The forms combined, heaviest first. */
    readonly components: readonly {
      /** The form's code, e.g. `MAdN`. */
      readonly code: string;
      /** The form's name, e.g. `ETS(M,Ad,N)`. */
      readonly name: string;
      /** Its renormalised weight; the weights sum to 1. */
      readonly weight: number;
    }[];
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

/** The fitted Theta model behind a forecast (`model: "theta"`), R `forecast::thetaf`'s algorithm. */
export interface ThetaForecastModel {
  /** Model family. */
  readonly method: "Theta";
  /** `"Theta"`. */
  readonly name: string;
  /** `"theta"`. */
  readonly code: "theta";
  /** Fixed by the caller, or chosen by cross-validation (`model: "auto-cv"`). */
  readonly selection: "fixed" | "cross-validation";
  /** Seasonal period the seasonality test used (1 = none). */
  readonly seasonalPeriod: number;
  /** Whether the lag-m autocorrelation was significant and the series was seasonally adjusted. */
  readonly seasonal: boolean;
  /** Multiplicative indices of the next `seasonalPeriod` steps (empty when not seasonal). */
  readonly seasonalIndices: readonly number[];
  /** SES smoothing weight. */
  readonly alpha: number;
  /** SES level after the last observation (seasonally adjusted scale). */
  readonly level: number;
  /** Drift per step: half the slope of the linear trend (theta = 2). */
  readonly drift: number;
  /** One-step error variance of the SES fit (seasonally adjusted scale). */
  readonly sigma2: number;
}

/** The fitted ARIMA model behind a forecast (`model: "arima"`), chosen as R `forecast::auto.arima` does. */
export interface ArimaForecastModel {
  /** Model family. */
  readonly method: "ARIMA";
  /** R-style name, e.g. `"ARIMA(0,1,1)(0,1,1)[12]"` or `"ARIMA(0,1,0) with drift"`. */
  readonly name: string;
  /** `"arima"`. */
  readonly code: "arima";
  /** Always chosen by the stepwise AICc search. */
  readonly selection: "automatic";
  /** Seasonal period used (1 = none). */
  readonly seasonalPeriod: number;
  /** Orders: non-seasonal p, d, q and seasonal P, D, Q. */
  readonly order: {
    /** Autoregressive order p. */
    readonly p: number;
    /** Number of first differences d. */
    readonly d: number;
    /** Moving-average order q. */
    readonly q: number;
    /** Seasonal autoregressive order P. */
    readonly seasonalP: number;
    /** Number of seasonal differences D. */
    readonly seasonalD: number;
    /** Seasonal moving-average order Q. */
    readonly seasonalQ: number;
  };
  /** Whether a constant was estimated: a mean when d + D = 0, a drift when d + D = 1. */
  readonly constant: boolean;
  /** Coefficients in R's sign convention (`φ(B) = 1 − Σ φ_k B^k`, `θ(B) = 1 + Σ θ_k B^k`). */
  readonly coefficients: {
    /** φ_1 … φ_p. */
    readonly ar: readonly number[];
    /** θ_1 … θ_q. */
    readonly ma: readonly number[];
    /** Φ_1 … Φ_P (lags of the seasonal period). */
    readonly seasonalAr: readonly number[];
    /** Θ_1 … Θ_Q (lags of the seasonal period). */
    readonly seasonalMa: readonly number[];
  };
  /** The mean (d + D = 0) or drift per step (d + D = 1) when `constant`, else 0. */
  readonly intercept: number;
  /** Innovation variance (R's `sigma2`). */
  readonly sigma2: number;
  /** Exact Gaussian log-likelihood of the differenced series. */
  readonly logLikelihood: number;
  /** Akaike information criterion. */
  readonly aic: number;
  /** Corrected AIC, the selection criterion. */
  readonly aicc: number;
  /** Bayesian information criterion. */
  readonly bic: number;
  /** Models the stepwise search fitted. */
  readonly modelsTried: number;
}

/**
 * The random walk with drift behind a component of `model: "validated-ensemble"` (R `rwf(drift = TRUE)`), on the
 * seasonally adjusted series when Theta's seasonality test finds it seasonal.
 */
export interface DriftForecastModel {
  /** Model family. */
  readonly method: "Drift";
  /** `"RW with drift"`. */
  readonly name: string;
  /** `"drift"`. */
  readonly code: "drift";
  /** Always fixed (no parameter is chosen). */
  readonly selection: "fixed";
  /** Seasonal period the seasonality test used (1 = none). */
  readonly seasonalPeriod: number;
  /** Whether the series was divided by classical multiplicative seasonal indices first. */
  readonly seasonal: boolean;
  /** Multiplicative indices of the next `seasonalPeriod` steps (empty when not seasonal). */
  readonly seasonalIndices: readonly number[];
  /** The last observation (seasonally adjusted scale), where the forecast starts. */
  readonly last: number;
  /** Drift per step: the mean step of the (adjusted) series. */
  readonly drift: number;
  /** Variance of the steps around the drift (seasonally adjusted scale). */
  readonly sigma2: number;
}

/** A model that can be a member of `model: "validated-ensemble"`'s point forecast. */
export type EnsembleMember = "ets" | "arima" | "theta" | "drift";

/**
 * The equal-weight combination of the engine's automatic ETS and Theta (`model: "ets+theta"`, or chosen by
 * `model: "auto-cv"`), or of ETS, ARIMA and Theta (`model: "ets+arima+theta"`, or chosen by `"auto-ensemble"`): point
 * forecast = mean of the models'; each interval = the envelope of the models' intervals. With
 * `model: "median-ensemble"` the point forecast is the median of the ETS, ARIMA and Theta forecasts instead. With
 * `model: "validated-ensemble"` the point forecast is the mean or median of the {@link CombinationForecastModel.rule}'s
 * members (fixed per seasonal period by validation on training data), and each interval the envelope of the ETS,
 * ARIMA and Theta intervals and those of the members.
 */
export interface CombinationForecastModel {
  /** Model family. */
  readonly method: "Combination";
  /** E.g. `"mean(ETS(M,A,N), Theta)"`, `"median(ETS(averaged), ARIMA(0,1,1), Theta)"` or `"mean(ARIMA(0,1,0) with drift, RW with drift)"`. */
  readonly name: string;
  /**
   * `"ets+theta"` or `"ets+arima+theta"` (means), `"median-ensemble"` (the median of ETS, ARIMA and Theta) or
   * `"validated-ensemble"` (the members of {@link CombinationForecastModel.rule}).
   */
  readonly code: "ets+theta" | "ets+arima+theta" | "median-ensemble" | "validated-ensemble";
  /** Fixed by the caller, or chosen by cross-validation (`model: "auto-cv"` or `"auto-ensemble"`). */
  readonly selection: "fixed" | "cross-validation";
  /** Seasonal period used (1 = none). */
  readonly seasonalPeriod: number;
  /** The models combined: ETS and Theta; ETS, ARIMA and Theta; or (`"validated-ensemble"`) those and the drift. */
  readonly components:
    | readonly [EtsForecastModel, ThetaForecastModel]
    | readonly [EtsForecastModel, ArimaForecastModel, ThetaForecastModel]
    | readonly [EtsForecastModel, ArimaForecastModel, ThetaForecastModel, DriftForecastModel];
  /**
   * Only with `model: "validated-ensemble"`: which components make the point forecast and how they are combined
   * (the rule of the series' seasonal period); the intervals use every component in `members` plus ETS, ARIMA and
   * Theta.
   */
  readonly rule?: {
    /** `"mean"` or `"median"` of the members' point forecasts at each step. */
    readonly statistic: "mean" | "median";
    /** The members, in the order of `components`. */
    readonly members: readonly EnsembleMember[];
  };
}

/** Rolling-origin errors behind a `model: "auto-cv"` choice. */
export interface ModelValidation {
  /** The family chosen. */
  readonly choice: "ets" | "theta" | "ets+theta";
  /** Origins scored (0: series too short, the combination was used). */
  readonly origins: number;
  /** Steps forecast from each origin. */
  readonly horizon: number;
  /** Mean absolute error per family over the scored origins and steps. */
  readonly errors: {
    /** Mean absolute error of ETS. */
    readonly ets: number;
    /** Mean absolute error of Theta. */
    readonly theta: number;
    /** Mean absolute error of the equal-weight combination of both. */
    readonly "ets+theta": number;
  };
}

/** Rolling-origin errors behind a `model: "auto-ensemble"` choice between ETS and the ETS+ARIMA+Theta mean. */
export interface EnsembleValidation {
  /** The forecast chosen. */
  readonly choice: "ets" | "ets+arima+theta";
  /** Origins scored (0: series too short, ETS was kept). */
  readonly origins: number;
  /** Steps forecast from each origin. */
  readonly horizon: number;
  /** Mean absolute error of each candidate over the scored origins and steps (NaN when nothing was scored). */
  readonly errors: {
    /** ETS alone. */
    readonly ets: number;
    /** The equal-weight mean of ETS, ARIMA and Theta. */
    readonly "ets+arima+theta": number;
  };
}

/** The model behind a forecast; `method` tells which. */
export type ForecastModel =
  | EtsForecastModel
  | HoltWintersForecastModel
  | ThetaForecastModel
  | ArimaForecastModel
  | CombinationForecastModel;

/** A stored forecast. */
export interface Forecast {
  /** Id for `TimeSeriesForecastingEngine.getForecast`. */
  readonly forecastId: string;
  /** The series name given to `generateForecast`. */
  readonly name: string;
  /** When it was made (epoch ms). */
  readonly createdAt: number;
  /** Points the model was fitted on. */
  readonly trainingPoints: number;
  /**
   * Points of `historicalData` the `outOfOrder` policy left out (earlier than the point before them, or repeating
   * its timestamp with `"drop"`). Absent in forecasts stored by earlier versions.
   */
  readonly droppedPoints?: number;
  /** Steps forecast. */
  readonly horizon: number;
  /** Interval levels, ascending. */
  readonly levels: readonly number[];
  /** `analytic` (formulas; every model the engine fits today), `simulation` (seeded sample paths) otherwise. */
  readonly intervalMethod: "analytic" | "simulation";
  /** The fitted model. */
  readonly model: ForecastModel;
  /** One entry per step. */
  readonly points: readonly ForecastPoint[];
  /** Present with `model: "auto-cv"`: the cross-validation errors behind the chosen model. */
  readonly validation?: ModelValidation;
  /** Present with `model: "auto-ensemble"`: the cross-validation errors behind its choice. */
  readonly ensembleValidation?: EnsembleValidation;
  /** Rolling-origin coverage of the intervals, when `calibration` was requested. */
  readonly calibration?: BacktestCoverage;
}
