import type { AnomalyDetectorKind } from "./anomaly-detection-engine-options";
import type { AnomalyKind } from "./detectors/detector";

export type { AnomalyKind } from "./detectors/detector";

/** How serious an anomaly is, from the size of its deviation relative to the threshold (see {@link severityOf}). */
export type AnomalySeverity = "low" | "medium" | "high" | "critical";

/** The severities from least to most serious. */
export const SEVERITIES: readonly AnomalySeverity[] = ["low", "medium", "high", "critical"];

/** The anomaly kinds a detector reports. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = ["outlier", "level-shift", "trend-change", "pattern"];

/** One anomaly found by the engine. */
export interface AnomalyDetection {
  /** Epoch milliseconds of the point. */
  readonly timestamp: number;
  /** The observed value. */
  readonly value: number;
  /**
   * The detector's z-like score, greater than the threshold: `sensitivityThreshold`, or for `"auto"` (whose score is
   * its anomaly likelihood's z) `1.2 × sensitivityThreshold`.
   */
  readonly score: number;
  /** The value the model expected at this point. */
  readonly expected: number;
  /** Lower edge of the normal band (`expected − threshold × scale`, with the threshold of {@link score}). */
  readonly lower: number;
  /** Upper edge of the normal band (`expected + threshold × scale`, with the threshold of {@link score}). */
  readonly upper: number;
  /**
   * How far the point is from normal, see {@link severityOf}: for outliers the size of the deviation
   * `|value − expected| / scale` (the band's edge is at `threshold`), for level shifts and trend changes the score.
   */
  readonly severity: AnomalySeverity;
  /**
   * What kind of departure the detector saw: `"level-shift"` from `"cusum"`, `"trend-change"` from `"trend"`,
   * `"pattern"` from `"resonance"` when the point lies inside the normal band (the recent shape of the series is
   * new, not the value), `"outlier"` otherwise. Always set by this version; absent only in anomalies stored by
   * earlier versions.
   */
  readonly kind?: AnomalyKind;
}

/**
 * The anomalies of one `detectAnomalies` call, in order. It is an ordinary array with one extra, non-enumerable
 * property, so it compares, spreads and serialises like the array it is.
 */
export type AnomalyDetections = AnomalyDetection[] & {
  /** Points of the call left out by the `outOfOrder` policy (earlier than the model's last point, or repeated). */
  readonly droppedPoints: number;
};

/** A summary of a trained model, from {@link AnomalyDetectionEngine.getModel}. */
export interface AnomalyModelInfo {
  /** The detector that scores this model's points. */
  readonly detector: AnomalyDetectorKind;
  /** Points learned from (training plus every point fed since). */
  readonly pointsSeen: number;
  /** Epoch milliseconds of the last point learned. */
  readonly lastTimestamp: number;
  /** Anomalies currently stored. */
  readonly storedAnomalies: number;
  /** Points left out by the `outOfOrder` policy since the model was trained (training data included). */
  readonly droppedPoints: number;
}

/**
 * The severity band of a deviation relative to the threshold `t`: `low` below 1.5t, `medium` below 2t, `high`
 * below 3t, `critical` from 3t on. The engine passes the size of the deviation for outliers (so a point far
 * outside the normal band is critical whatever the detector's score) and the score for level shifts and trend
 * changes.
 *
 * @param score - A deviation or score above the threshold.
 * @param threshold - The engine's threshold: `sensitivityThreshold`, or `1.2 × sensitivityThreshold` for `"auto"`.
 * @returns The band.
 * @example
 * ```ts
 * severityOf(9, 3); // "critical"
 * ```
 */
export function severityOf(score: number, threshold: number): AnomalySeverity {
  if (score < 1.5 * threshold) return "low";
  if (score < 2 * threshold) return "medium";
  if (score < 3 * threshold) return "high";
  return "critical";
}
