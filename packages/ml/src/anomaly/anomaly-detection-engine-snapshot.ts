import { createValidator, PelbiotError, readSnapshot } from "@pelbiot/core";
import type {
  ResolvedAnomalyDetectionEngineOptions,
  SerialisedAnomalyDetectionEngineOptions,
} from "./anomaly-detection-engine-options";
import {
  ANOMALY_KINDS,
  type AnomalyDetection,
  type AnomalySeverity,
  SEVERITIES,
  severityOf,
} from "./anomaly-detection-engine-types";
import { type AnomalyModel, LIKELIHOOD_THRESHOLD_FACTOR, scoreThreshold } from "./anomaly-model";
import { restoreDetector } from "./detectors/create-detector";
import { type DetectorState, deviationScore } from "./detectors/detector";

/** The snapshot format `toJSON()` writes. */
export const ANOMALY_SNAPSHOT_FORMAT = "pelbiot.ml.AnomalyDetectionEngine";
/** The header of snapshots written before the shared format (read as version 1). */
const LEGACY_FORMAT = "pelbiot.anomaly-detection-engine";
const CONTEXT = "AnomalyDetectionEngine.fromJSON";

/** The serialised form of an engine, from {@link AnomalyDetectionEngine.toJSON}. */
export interface AnomalyDetectionEngineJson {
  /** Always `ANOMALY_SNAPSHOT_FORMAT`. */
  readonly format: typeof ANOMALY_SNAPSHOT_FORMAT;
  /**
   * 6 since a `"resonance"` model's category weights and norms are base64 text of their float64 bytes (about half
   * the size; version 5's number arrays are still read); 5 since a model may run the `"resonance"` detector (its state holds the categories of its adaptive-resonance
   * models) and anomalies may have `kind: "pattern"`; 4 since the `"auto"` detector's state holds its context gate (the levels of recent values and a dictionary of
   * 4096 transitions); 3 since its `sensitivityThreshold` maps onto its likelihood threshold (and its state keeps
   * the range of values seen); 2 since the cooldown keeps the severity that started it. Older versions are still
   * read: an `"auto"` model from version 1–3 runs without the context gate, so it reports as it did, and before
   * version 3 an `"auto"` engine's threshold is divided by the mapping's factor 1.2.
   */
  readonly version: 6;
  /** The engine's options (without the clock). */
  readonly options: SerialisedAnomalyDetectionEngineOptions;
  /** Every trained model, by model id. */
  readonly models: Readonly<Record<string, AnomalyModelJson>>;
}

/** One model in {@link AnomalyDetectionEngineJson}. */
export interface AnomalyModelJson {
  /** The detector's kind and learned state, as plain numbers. */
  readonly detector: DetectorState;
  /** Epoch milliseconds of the newest point learned from. */
  readonly lastTimestamp: number;
  /** Points left in the current cooldown (0 outside one). */
  readonly cooldownRemaining: number;
  /** The severity that started the cooldown (absent in version 1). */
  readonly cooldownSeverity?: AnomalySeverity;
  /** The deviation (or score) that started the cooldown (absent in version 1). */
  readonly cooldownMagnitude?: number;
  /** Points learned from (training plus every point fed since). */
  readonly pointsSeen: number;
  /** Points left out by the out-of-order policy (absent in version 1). */
  readonly droppedPoints?: number;
  /** The most recent anomalies reported, oldest first, at most `maxStoredAnomalies`. */
  readonly anomalies: readonly AnomalyDetection[];
}

// JSON writes −0 as 0; turning −0 into 0 here makes `toJSON()` equal before and after a trip through JSON text.
function withoutNegativeZero(state: DetectorState): DetectorState {
  const result: Record<string, string | number | readonly number[]> = {};
  for (const [field, value] of Object.entries(state)) {
    result[field] =
      typeof value === "number" ? value + 0 : typeof value === "string" ? value : value.map((item) => item + 0);
  }
  return result as DetectorState;
}

function serialisableOptions(options: ResolvedAnomalyDetectionEngineOptions): SerialisedAnomalyDetectionEngineOptions {
  const { clock: _clock, ...rest } = options;
  return rest;
}

/**
 * Writes the engine's options and models as plain JSON data.
 *
 * @param options - The resolved options.
 * @param models - The trained models by name.
 * @returns The snapshot.
 */
export function toAnomalySnapshot(
  options: ResolvedAnomalyDetectionEngineOptions,
  models: ReadonlyMap<string, AnomalyModel>,
): AnomalyDetectionEngineJson {
  const written: Record<string, AnomalyModelJson> = {};
  for (const [name, model] of models) {
    written[name] = {
      detector: withoutNegativeZero(model.detector.toState()),
      lastTimestamp: model.lastTimestamp,
      cooldownRemaining: model.cooldownRemaining,
      cooldownSeverity: model.cooldownSeverity,
      cooldownMagnitude: model.cooldownMagnitude,
      pointsSeen: model.pointsSeen,
      droppedPoints: model.droppedPoints,
      anomalies: model.anomalies.map((anomaly) => ({ ...anomaly })),
    };
  }
  return { format: ANOMALY_SNAPSHOT_FORMAT, version: 6, options: serialisableOptions(options), models: written };
}

/**
 * Reads a snapshot (this version's, or version 1 under its old header) into options and models.
 *
 * @param json - The snapshot, as an object or JSON text.
 * @param resolveOptions - Builds the engine's options from the snapshot's (the constructor's validation).
 * @returns The options as stored and the models, validated.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any bad field, with its path.
 * @throws {PelbiotError} UNSUPPORTED for a snapshot from a newer release.
 */
