import { type Clock, createValidator, systemClock } from "@pelbiot/core";
import { OUT_OF_ORDER_POLICIES, type OutOfOrderPolicy } from "../series/time-series";

/** The detectors the engine can run. See {@link AnomalyDetectionEngineOptions.detector}. */
export type AnomalyDetectorKind =
  | "resonance"
  | "auto"
  | "zscore"
  | "robust-zscore"
  | "seasonal"
  | "cusum"
  | "holt-winters"
  | "trend";

/** Options of {@link AnomalyDetectionEngine}. Every model of the engine uses them. */
export interface AnomalyDetectionEngineOptions {
  /**
   * The z-like score above which a point is an anomaly (strictly greater), and the half-width of the normal band
   * `expected ± sensitivityThreshold × scale` reported with each anomaly. Lower values report more anomalies and
   * more false positives: on Gaussian noise the plain z-score flags 1.2% of points at 2.5, 0.27% at 3, 0.05% at
   * 3.5 and 0.006% at 4.
   *
   * With the `"auto"` detector, whose score is the anomaly likelihood's z, the threshold maps onto the likelihood:
   * a point is reported when its likelihood exceeds `1 − P(Z > 1.2 × sensitivityThreshold)` (0.99865 at 2.5,
   * 0.99982 at 3, 0.99997 at 3.5), and the point itself must also deviate by more than half of
   * `1.2 × sensitivityThreshold`, so the points after a spike (whose recent error is still high) are not reported
   * as anomalies themselves. Its default 2.5, the design guide's value, scored best on NAB under
   * leave-one-category-out validation (see BENCHMARKS.md).
   *
   * With `"resonance"`, whose score is 10 × its models' mean confidence, a point is reported when the score exceeds
   * `0.72 × sensitivityThreshold`: a mean confidence above 0.18 at the default 2.5 (chosen the same way). The point
   * check of `"auto"` applies unless the novelty outweighs the likelihood (then the report is about the series'
   * shape, and its point may lie inside the band), and the band is `"auto"`'s with `0.72 × sensitivityThreshold`.
   * @default 2.5 for "auto" and "resonance", 3.5 otherwise
   */
  sensitivityThreshold?: number;
  /** Fewest training points `trainModel` accepts. @default 50 */
  minTrainingPoints?: number;
  /**
   * Which detector scores the points:
   * - `"resonance"` (the default): NAB's ARTime in our port. Four adaptive-resonance models (fuzzy ART with two
   *   vigilances, on windows of 8 downsampled steps, scale margins 0.3, 0.6, 1.2 and 2.4 of the training range)
   *   learn the stream's recent shapes, and a window like none of them is reported with their mean confidence. The
   *   `"auto"` detector runs underneath for the band, and decides alone a value beyond the range seen so far that
   *   the models do not report (as `"auto"` would decide it; such a report starts a cooldown of one window, so the
   *   window holding it is not reported again), so an obvious spike is reported at once, also in the 12 or more
   *   steps after training in which the models, like ARTime's, are silent (a step is `training points / 104`
   *   points, at least 2). Scores 79.7 on the 29 NAB files of fixtures/ml in sample and 78.0 held out over its
   *   threshold × cooldown grid (`"auto"`: 70.2 both). It streams at about 0.5M points per second, about 5 times
   *   slower than `"auto"` (see BENCHMARKS.md; its category search runs as WebAssembly SIMD where available, about
   *   4 times slower without), and keeps up to 256 categories of 32 numbers per model (a snapshot of up to about
   *   270 KB of JSON per engine model). Detections have `kind: "pattern"` when their point lies inside the band.
   * - `"auto"`: for speed and small snapshots: seasonal baseline (period detected from the training data's
   *   autocorrelation, or {@link seasonalPeriod}), then the surprise of the recent mean absolute residual against
   *   its own long-run distribution, like NAB's anomaly likelihood; catches spikes, level shifts and changes in
   *   noise. The surprise counts only while the stream's recent levels make transitions it has not made before
   *   (contexts of the last 1 to 6 of eight levels over the training range, a dictionary of at most 4096
   *   transitions), so recurring bursts are not reported. O(1) per point, 1.8–3.5M points per second.
   * - `"zscore"`: the classic `(x − μ) / σ`, μ and σ from the training data (`window: 0`) or the last `window` points.
   * - `"robust-zscore"`: `(x − median) / (1.4826 · MAD)` over the training data (`window: 0`) or the last `window` points.
   * - `"seasonal"`: robust score of the residual from a robust STL decomposition of the training data (seasonal
   *   profile + level, both kept up to date online).
   * - `"cusum"`: two-sided CUSUM on standardised values for level shifts; score `S / 2`, so a threshold of 2.5 is
   *   the textbook decision interval h = 5σ with slack k = 0.5σ. Detections have `kind: "level-shift"`.
   * - `"holt-winters"`: robust score of the one-step error of the classic additive Holt-Winters model fitted by the
   *   forecasting engine's code (Holt's linear method when the series has no season), continued online.
   * - `"trend"`: trend changes, the t statistic of the slope difference between the older and the newer half of the
   *   last `window` points (two-segment regression). Detections have `kind: "trend-change"`.
   * @default "resonance"
   */
  detector?: AnomalyDetectorKind;
  /**
   * Rolling window of `"zscore"` and `"robust-zscore"` in points; 0 keeps the training statistics fixed. For
   * `"trend"`, the points of both segments together (at least 6; an odd value loses one), 0 meaning 96.
   * @default 0
   */
  window?: number;
  /** Seasonal period in points for `"resonance"` and `"auto"` (their baseline), `"seasonal"` and `"holt-winters"`; 0 detects it from the autocorrelation, 1 disables seasonality. @default 0 */
  seasonalPeriod?: number;
  /**
   * After a reported anomaly, the next `cooldown` points of the same model are scored and learned from but only
   * reported when they are more severe than the anomaly that started the cooldown (which then starts a new one), so
   * one incident raises one alert instead of a burst, and a cooldown never hides a worse anomaly. (With
   * `"resonance"`, a report its `"auto"` detector decides alone starts a cooldown of at least one window of its
   * models.)
   * @default 0 for "zscore" and "resonance", 400 otherwise
   */
  cooldown?: number;
  /** Anomalies kept per model for {@link AnomalyDetectionEngine.getAnomalies}; the oldest are dropped first. @default 1000 */
  maxStoredAnomalies?: number;
  /**
   * Points whose timestamp is not later than the model's last one: `"accept"` scores points with an equal
   * timestamp (a repeated daylight-saving hour) and leaves out earlier ones, `"drop"` leaves out both, `"reject"`
   * throws `VALIDATION_ERROR`. Left-out points are counted in `droppedPoints` (see {@link AnomalyDetections}).
   * @default "accept"
   */
  outOfOrder?: OutOfOrderPolicy;
  /**
   * Length of the intervals in which {@link AnomalyDetectionEngine.trackEvent} counts events; each closed interval's
   * count is one point of the event's rate series (empty intervals count 0).
   * @default 60000
   */
  eventIntervalMs?: number;
  /** Source of the time of `trackEvent` calls that give none. Not saved by `toJSON`. @default systemClock */
  clock?: Clock;
}

