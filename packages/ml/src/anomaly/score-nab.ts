import { createValidator, describeType, toEpochMillis } from "@pelbiot/core";

/** A timestamp as users pass it: epoch milliseconds, an ISO-8601 string or a `Date`. */
export type NabTimestamp = number | string | Date;

/** Weights of one NAB application profile (NAB's `config/profiles.json`). */
export interface NabProfile {
  /** Credit for a detected window, scaled by how early in the window the first detection falls. */
  readonly tpWeight: number;
  /** Penalty per flagged row outside every window, scaled by NAB's sigmoid of its distance from the last window. */
  readonly fpWeight: number;
  /** Penalty for a window without any detection. */
  readonly fnWeight: number;
}

/** The names of NAB's three application profiles. */
export type NabProfileName = "standard" | "reward_low_FP_rate" | "reward_low_FN_rate";

/**
 * NAB's three application profiles, exactly as NAB defines them: `standard` (A_TP 1, A_FP 0.11, A_FN 1),
 * `reward_low_FP_rate` (false positives cost twice as much: A_FP 0.22) and `reward_low_FN_rate` (missed windows
 * cost twice as much: A_FN 2).
 */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabProfile>> = Object.freeze({
  standard: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }),
  reward_low_FP_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }),
  reward_low_FN_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }),
});

/** The score of one file (or, summed, of a corpus) under one profile. */
export interface NabProfileScore {
  /** The detector's raw score. */
  readonly raw: number;
  /** The raw score of the detector that never fires: `-fnWeight` per window. */
  readonly null: number;
  /** The raw score of the detector that fires on the first row of every window: `tpWeight` per window. */
  readonly perfect: number;
  /** `100 * (raw - null) / (perfect - null)`; `0` when there is no window to score. */
  readonly normalised: number;
}

/** The result of {@link scoreNab}. */
export interface NabScore {
  /** Rows excluded from scoring at the start (NAB's probationary period). */
  readonly probationaryLength: number;
  /** Windows with at least one row after the probationary period. */
  readonly windows: number;
  /** Windows with at least one scored detection. */
  readonly windowsDetected: number;
  /** Scored detections (rows after the probationary period). */
  readonly detections: number;
  /** Scored detections inside a window. */
  readonly detectionsInWindows: number;
  /** Scored detections outside every window; NAB charges each one. */
  readonly falsePositives: number;
  /** The score under each of NAB's profiles. */
  readonly profiles: Readonly<Record<NabProfileName, NabProfileScore>>;
}

/** What {@link scoreNab} scores: one labelled series and a detector's output on it. */
export interface NabScoringInput {
  /** Every row's timestamp, strictly increasing (the whole file, probationary rows included). */
  readonly timestamps: readonly NabTimestamp[] | Float64Array;
  /** Label windows `[start, end]`, inclusive, in time order and not overlapping. */
  readonly windows: readonly (readonly [NabTimestamp, NabTimestamp])[];
  /** Timestamps of the rows the detector flagged; each must be one of `timestamps`. */
  readonly detections: readonly NabTimestamp[] | Float64Array;
}

/** Options for {@link scoreNab}. */
export interface ScoreNabOptions {
  /**
   * Rows at the start that are not scored. NAB's default is `min(floor(0.15 n), 750)` for a file of `n` rows.
   * @default Math.min(Math.floor(0.15 * n), 750)
   */
  probationaryLength?: number;
}

/**
 * NAB's scaled sigmoid: credit `2 / (1 + e^{5y}) - 1` for a relative position `y` (negative inside a window, `-1` at
 * its left edge; positive after it), and a flat `-1` from three window widths past the window on.
 */
function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/**
 * The default NAB probationary period of a file: `min(floor(0.15 n), 750)` rows, which are not scored.
 *
 * @param length - Rows in the file.
 * @returns The probationary length in rows.
 * @example
 * ```ts
 * nabProbationaryLength(4032); // 604
 * ```
 */