export function fromAnomalySnapshot(
  json: unknown,
  resolveOptions: (options: unknown) => ResolvedAnomalyDetectionEngineOptions,
): { options: unknown; models: Map<string, AnomalyModel> } {
  const { snapshot, version } = readSnapshot(withCurrentHeader(json), {
    context: CONTEXT,
    format: ANOMALY_SNAPSHOT_FORMAT,
    versions: [1, 2, 3, 4, 5, 6],
  });
  const check = createValidator(CONTEXT);
  if (snapshot.options !== undefined) check.object("json.options", snapshot.options);
  if (!check.object("json.models", snapshot.models)) check.done();
  check.done();
  const withDetector = version < 6 ? withAutoDetector(snapshot.options) : snapshot.options;
  const storedOptions = version < 3 ? withLikelihoodThreshold(withDetector) : withDetector;
  const options = resolveOptions(storedOptions);
  const models = new Map<string, AnomalyModel>();
  for (const [name, entry] of Object.entries(snapshot.models as Record<string, unknown>)) {
    const at = `json.models.${name}`;
    if (!check.object(at, entry)) continue;
    const model = entry as unknown as AnomalyModelJson;
    check.number(`${at}.lastTimestamp`, model.lastTimestamp);
    check.number(`${at}.cooldownRemaining`, model.cooldownRemaining, { integer: true, min: 0 });
    check.number(`${at}.pointsSeen`, model.pointsSeen, { integer: true, min: 0 });
    if (model.droppedPoints !== undefined) {
      check.number(`${at}.droppedPoints`, model.droppedPoints, { integer: true, min: 0 });
    }
    if (model.cooldownSeverity !== undefined) check.oneOf(`${at}.cooldownSeverity`, model.cooldownSeverity, SEVERITIES);
    if (model.cooldownMagnitude !== undefined) {
      check.number(`${at}.cooldownMagnitude`, model.cooldownMagnitude, { min: 0 });
    }
    const anomaliesValid = check.array(`${at}.anomalies`, model.anomalies);
    if (anomaliesValid) {
      for (const [index, anomaly] of model.anomalies.entries())
        checkAnomaly(check, `${at}.anomalies.${index}`, anomaly);
    }
    let detector: ReturnType<typeof restoreDetector> | undefined;
    try {
      detector = restoreDetector(model.detector, options);
    } catch (error) {
      check.fail(`${at}.detector`, PelbiotError.is(error) ? error.message : "is not a valid detector state");
    }
    if (detector === undefined || !anomaliesValid || check.issues.length > 0) continue;
    const anomalies = model.anomalies.map((anomaly) => ({ ...anomaly }));
    // Version 1 kept neither: the newest stored anomaly started the cooldown, if it was kept.
    const newest = anomalies.at(-1);
    const magnitude = newest ? magnitudeOf(newest, options) : 0;
    models.set(name, {
      detector,
      lastTimestamp: model.lastTimestamp,
      cooldownRemaining: model.cooldownRemaining,
      cooldownSeverity: model.cooldownSeverity ?? severityOf(magnitude, scoreThreshold(options)),
      cooldownMagnitude: model.cooldownMagnitude ?? magnitude,
      pointsSeen: model.pointsSeen,
      droppedPoints: model.droppedPoints ?? 0,
      anomalies,
    });
  }
  check.done();
  return { options: storedOptions, models };
}

/**
 * Until version 6 the default detector was `"auto"`: a snapshot of those versions whose options leave the detector out
 * meant it, and keeps it rather than taking today's default, `"resonance"`.
 */
function withAutoDetector(options: unknown): unknown {
  if (options === undefined) return { detector: "auto" };
  if (typeof options !== "object" || options === null || "detector" in options) return options;
  return { ...options, detector: "auto" };
}

/**
 * Before version 3 the `"auto"` detector compared its score with `sensitivityThreshold` itself (default 3.5); now
 * with 1.2 × it. Dividing an older `"auto"` snapshot's threshold by 1.2 keeps its score threshold, point check,
 * band and severities exactly as they were. Malformed options are left for the constructor's validation to report.
 */
function withLikelihoodThreshold(options: unknown): unknown {
  if (typeof options !== "object" || options === null) return options;
  const stored = options as Record<string, unknown>;
  if ((stored.detector ?? "auto") !== "auto") return options;
  const threshold = stored.sensitivityThreshold ?? 3.5;
  if (typeof threshold !== "number") return options;
  return { ...stored, sensitivityThreshold: threshold / LIKELIHOOD_THRESHOLD_FACTOR };
}

// Snapshots of the previous release say `format: "pelbiot.anomaly-detection-engine", version: 1`.
function withCurrentHeader(json: unknown): unknown {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      return json;
    }
  }
  if (typeof value === "object" && value !== null && (value as { format?: unknown }).format === LEGACY_FORMAT) {
    return { ...(value as object), format: ANOMALY_SNAPSHOT_FORMAT };
  }
  return value;
}

// What the engine compares inside a cooldown: the deviation in band units for "auto", the score otherwise.
function magnitudeOf(anomaly: AnomalyDetection, options: ResolvedAnomalyDetectionEngineOptions): number {
  if (options.detector !== "auto") return anomaly.score;
  const scale = (anomaly.upper - anomaly.lower) / (2 * scoreThreshold(options));
  return deviationScore(anomaly.value, anomaly.expected, scale);
}

function checkAnomaly(check: ReturnType<typeof createValidator>, path: string, anomaly: unknown): void {
  if (!check.object(path, anomaly)) return;
  for (const field of ["timestamp", "value", "score", "expected", "lower", "upper"] as const) {
    check.number(`${path}.${field}`, anomaly[field]);
  }
  check.oneOf(`${path}.severity`, anomaly.severity, SEVERITIES);
  if (anomaly.kind !== undefined) check.oneOf(`${path}.kind`, anomaly.kind, ANOMALY_KINDS);
}
