// Loads the NAB files of fixtures/ml and runs the causal evaluation protocol of REFERENCE.md §4 on them.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { AnomalyDetectionEngine } from "../../src/anomaly/anomaly-detection-engine";
import { type NabScore, nabProbationaryLength, scoreNabIndices } from "../../src/anomaly/score-nab";

const FIXTURES = new URL("../../../../fixtures/ml/", import.meta.url);

/** The five NAB files shipped in fixtures/ml, in REFERENCE.md's order. */
export const NAB_FILES = [
  "machine_temperature_system_failure",
  "nyc_taxi",
  "ambient_temperature_system_failure",
  "cpu_utilization_asg_misconfiguration",
  "ec2_request_latency_system_failure",
] as const;

/** Every NAB file of fixtures/ml (29 of NAB's 58), as `category/name` keys of `nab_windows.json`. */
export function corpusFileNames(): string[] {
  const allWindows = JSON.parse(readFileSync(new URL("anomaly/nab/nab_windows.json", FIXTURES), "utf8")) as Record<
    string,
    unknown
  >;
  return Object.keys(allWindows).map((key) => key.replace(/^.*\//, "").replace(/\.csv$/, ""));
}

/** One NAB file: rows, label windows as inclusive row ranges, and the probationary length. */
export interface NabFile {
  readonly name: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly windows: readonly (readonly [number, number])[];
  readonly probationaryLength: number;
}

// NAB timestamps carry no zone; they are read as UTC so results do not depend on the machine's zone.
function nabTime(text: string): number {
  return Date.parse(`${text.slice(0, 19).replace(" ", "T")}Z`);
}

/** Reads one NAB file and its windows (NAB's `combined_windows.json`). */
export function loadNabFile(name: string): NabFile {
  const rows = parse(readFileSync(new URL(`anomaly/nab/${name}.csv`, FIXTURES), "utf8"), {
    columns: true,
    skip_empty_lines: true,
  }) as { timestamp: string; value: string }[];
  const timestamps = Float64Array.from(rows, (row) => nabTime(row.timestamp));
  const values = Float64Array.from(rows, (row) => Number(row.value));
  const allWindows = JSON.parse(readFileSync(new URL("anomaly/nab/nab_windows.json", FIXTURES), "utf8")) as Record<
    string,
    [string, string][]
  >;
  const key = Object.keys(allWindows).find((candidate) => candidate.endsWith(`/${name}.csv`)) ?? "";
  const windows = (allWindows[key] ?? []).map(([start, end]): [number, number] => [
    timestamps.indexOf(nabTime(start)),
    timestamps.indexOf(nabTime(end)),
  ]);
  return { name, timestamps, values, windows, probationaryLength: nabProbationaryLength(rows.length) };
}

/** Flagged row indices of the reference detectors (`reference/anomaly_detections.json`). */
export function loadReferenceDetections(): Record<string, Record<string, number[]>> {
  return JSON.parse(readFileSync(new URL("reference/anomaly_detections.json", FIXTURES), "utf8")) as Record<
    string,
    Record<string, number[]>
  >;
}

/** The per-file reference figures (`reference/anomaly_metrics.csv`). */
export function loadReferenceMetrics(): Record<string, string>[] {
  return parse(readFileSync(new URL("reference/anomaly_metrics.csv", FIXTURES), "utf8"), {
    columns: true,
  }) as Record<string, string>[];
}

/**
 * NAB files are not all strictly increasing in time (machine_temperature_system_failure goes back 55 minutes once;
 * ec2_request_latency_system_failure repeats one timestamp 12 times at a daylight-saving change), which the engine
 * rejects. Rows keep their order and index; a timestamp not later than its predecessor is moved to 1 ms after it.
 * Detectors only use the order of points, so this changes no score.
 */
export function strictlyIncreasing(timestamps: Float64Array): Float64Array {
  const result = Float64Array.from(timestamps);
  for (let index = 1; index < result.length; index += 1) {
    const previous = result[index - 1] as number;
    if ((result[index] as number) <= previous) result[index] = previous + 1;
  }
  return result;
}

/**
 * The causal protocol: train on the probationary rows, then one `detectAnomalies(name, [point])` call per later row;
 * a row is detected when that call returns it. Returns the detected row indices.
 */
export function runCausalProtocol(engine: AnomalyDetectionEngine, file: NabFile): number[] {
  const { values, probationaryLength } = file;
  const timestamps = strictlyIncreasing(file.timestamps);
  const training = Array.from({ length: probationaryLength }, (_, index) => ({
    timestamp: timestamps[index] as number,
    value: values[index] as number,
  }));
  engine.trainModel(file.name, training);
  const detected: number[] = [];
  for (let index = probationaryLength; index < values.length; index += 1) {
    const point = { timestamp: timestamps[index] as number, value: values[index] as number };
    if (engine.detectAnomalies(file.name, [point]).length > 0) detected.push(index);
  }
  return detected;
}

/** Scores detected row indices on a file with NAB's rules. */
export function scoreRows(file: NabFile, rows: readonly number[]): NabScore {
  const flagged = new Uint8Array(file.values.length);
  for (const row of rows) flagged[row] = 1;
  return scoreNabIndices(file.values.length, file.windows, (row) => flagged[row] === 1, file.probationaryLength);
}