/** The options with every default applied. */
export type ResolvedAnomalyDetectionEngineOptions = Readonly<Required<AnomalyDetectionEngineOptions>>;

/** The options a snapshot keeps: all but the clock. */
export type SerialisedAnomalyDetectionEngineOptions = Readonly<Required<Omit<AnomalyDetectionEngineOptions, "clock">>>;

const DETECTORS: readonly AnomalyDetectorKind[] = [
  "auto",
  "resonance",
  "zscore",
  "robust-zscore",
  "seasonal",
  "cusum",
  "holt-winters",
  "trend",
];

/** Every option the engine accepts; anything else is a typo the constructor reports. */
export const ANOMALY_OPTION_KEYS: readonly (keyof AnomalyDetectionEngineOptions)[] = [
  "sensitivityThreshold",
  "minTrainingPoints",
  "detector",
  "window",
  "seasonalPeriod",
  "cooldown",
  "maxStoredAnomalies",
  "outOfOrder",
  "eventIntervalMs",
  "clock",
];

/**
 * Validates the engine's options and applies the defaults.
 *
 * @param options - What the caller passed (anything).
 * @returns The resolved options, frozen.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each bad or unknown option (with the nearest known one).
 */
export function resolveAnomalyDetectionEngineOptions(options: unknown): ResolvedAnomalyDetectionEngineOptions {
  const check = createValidator("AnomalyDetectionEngine constructor");
  if (options !== undefined && !check.object("options", options)) check.done();
  const given = (options ?? {}) as AnomalyDetectionEngineOptions;
  const {
    detector = "resonance",
    sensitivityThreshold = detector === "resonance" || detector === "auto" ? 2.5 : 3.5,
    minTrainingPoints = 50,
    window = 0,
    seasonalPeriod = 0,
    cooldown = detector === "zscore" || detector === "resonance" ? 0 : 400,
    maxStoredAnomalies = 1000,
    outOfOrder = "accept",
    eventIntervalMs = 60_000,
    clock = systemClock,
  } = given;
  check.number("options.sensitivityThreshold", sensitivityThreshold, { positive: true });
  check.number("options.minTrainingPoints", minTrainingPoints, { integer: true, min: 2 });
  check.oneOf("options.detector", detector, DETECTORS);
  check.number("options.window", window, { integer: true, min: 0 });
  if (window === 1) check.fail("options.window", "must be 0 (fixed training statistics) or at least 2");
  if (detector === "trend" && window > 0 && window < 6) {
    check.fail("options.window", 'must be 0 (96 points) or at least 6 for the "trend" detector (two segments of 3)');
  }
  check.number("options.seasonalPeriod", seasonalPeriod, { integer: true, min: 0 });
  check.number("options.cooldown", cooldown, { integer: true, min: 0 });
  check.number("options.maxStoredAnomalies", maxStoredAnomalies, { integer: true, min: 0 });
  check.oneOf("options.outOfOrder", outOfOrder, OUT_OF_ORDER_POLICIES);
  check.durationMs("options.eventIntervalMs", eventIntervalMs, { min: 1 });
  check.clock("options.clock", clock);
  check.knownKeys("options", given as Record<string, unknown>, ANOMALY_OPTION_KEYS);
  check.done();
  return Object.freeze({
    sensitivityThreshold,
    minTrainingPoints,
    detector,
    window,
    seasonalPeriod,
    cooldown,
    maxStoredAnomalies,
    outOfOrder,
    eventIntervalMs,
    clock,
  });
}
