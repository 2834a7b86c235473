import type { ResolvedAnomalyDetectionEngineOptions } from "../anomaly-detection-engine-options";
import { CusumDetector } from "./cusum-detector";
import type { Detector, DetectorState } from "./detector";
import { HoltWintersDetector } from "./holt-winters-detector";
import { invalidState } from "./read-state";
import { ResonanceDetector } from "./resonance-detector";
import { RobustZScoreDetector } from "./robust-zscore-detector";
import { SeasonalDetector } from "./seasonal-detector";
import { SurpriseDetector } from "./surprise-detector";
import { TrendChangeDetector } from "./trend-change-detector";
import { ZScoreDetector } from "./zscore-detector";

type ResolvedOptions = ResolvedAnomalyDetectionEngineOptions;

/** Points per segment of the `"trend"` detector when `window` is 0. */
export const DEFAULT_TREND_SEGMENT = 48;

/** The `"trend"` detector's segment length: half of `window`, or the default. */
function trendHalfWindow(window: number): number {
  return window === 0 ? DEFAULT_TREND_SEGMENT : window >> 1;
}

/** Trains the detector the options select on validated training values. */
export function createDetector(values: Float64Array, options: ResolvedOptions): Detector {
  switch (options.detector) {
    case "zscore":
      return ZScoreDetector.train(values, options.window);
    case "robust-zscore":
      return RobustZScoreDetector.train(values, options.window);
    case "seasonal":
      return SeasonalDetector.train(values, options.seasonalPeriod);
    case "cusum":
      return CusumDetector.train(values, options.sensitivityThreshold);
    case "holt-winters":
      return HoltWintersDetector.train(values, options.seasonalPeriod);
    case "trend":
      return TrendChangeDetector.train(values, trendHalfWindow(options.window));
    case "auto":
      return SurpriseDetector.train(values, options.seasonalPeriod);
    default:
      return ResonanceDetector.train(values, options.seasonalPeriod);
  }
}

/** Rebuilds a detector from its serialised state; throws a `VALIDATION_ERROR` describing what is wrong with it. */
export function restoreDetector(state: unknown, options: ResolvedOptions): Detector {
  if (typeof state !== "object" || state === null || Array.isArray(state)) throw invalidState("must be an object");
  const typed = state as DetectorState;
  if (typed.kind !== options.detector) throw invalidState(`field "kind" must be "${options.detector}"`);
  switch (options.detector) {
    case "zscore":
      return ZScoreDetector.restore(typed, options.window);
    case "robust-zscore":
      return RobustZScoreDetector.restore(typed, options.window);
    case "seasonal":
      return SeasonalDetector.restore(typed);
    case "cusum":
      return CusumDetector.restore(typed, options.sensitivityThreshold);
    case "holt-winters":
      return HoltWintersDetector.restore(typed);
    case "trend":
      return TrendChangeDetector.restore(typed, trendHalfWindow(options.window));
    case "auto":
      return SurpriseDetector.restore(typed);
    default:
      return ResonanceDetector.restore(typed);
  }
}
