import { createValidator, describeType, toEpochMillis } from "@pelbiot/core";

/** One observation as users pass it: a timestamp (epoch ms, ISO-8601 string or `Date`) and a finite value. */
export interface TimeSeriesPoint {
  /** When the value was observed: epoch milliseconds, an ISO-8601 string or a `Date`. */
  timestamp: number | string | Date;
  /** The observed value; must be finite. */
  value: number;
}

/** A validated series in columnar form: strictly increasing epoch-ms timestamps and finite values. */
export interface TimeSeries {
  /** Epoch milliseconds, strictly increasing. */
  readonly timestamps: Float64Array;
  /** Values, finite. */
  readonly values: Float64Array;
}

/** Options for {@link toTimeSeries}. */
export interface ToTimeSeriesOptions {
  /** Fewest points accepted. @default 1 */
  minLength?: number;
  /** Name of the argument, used in error paths. @default "points" */
  path?: string;
  /** What is being called, shown in error messages. */
  context?: string;
}

const MAX_REPORTED_ISSUES = 20;

/**
 * Validates user points and converts them to columnar form. Reports every bad point (up to 20) with its index:
 * non-objects, bad timestamps, non-finite values, and timestamps that are not strictly increasing (unsorted or
 * duplicate).
 *
 * @param points - The user's points.
 * @param options - Minimum length, error path and context.
 * @returns The series as typed arrays.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each offending index.
 * @example
 * ```ts
 * const { timestamps, values } = toTimeSeries([{ timestamp: "2026-01-01T00:00:00Z", value: 1 }]);
 * ```
 */
export function toTimeSeries(points: readonly TimeSeriesPoint[], options: ToTimeSeriesOptions = {}): TimeSeries {
  const { minLength = 1, path = "points", context } = options;
  const check = createValidator(context);
  if (!check.array(path, points, { minLength })) check.done();
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  let previous = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < points.length && check.issues.length < MAX_REPORTED_ISSUES; index += 1) {
    const point: unknown = points[index];
    const at = `${path}.${index}`;
    if (typeof point !== "object" || point === null) {
      check.fail(at, `must be an object { timestamp, value }, got ${describeType(point)}`);
      continue;
    }
    const { timestamp, value } = point as { timestamp?: unknown; value?: unknown };
    const time = toEpochMillis(timestamp);
    if (time === undefined) {
      check.fail(
        `${at}.timestamp`,
        `must be epoch milliseconds, an ISO-8601 string or a Date, got ${describeType(timestamp)}`,
      );
    } else if (time <= previous) {
      check.fail(
        `${at}.timestamp`,
        time === previous
          ? "duplicates the previous timestamp"
          : "is earlier than the previous timestamp; sort points by time",
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      check.fail(`${at}.value`, `must be a finite number, got ${describeType(value)}`);
    }
    if (time !== undefined) previous = time;
    timestamps[index] = time ?? Number.NaN;
    values[index] = typeof value === "number" ? value : Number.NaN;
  }
  check.done();
  return { timestamps, values };
}
