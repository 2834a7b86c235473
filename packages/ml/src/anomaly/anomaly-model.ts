import type { ResolvedAnomalyDetectionEngineOptions } from "./anomaly-detection-engine-options";
import { type AnomalyDetection, type AnomalySeverity, SEVERITIES, severityOf } from "./anomaly-detection-engine-types";
import { type Assessment, type Detector, deviationScore } from "./detectors/detector";

/**
 * The `"auto"` detector's score is the anomaly likelihood's z (see `likelihoodScore`); a point is reported when it
 * exceeds this multiple of `sensitivityThreshold`, i.e. when the likelihood exceeds `1 − P(Z > 1.2 × threshold)`:
 * 0.99865 for the default 2.5 (chosen by leave-one-category-out validation on NAB, see BENCHMARKS.md).
 */
export const LIKELIHOOD_THRESHOLD_FACTOR = 1.2;

/**
 * The `"resonance"` detector's score is 10 × its models' mean confidence; a point is reported when it exceeds this
 * multiple of `sensitivityThreshold`: a mean confidence above 0.18 for the default 2.5 (the setting chosen by
 * leave-one-category-out validation on NAB, see BENCHMARKS.md).
 */
export const RESONANCE_THRESHOLD_FACTOR = 0.72;

/**
 * The score threshold of a detector for a `sensitivityThreshold`: the threshold itself, for `"auto"` the likelihood
 * threshold {@link LIKELIHOOD_THRESHOLD_FACTOR} × it, for `"resonance"` {@link RESONANCE_THRESHOLD_FACTOR} × it.
 *
 * @param options - The engine's resolved options.
 * @returns The score a point must exceed.
 */
export function scoreThreshold(options: ResolvedAnomalyDetectionEngineOptions): number {
  const { detector, sensitivityThreshold } = options;
  if (detector === "auto") return LIKELIHOOD_THRESHOLD_FACTOR * sensitivityThreshold;
  return detector === "resonance" ? RESONANCE_THRESHOLD_FACTOR * sensitivityThreshold : sensitivityThreshold;
}

/** One trained model of the engine: its detector and what the engine tracks around it. */
export interface AnomalyModel {
  readonly detector: Detector;
  lastTimestamp: number;
  /** Points left in the current cooldown. */
  cooldownRemaining: number;
  /** Severity of the anomaly that started the current cooldown; only a more severe one is reported inside it. */
  cooldownSeverity: AnomalySeverity;
  /** Its deviation (or score), see {@link stepAnomalyModel}. */
  cooldownMagnitude: number;
  pointsSeen: number;
  droppedPoints: number;
  readonly anomalies: AnomalyDetection[];
}

/**
 * A fresh model around a trained detector.
 *
 * @param detector - The trained detector.
 * @param lastTimestamp - Epoch ms of the last training point.
 * @param pointsSeen - Training points.
 * @param droppedPoints - Training points left out by the out-of-order policy.
 * @returns The model.
 */
export function createAnomalyModel(
  detector: Detector,
  lastTimestamp: number,
  pointsSeen: number,
  droppedPoints: number,
): AnomalyModel {
  return {
    detector,
    lastTimestamp,
    cooldownRemaining: 0,
    cooldownSeverity: "low",
    cooldownMagnitude: 0,
    pointsSeen,
    droppedPoints,
    anomalies: [],
  };
}

/**
 * Scores one point against a model, learns from it, and returns the anomaly to report, if any. The rules:
 * - a point is an anomaly when the detector's score exceeds the threshold (see {@link scoreThreshold}); with
 *   `"auto"`, whose score measures the recent error rather than the point, the point itself must also deviate by
 *   more than half that threshold, so the points just after a spike are not reported for the spike's sake; the same
 *   holds for `"resonance"` unless its score is about the series' shape (`assessment.shape`), when a point inside
 *   the band is reported too, with kind `"pattern"`;
 * - severity follows the size of the point's deviation for outliers, the score for shapes, level shifts and trend
 *   changes;
 * - inside a cooldown only an anomaly more severe than the one that started it is reported (and starts a new one):
 *   one in a higher severity band, or with at least twice its deviation (bands end at "critical"); a report starts a
 *   cooldown of `cooldown` points, or of `assessment.cooldown` when the detector asks for a longer one
 *   (`"resonance"` does for a report its `"auto"` detector decides alone: one window of its models).
 *
 * @param model - The model; updated in place.
 * @param timestamp - Epoch ms of the point.
 * @param value - The point's value.
 * @param options - The engine's resolved options.
 * @param assessment - Scratch space, reused so streaming allocates nothing per normal point.
 * @returns The anomaly, or `null`.
 */
export function stepAnomalyModel(
  model: AnomalyModel,
  timestamp: number,
  value: number,
  options: ResolvedAnomalyDetectionEngineOptions,
  assessment: Assessment,
): AnomalyDetection | null {
  const { cooldown, maxStoredAnomalies } = options;
  assessment.kind = "outlier";
  assessment.shape = false;
  assessment.cooldown = 0;
  model.detector.assess(value, assessment);
  model.lastTimestamp = timestamp;
  model.pointsSeen += 1;
  const inCooldown = model.cooldownRemaining > 0;
  if (inCooldown) model.cooldownRemaining -= 1;
  const threshold = scoreThreshold(options);
  if (!(assessment.score > threshold)) return null;
  const deviation = deviationScore(value, assessment.expected, assessment.scale);
  // A report about the series' shape ("resonance") needs no deviation of its own, and may lie inside the band.
  // (Read through a widened type: the detector may have set it since it was reset above.)
  const shape = (assessment.shape as boolean | undefined) === true;
  const pointScore = !shape && (options.detector === "auto" || options.detector === "resonance");
  if (pointScore && !(deviation > threshold / 2)) return null;
  const kind = shape && deviation <= threshold ? "pattern" : (assessment.kind ?? "outlier");
  const magnitude = pointScore ? deviation : assessment.score;
  const severity = severityOf(magnitude, threshold);
  // Bands stop at "critical", so a deviation twice the one that started the cooldown also counts as more severe.
  const moreSevere =
    SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(model.cooldownSeverity) ||
    magnitude >= 2 * model.cooldownMagnitude;
  if (inCooldown && !moreSevere) return null;
  // (Read through a widened type, as `shape` above.)
  model.cooldownRemaining = Math.max(cooldown, (assessment.cooldown as number | undefined) ?? 0);
  model.cooldownSeverity = severity;
  model.cooldownMagnitude = magnitude;
  const halfWidth = threshold * assessment.scale;
  // "+ 0" turns −0 into 0, which JSON cannot tell apart, so stored anomalies survive a JSON trip unchanged.
  const anomaly: AnomalyDetection = {
    timestamp,
    value: value + 0,
    score: assessment.score,
    expected: assessment.expected + 0,
    lower: assessment.expected - halfWidth + 0,
    upper: assessment.expected + halfWidth + 0,
    severity,
    kind,
  };
  if (maxStoredAnomalies > 0) {
    if (model.anomalies.length >= maxStoredAnomalies) model.anomalies.shift();
    model.anomalies.push(anomaly);
  }
  return anomaly;
}
