import { toEpochMillis, type Validator } from "@pelbiot/core";

/** A validated series: timestamps (epoch ms, ascending, distinct) and values, or values alone. */
export interface ReadSeries {
  readonly timestamps: number[] | undefined;
  readonly values: number[];
}

/**
 * Reads points `{ timestamp, value }` into ascending epoch-ms timestamps and values, recording every bad point in
 * `check` (path `<path>.<index>.timestamp` / `.value`). Points may come in any order; a repeated timestamp keeps
 * the later point's value (a correction).
 *
 * @param check - The validator of the call.
 * @param path - The argument's name.
 * @param points - The value to read.
 * @param maxLength - Most points accepted.
 * @returns The series (empty when there were issues).
 */
export function readPoints(check: Validator, path: string, points: unknown, maxLength: number): ReadSeries {
  if (!check.array(path, points, { maxLength })) return { timestamps: [], values: [] };
  const byTime = new Map<number, number>();
  points.forEach((point, index) => {
    const pointPath = `${path}.${index}`;
    if (!check.object(pointPath, point)) return;
    const timestamp = toEpochMillis(point.timestamp);
    const timeOk = check.check(
      timestamp !== undefined,
      `${pointPath}.timestamp`,
      "must be epoch milliseconds, an ISO-8601 string or a valid Date",
    );
    const valueOk = check.number(`${pointPath}.value`, point.value);
    if (timeOk && valueOk) byTime.set(timestamp as number, point.value as number);
  });
  const timestamps = [...byTime.keys()].sort((left, right) => left - right);
  return { timestamps, values: timestamps.map((timestamp) => byTime.get(timestamp) as number) };
}

/**
 * Reads a series given as finite numbers (oldest first) or as points (see {@link readPoints}).
 *
 * @param check - The validator of the call.
 * @param path - The argument's name.
 * @param input - The value to read.
 * @param maxLength - Most values accepted.
 * @returns The series.
 */
export function readSeries(check: Validator, path: string, input: unknown, maxLength: number): ReadSeries {
  if (Array.isArray(input) && (input.length === 0 || typeof input[0] === "number")) {
    if (!check.array(path, input, { maxLength })) return { timestamps: undefined, values: [] };
    for (const [index, value] of input.entries()) check.number(`${path}.${index}`, value);
    return { timestamps: undefined, values: input as number[] };
  }
  return readPoints(check, path, input, maxLength);
}
