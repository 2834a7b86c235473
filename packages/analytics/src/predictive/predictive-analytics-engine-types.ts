import type { ForecastPoint } from "@pelbiot/ml";
import type { MannKendallResult } from "./mann-kendall";

export type { MannKendallResult } from "./mann-kendall";

/** One observation, the guide's `{ timestamp, value }`: epoch milliseconds, an ISO-8601 string or a `Date`. */
export interface PredictivePoint {
  /** When it was observed: epoch milliseconds, an ISO 8601 string or a `Date`. */
  readonly timestamp: number | string | Date;
  /** The observed value, a finite number. */
  readonly value: number;
}

/** A series for the trend and seasonality analyses: plain values (oldest first) or points. */
export type SeriesInput = readonly number[] | readonly PredictivePoint[];

/** Per-call options of `trainModel`; each overrides the engine's. */
export interface TrainModelOptions {
  /**
   * The forecasting model, as `TimeSeriesForecastingEngine` names it: `"auto"` (ETS form by AICc), an ETS code
   * such as `"AAN"` or `"MAdM"`, `"theta"`, `"ets+theta"`, `"HW-additive"`, `"HW-multiplicative"` or `"auto-cv"`.
   * @default the engine's `model`
   */
  model?: string | undefined;
  /** Seasonal period in steps (1 = none). @default detected from the spacing and the data */
  seasonalPeriod?: number | undefined;
}

/** Per-call options of `makePrediction`. */
export interface MakePredictionOptions {
  /** Steps to forecast. @default the engine's `forecastHorizon` */
  forecastHorizon?: number | undefined;
  /** Prediction-interval levels in percent. @default the engine's `levels` */
  levels?: readonly number[] | undefined;
}

/** A trained model, as `trainModel` and `getModel` describe it. */
export interface TrainedModelInfo {
  /** The id given to `trainModel`. */
  readonly modelId: string;
  /** When `trainModel` fitted it (epoch ms). */
  readonly trainedAt: number;
  /** When `makePrediction` last added data to it (epoch ms); `trainedAt` until then. */
  readonly updatedAt: number;
  /** Observations held (the training data plus what predictions added, the newest `maxHistoryPoints`). */
  readonly points: number;
  /** Epoch ms of the newest observation. */
  readonly lastTimestamp: number;
  /** The fitted model's name, e.g. `"ETS(M,A,N)"`. */
  readonly modelName: string;
  /** The model code every prediction refits, e.g. `"MAN"`: the form chosen at training stays fixed. */
  readonly modelCode: string;
  /** Seasonal period used (1 = none). */
  readonly seasonalPeriod: number;
}

/** The result of `makePrediction`. */
export interface Prediction {
  /** The model that made it, as returned by `trainModel`. */
  readonly modelId: string;
  /** When it was made (epoch ms). */
  readonly createdAt: number;
  /** The model refitted on the updated history, e.g. `"ETS(M,A,N)"`. */
  readonly modelName: string;
  /** Observations the model was refitted on. */
  readonly trainingPoints: number;
  /** Points of `recentData` newer than the model's history, appended to it. */
  readonly addedPoints: number;
  /** Points of `recentData` at a timestamp already held, whose value replaced the held one. */
  readonly replacedPoints: number;
  /** Interval levels, ascending. */
  readonly levels: readonly number[];
  /** One entry per step: timestamp, point forecast and one interval per level. */
  readonly points: readonly ForecastPoint[];
}

/** Direction of a trend: significant by the Mann-Kendall test at the engine's `significanceLevel`, or not. */
export type TrendDirection = "increasing" | "decreasing" | "no_trend";

/** The result of `calculateTrend`. */
export interface TrendAnalysis {
  /** Observations analysed. */
  readonly n: number;
  /** `increasing`/`decreasing` when the Mann-Kendall p-value is below `significanceLevel`, else `no_trend`. */
  readonly direction: TrendDirection;
  /** Whether the Mann-Kendall test is significant at `significanceLevel`. */
  readonly significant: boolean;
  /** Least-squares slope per step (per observation). */
  readonly slope: number;
  /** Least-squares intercept at the first observation. */
  readonly intercept: number;
  /** Coefficient of determination of the least-squares line (0 for a constant series). */
  readonly rSquared: number;
  /** Sen's slope per step: the median of every pairwise slope, robust to outliers. */
  readonly senSlope: number;
  /** Intercept of Sen's line at the first observation. */
  readonly senIntercept: number;
  /**
   * Change over the series along Sen's line, in percent of its start: 100 · senSlope · (n − 1) / |senIntercept|;
   * `null` when the line starts at 0.
   */
  readonly percentChange: number | null;
  /** The Mann-Kendall test. */
  readonly mannKendall: MannKendallResult;
}

/** The result of `detectSeasonality`. */
export interface SeasonalityAnalysis {
  /** The seasonal period in steps: given, or detected from the autocorrelation of the differences; 1 = none. */
  readonly period: number;
  /**
   * Strength of seasonality, Hyndman & Athanasopoulos (FPP3 §4.3): F_S = max(0, 1 − Var(R) / Var(S + R)) from an
   * STL decomposition, in [0, 1]; 0 when the period is 1 or the series holds fewer than two periods.
   */
  readonly strength: number;
  /** Strength of trend from the same decomposition, F_T = max(0, 1 − Var(R) / Var(T + R)). */
  readonly trendStrength: number;
  /** Whether `period > 1` and `strength` reaches the engine's `minSeasonalStrength`. */
  readonly seasonal: boolean;
}