export function nabProbationaryLength(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

/**
 * Scores a detector on row indices, the core of {@link scoreNab} without validation. `windows` hold inclusive
 * `[startIndex, endIndex]` row ranges in order; `flagged[i]` says whether row `i` was detected.
 *
 * @internal Used by the benchmark and by {@link scoreNab}; complexity O(n).
 */
export function scoreNabIndices(
  length: number,
  windows: readonly (readonly [number, number])[],
  flagged: (index: number) => boolean,
  probationaryLength: number,
): NabScore {
  const maxTruePositive = scaledSigmoid(-1);
  const names = Object.keys(NAB_PROFILES) as NabProfileName[];
  // NAB credits a window with its best (= earliest) detection, so only the first one per window matters.
  const firstInWindow: number[] = windows.map(() => -1);
  let scorableWindows = 0;
  for (const [start, end] of windows) if (end >= probationaryLength && end >= start) scorableWindows += 1;
  let falsePositiveSum = 0;
  let detections = 0;
  let detectionsInWindows = 0;
  let falsePositives = 0;
  let windowIndex = 0;
  let previousEnd = -1;
  let previousWidth = 0;
  for (let row = 0; row < length; row += 1) {
    let current = windows[windowIndex];
    while (current !== undefined && row > current[1]) {
      previousEnd = current[1];
      previousWidth = current[1] - current[0] + 1;
      windowIndex += 1;
      current = windows[windowIndex];
    }
    if (row < probationaryLength || !flagged(row)) continue;
    detections += 1;
    if (current !== undefined && row >= current[0]) {
      detectionsInWindows += 1;
      if (firstInWindow[windowIndex] === -1) firstInWindow[windowIndex] = row;
    } else {
      falsePositives += 1;
      // A flag soon after a window is penalised less than one far from any window, as in NAB's sweeper.
      falsePositiveSum +=
        previousEnd < 0 ? -1 : scaledSigmoid(Math.abs(previousEnd - row) / Math.max(previousWidth - 1, 1));
    }
  }
  let truePositiveSum = 0;
  let windowsDetected = 0;
  for (const [position, [start, end]] of windows.entries()) {
    const first = firstInWindow[position] ?? -1;
    if (first < 0) continue;
    windowsDetected += 1;
    const width = end - start + 1;
    truePositiveSum += scaledSigmoid(-(end - first + 1) / width) / maxTruePositive;
  }
  const missed = scorableWindows - windowsDetected;
  const profiles = {} as Record<NabProfileName, NabProfileScore>;
  for (const name of names) {
    const { tpWeight, fpWeight, fnWeight } = NAB_PROFILES[name];
    const raw = truePositiveSum * tpWeight + falsePositiveSum * fpWeight - missed * fnWeight;
    const nullScore = -scorableWindows * fnWeight;
    const perfect = scorableWindows * tpWeight;
    const normalised = scorableWindows === 0 ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
    profiles[name] = { raw, null: nullScore, perfect, normalised };
  }
  return {
    probationaryLength,
    windows: scorableWindows,
    windowsDetected,
    detections,
    detectionsInWindows,
    falsePositives,
    profiles,
  };
}

function toMillis(value: unknown): number | undefined {
  return typeof value === "number" ? (Number.isFinite(value) ? value : undefined) : toEpochMillis(value);
}

/**
 * Scores a detector's output on one labelled series the way the Numenta Anomaly Benchmark does (NAB's
 * `nab/sweeper.py`): the earliest detection inside a label window earns `A_TP × σ(y) / σ(-1)` with NAB's scaled
 * sigmoid of its relative position, later detections in the same window earn nothing, every window without a
 * detection costs `A_FN`, and every flagged row outside the windows costs `A_FP × σ(y)` (a full `A_FP` before the
 * first window, less just after a window). Rows in the probationary period are not scored, and the normalised score
 * is `100 (raw − null) / (perfect − null)`. For a corpus, sum `raw`, `null` and `perfect` over files first and
 * normalise the sums (see {@link combineNabScores}).
 *
 * Complexity O(n + d log d) for n rows and d detections.
 *
 * @param input - Row timestamps, label windows and the detected timestamps.
 * @param options - The probationary length (NAB's default when omitted).
 * @returns Counts and the raw, null, perfect and normalised scores under each of NAB's profiles.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when timestamps are invalid or not increasing, a window is
 *   malformed, out of order or overlapping, or a detection is not one of the row timestamps.
 * @example
 * ```ts
 * const score = scoreNab({
 *   timestamps: rows.map((row) => row.timestamp),
 *   windows: [["2014-07-10T12:29:00Z", "2014-07-15T17:19:00Z"]],
 *   detections: detected.map((anomaly) => anomaly.timestamp),
 * });
 * score.profiles.standard.raw; // NAB's raw standard score for this file
 * ```
 */
export function scoreNab(input: NabScoringInput, options: ScoreNabOptions = {}): NabScore {
  const check = createValidator("scoreNab");
  if (!check.object("input", input)) check.done();
  const { timestamps, windows, detections } = input;
  const timestampsOk =
    timestamps instanceof Float64Array || check.array("input.timestamps", timestamps, { minLength: 1 });
  const windowsOk = check.array("input.windows", windows);
  const detectionsOk = detections instanceof Float64Array || check.array("input.detections", detections);
  check.done();
  const times = new Float64Array(timestamps.length);
  if (timestampsOk) {
    for (let index = 0; index < timestamps.length; index += 1) {
      const time = toMillis(timestamps[index]);
      if (time === undefined) {
        check.fail(`input.timestamps.${index}`, `must be a timestamp, got ${describeType(timestamps[index])}`);
      } else if (index > 0 && time <= (times[index - 1] as number)) {
        check.fail(`input.timestamps.${index}`, "must be later than the previous timestamp");
      }
      times[index] = time ?? Number.NaN;
      if (check.issues.length >= 20) break;
    }
  }
  check.done();
  const length = times.length;
  const { probationaryLength = nabProbationaryLength(length) } = options;
  check.number("options.probationaryLength", probationaryLength, { integer: true, min: 0, max: length });
  const firstAtOrAfter = (time: number): number => {
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((times[middle] as number) < time) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const windowRows: [number, number][] = [];
  if (windowsOk) {
    let previousEnd = Number.NEGATIVE_INFINITY;
    for (const [index, window] of windows.entries()) {
      const at = `input.windows.${index}`;
      if (!Array.isArray(window) || window.length !== 2) {
        check.fail(at, `must be a [start, end] pair of timestamps, got ${describeType(window)}`);
        continue;
      }
      const start = toMillis(window[0]);
      const end = toMillis(window[1]);
      if (start === undefined || end === undefined || end < start) {
        check.fail(at, "must be a [start, end] pair of timestamps with start <= end");
        continue;
      }
      if (start <= previousEnd) check.fail(at, "must start after the previous window ends (sorted, not overlapping)");
      previousEnd = end;
      // Inclusive bounds: the first row at or after the start, the last row at or before the end.
      const after = firstAtOrAfter(end);
      windowRows.push([firstAtOrAfter(start), times[after] === end ? after : after - 1]);
    }
  }
  const flagged = new Uint8Array(length);
  if (detectionsOk) {
    for (let index = 0; index < detections.length; index += 1) {
      const time = toMillis(detections[index]);
      const row = time === undefined ? -1 : firstAtOrAfter(time);
      if (time === undefined || times[row] !== time) {
        check.fail(`input.detections.${index}`, "must be the timestamp of one of the rows in input.timestamps");
        if (check.issues.length >= 20) break;
        continue;
      }
      flagged[row] = 1;
    }
  }
  check.done();
  return scoreNabIndices(length, windowRows, (row) => flagged[row] === 1, probationaryLength);
}

/**
 * Combines per-file NAB scores into a corpus score the way NAB does: raw, null and perfect scores are summed per
 * profile and the sums normalised.
 *
 * @param scores - Per-file results of {@link scoreNab}.
 * @returns The corpus score per profile.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `scores` is not an array of NAB scores (each bad field named).
 * @example
 * ```ts
 * const corpus = combineNabScores(files.map((file) => scoreNab(file)));
 * corpus.standard.normalised;
 * ```
 */
export function combineNabScores(scores: readonly NabScore[]): Readonly<Record<NabProfileName, NabProfileScore>> {
  const check = createValidator("combineNabScores");
  if (check.array("scores", scores)) {
    for (const [index, score] of scores.entries()) {
      const profiles = (score as { profiles?: unknown } | null)?.profiles as Record<string, unknown> | undefined;
      if (!check.object(`scores.${index}.profiles`, profiles)) continue;
      for (const name of Object.keys(NAB_PROFILES)) {
        const profile = profiles[name] as Record<string, unknown> | undefined;
        if (!check.object(`scores.${index}.profiles.${name}`, profile)) continue;
        for (const field of ["raw", "null", "perfect"]) {
          check.number(`scores.${index}.profiles.${name}.${field}`, profile[field]);
        }
      }
    }
  }
  check.done();
  const result = {} as Record<NabProfileName, NabProfileScore>;
  for (const name of Object.keys(NAB_PROFILES) as NabProfileName[]) {
    let raw = 0;
    let nullScore = 0;
    let perfect = 0;
    for (const score of scores) {
      raw += score.profiles[name].raw;
      nullScore += score.profiles[name].null;
      perfect += score.profiles[name].perfect;
    }
    const normalised = perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
    result[name] = { raw, null: nullScore, perfect, normalised };
  }
  return result;
}
