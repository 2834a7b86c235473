import { toEpochMillis, type Validator } from "@pelbiot/core";
import { type LineNamePart, nameProblem } from "./line-protocol";

/** InfluxDB 1.x refuses string field values longer than 64 KiB. */
export const MAX_STRING_FIELD_BYTES = 64 * 1024;

/** InfluxDB keeps nanoseconds in a signed 64-bit integer: about ±9.22e18 ns, i.e. 1677-09-21 to 2262-04-11. */
const MAX_EPOCH_MS = 9_223_372_036_854;

function checkName(check: Validator, path: string, value: unknown, part: LineNamePart): void {
  if (!check.string(path, value, { minLength: 0 })) return;
  const problem = nameProblem(value, part);
  if (problem !== undefined) check.fail(path, `${problem}; it is the ${part} of a line-protocol point`);
}

/**
 * Records every reason `point` cannot be written in `check` (paths under `path`): the measurement, tag and field
 * names line protocol cannot carry, non-string tags, field values that are not finite numbers, bigints, booleans or
 * strings, over-long strings, a point with no field value, and an invalid timestamp.
 *
 * @param check - The validator of the call.
 * @param path - The point's dot-path, e.g. `points.3`.
 * @param point - The value to check.
 * @returns Nothing; read the issues from `check`.
 */
export function checkInfluxPoint(check: Validator, path: string, point: unknown): void {
  if (!check.object(path, point)) return;
  check.knownKeys(path, point, ["measurement", "tags", "fields", "timestamp"]);
  checkName(check, `${path}.measurement`, point.measurement, "measurement");
  if (point.tags !== undefined && check.object(`${path}.tags`, point.tags)) {
    for (const [key, value] of Object.entries(point.tags)) {
      checkName(check, `${path}.tags.${key}`, key, "tag key");
      if (value === undefined || value === null || value === "") continue;
      checkName(check, `${path}.tags.${key}`, value, "tag value");
    }
  }
  if (check.object(`${path}.fields`, point.fields)) {
    let present = 0;
    for (const [key, value] of Object.entries(point.fields)) {
      const fieldPath = `${path}.fields.${key}`;
      checkName(check, fieldPath, key, "field key");
      if (value === undefined || value === null) continue;
      present += 1;
      if (typeof value === "number") {
        check.check(
          Number.isFinite(value),
          fieldPath,
          "must be a finite number (line protocol has no NaN or infinity)",
        );
      } else if (typeof value === "string") {
        check.check(
          value.length <= MAX_STRING_FIELD_BYTES / 3 ||
            new TextEncoder().encode(value).length <= MAX_STRING_FIELD_BYTES,
          fieldPath,
          `must be at most ${MAX_STRING_FIELD_BYTES} bytes of UTF-8 (InfluxDB's limit for string fields)`,
        );
      } else if (typeof value !== "bigint" && typeof value !== "boolean") {
        check.fail(fieldPath, "must be a number, bigint (integer field), boolean, string, null or undefined");
      }
    }
    check.check(present > 0, `${path}.fields`, "must hold at least one field with a value");
  }
  if (point.timestamp !== undefined) {
    const epoch = toEpochMillis(point.timestamp);
    check.check(
      epoch !== undefined && typeof point.timestamp !== "string" && Math.abs(epoch) <= MAX_EPOCH_MS,
      `${path}.timestamp`,
      "must be epoch milliseconds (a finite number) or a valid Date between the years 1678 and 2262 (InfluxDB's range)",
    );
  }
}

const POINT_KEYS = new Set(["measurement", "tags", "fields", "timestamp"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The fast path of {@link checkInfluxPoint}: `true` only for a point that check would pass, without building any
 * message, so valid writes skip the validator's per-issue bookkeeping. `false` means "run the full check".
 *
 * @param point - The value to check.
 * @returns Whether the point is certainly writable.
 */
export function isWritablePoint(point: unknown): boolean {
  if (!isRecord(point)) return false;
  for (const key in point) if (!POINT_KEYS.has(key)) return false;
  const { measurement, tags, fields, timestamp } = point;
  if (typeof measurement !== "string" || nameProblem(measurement, "measurement") !== undefined) return false;
  if (tags !== undefined) {
    if (!isRecord(tags)) return false;
    for (const key in tags) {
      if (!Object.hasOwn(tags, key) || nameProblem(key, "tag key") !== undefined) return false;
      const value = tags[key];
      if (value === undefined || value === null || value === "") continue;
      if (typeof value !== "string" || nameProblem(value, "tag value") !== undefined) return false;
    }
  }
  if (!isRecord(fields)) return false;
  let present = 0;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key) || nameProblem(key, "field key") !== undefined) return false;
    const value = fields[key];
    switch (typeof value) {
      case "undefined":
        continue;
      case "number":
        if (!Number.isFinite(value)) return false;
        break;
      case "string":
        if (value.length > MAX_STRING_FIELD_BYTES / 3) return false;
        break;
      case "bigint":
      case "boolean":
        break;
      default:
        if (value !== null) return false;
        continue;
    }
    present += 1;
  }
  if (present === 0) return false;
  if (timestamp === undefined) return true;
  if (typeof timestamp === "number") return Number.isFinite(timestamp) && Math.abs(timestamp) <= MAX_EPOCH_MS;
  return false;
}
