import { createValidator, describeType, toEpochMillis } from "@pelbiot/core";

/** One observation as users pass it: a timestamp (epoch ms, ISO-8601 string or `Date`) and a finite value. */
export interface TimeSeriesPoint {
  /** When the value was observed: epoch milliseconds, an ISO-8601 string or a `Date`. */
  timestamp: number | string | Date;
  /** The observed value; must be finite. */
  value: number;
}

/** A validated series in columnar form: increasing epoch-ms timestamps and finite values. */
export interface TimeSeries {
  /** Epoch milliseconds, strictly increasing (non-decreasing when equal timestamps were accepted). */
  readonly timestamps: Float64Array;
  /** Values, finite. */
  readonly values: Float64Array;
}

/**
 * What to do with a point whose timestamp is not later than the one before it (real streams repeat a timestamp
 * in a daylight-saving hour, or step back once after a clock correction):
 * - `"reject"`: a `VALIDATION_ERROR` naming the point (the call changes nothing).
 * - `"drop"`: points equal to or earlier than the latest kept one are left out and counted.
 * - `"accept"`: points with the same timestamp as the latest kept one are kept as further observations; earlier
 *   ones are left out and counted.
 */
export type OutOfOrderPolicy = "reject" | "drop" | "accept";

/** The accepted {@link OutOfOrderPolicy} values. */
export const OUT_OF_ORDER_POLICIES: readonly OutOfOrderPolicy[] = ["reject", "drop", "accept"];

/** Options for {@link toTimeSeries}. */
export interface ToTimeSeriesOptions {
  /** Fewest points accepted (before any out-of-order point is left out; callers check what remains). @default 1 */
  minLength?: number;
  /** Name of the argument, used in error paths. @default "points" */
  path?: string;
  /** What is being called, shown in error messages. */
  context?: string;
  /** Points not later than their predecessor: reject, drop or accept equal ones. @default "reject" */
  outOfOrder?: OutOfOrderPolicy;
  /** Epoch ms of the latest point already seen (e.g. a model's last point); the first point is ordered after it. */
  after?: number;
}

/** A validated series plus how many points the out-of-order policy left out. */
export interface OrderedTimeSeries extends TimeSeries {
  /** Points left out because they were out of order (always 0 with `"reject"`). */
  readonly droppedPoints: number;
  /** The input index of each kept point, when some were left out (for messages that name the caller's index). */
  readonly sourceIndices?: Int32Array;
}

const MAX_REPORTED_ISSUES = 20;

/**
 * Validates user points and converts them to columnar form. Reports every bad point (up to 20) with its index:
 * non-objects, bad timestamps, non-finite values, and (with `outOfOrder: "reject"`, the default) timestamps that
 * are not strictly increasing (unsorted or duplicate). The other policies leave such points out and count them.
 *
 * @param points - The user's points.
 * @param options - Minimum length, error path, context and the out-of-order policy.
 * @returns The series as typed arrays, with the count of points left out.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each offending index, or for fewer than `minLength` points.
 * @example
 * ```ts
 * const { timestamps, values } = toTimeSeries([{ timestamp: "2026-01-01T00:00:00Z", value: 1 }]);
 * ```
 */
export function toTimeSeries(points: readonly TimeSeriesPoint[], options: ToTimeSeriesOptions = {}): OrderedTimeSeries {
  const { minLength = 1, path = "points", context, outOfOrder = "reject", after } = options;
  const check = createValidator(context);
  if (!check.array(path, points, { minLength })) check.done();
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  const sources = new Int32Array(points.length);
  let previous = after ?? Number.NEGATIVE_INFINITY;
  let kept = 0;
  for (let index = 0; index < points.length && check.issues.length < MAX_REPORTED_ISSUES; index += 1) {
    const point: unknown = points[index];
    const at = `${path}.${index}`;
    if (typeof point !== "object" || point === null) {
      check.fail(at, `must be an object { timestamp, value }, got ${describeType(point)}`);
      continue;
    }
    const { timestamp, value } = point as { timestamp?: unknown; value?: unknown };
    const time = toEpochMillis(timestamp);
    const finite = typeof value === "number" && Number.isFinite(value);
    let outOfPlace = false;
    if (time === undefined) {
      check.fail(
        `${at}.timestamp`,
        `must be epoch milliseconds, an ISO-8601 string or a Date, got ${describeType(timestamp)}`,
      );
    } else if (time < previous || (time === previous && outOfOrder !== "accept")) {
      outOfPlace = true;
      if (outOfOrder === "reject") {
        check.fail(`${at}.timestamp`, orderMessage(time, previous, index === 0 && after !== undefined));
      }
    }
    if (!finite) check.fail(`${at}.value`, `must be a finite number, got ${describeType(value)}`);
    if (time === undefined || (outOfPlace && outOfOrder !== "reject")) continue;
    previous = time;
    timestamps[kept] = time;
    values[kept] = finite ? value : Number.NaN;
    sources[kept] = index;
    kept += 1;
  }
  check.done();
  const droppedPoints = points.length - kept;
  return droppedPoints === 0
    ? { timestamps, values, droppedPoints }
    : {
        timestamps: timestamps.slice(0, kept),
        values: values.slice(0, kept),
        droppedPoints,
        sourceIndices: sources.slice(0, kept),
      };
}

function orderMessage(time: number, previous: number, againstModel: boolean): string {
  if (againstModel) return `must be later than the model's last point (${previous} ms)`;
  return time === previous
    ? "duplicates the previous timestamp"
    : "is earlier than the previous timestamp; sort points by time";
}
