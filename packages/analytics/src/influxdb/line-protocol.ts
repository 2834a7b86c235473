import type { InfluxFieldValue, InfluxPoint, InfluxPrecision } from "./influxdb-sink-types";

/**
 * InfluxDB 1.x line protocol: `measurement[,tagKey=tagValue…] fieldKey=fieldValue[,…] [timestamp]`.
 *
 * Escaping, as the 1.x parser reads it (checked against a real server in the tests): measurements escape commas and
 * spaces; tag keys, tag values and field keys escape commas, equals signs and spaces; string field values escape
 * backslashes and double quotes. Other backslashes in names are kept as written, which leaves a few names that no
 * escaping can carry: a backslash at the end of a name or right before a character the parser unescapes, a newline
 * anywhere in a name, a tab outside tag values, a measurement starting with `#` (a comment line), and the tag or field key `time`.
 * {@link nameProblem} finds them so they are refused before anything is sent.
 */

/** Which part of a line a name is. */
export type LineNamePart = "measurement" | "tag key" | "tag value" | "field key";

const MEASUREMENT_SPECIAL = /[, \n\t\\#]/;
const KEY_SPECIAL = /[,= \n\t\\]/;
const MEASUREMENT_ESCAPE = /[, ]/g;
const KEY_ESCAPE = /[,= ]/g;
const STRING_ESCAPE = /["\\]/g;
// The characters the parser unescapes after a backslash, per part: a name holding "\" before one of them would
// lose its backslash on the way in.
const UNESCAPED_AFTER_BACKSLASH: Record<LineNamePart, RegExp> = {
  measurement: /\\[, ="]/,
  "tag key": /\\[, =]/,
  "tag value": /\\[, =]/,
  "field key": /\\[, ="]/,
};

/**
 * Why a name cannot be written in line protocol, or `undefined` when it can.
 *
 * @param value - The measurement, tag key, tag value or field key.
 * @param part - Which of them it is.
 * @returns A message for a validation issue, or `undefined`.
 */
export function nameProblem(value: string, part: LineNamePart): string | undefined {
  if (value.length === 0) return "must not be empty";
  const special = part === "measurement" ? MEASUREMENT_SPECIAL : KEY_SPECIAL;
  if (!special.test(value)) {
    return (part === "tag key" || part === "field key") && value === "time"
      ? 'must not be "time", which InfluxDB reserves for the timestamp'
      : undefined;
  }
  if (value.includes("\n")) return "must not contain a newline (line protocol ends a point at a newline)";
  // The parser skips tabs as white space between the parts of a line; only inside tag values are they kept.
  if (part !== "tag value" && value.includes("\t")) return "must not contain a tab (InfluxDB reads it as white space)";
  if (part === "measurement" && value.startsWith("#")) {
    return 'must not start with "#" (line protocol reads such a line as a comment)';
  }
  if (value.endsWith("\\")) return "must not end with a backslash (InfluxDB would read it as escaping the separator)";
  if (UNESCAPED_AFTER_BACKSLASH[part].test(value)) {
    return "must not hold a backslash right before a comma, space, equals sign or quote (InfluxDB would drop it)";
  }
  return undefined;
}

// Names repeat from point to point (one measurement, a few tag keys and values), so their escaped forms are kept;
// the caches are emptied when they fill, which bounds their memory whatever the names.
const CACHE_LIMIT = 4_096;
const measurementCache = new Map<string, string>();
const keyCache = new Map<string, string>();

function cached(cache: Map<string, string>, value: string, escapeName: (value: string) => string): string {
  let escaped = cache.get(value);
  if (escaped === undefined) {
    escaped = escapeName(value);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(value, escaped);
  }
  return escaped;
}

const escapeMeasurementNow = (value: string) =>
  MEASUREMENT_SPECIAL.test(value) ? value.replace(MEASUREMENT_ESCAPE, "\\$&") : value;
const escapeKeyNow = (value: string) => (KEY_SPECIAL.test(value) ? value.replace(KEY_ESCAPE, "\\$&") : value);

/** Escapes a measurement name (commas and spaces). */
export function escapeMeasurement(value: string): string {
  return cached(measurementCache, value, escapeMeasurementNow);
}

/** Escapes a tag key, tag value or field key (commas, equals signs and spaces). */
export function escapeKey(value: string): string {
  return cached(keyCache, value, escapeKeyNow);
}

/** Quotes a string field value, escaping backslashes and double quotes. */
export function quoteString(value: string): string {
  return `"${value.replace(STRING_ESCAPE, "\\$&")}"`;
}

/** Formats one field value, or `undefined` for a value that leaves the field out. */
export function formatFieldValue(value: InfluxFieldValue): string | undefined {
  switch (typeof value) {
    case "number":
      // Line protocol has no NaN or infinity; the validation refuses them before this point.
      return String(value);
    case "bigint":
      return `${value}i`;
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return quoteString(value);
    default:
      return undefined;
  }
}

const SCALE: Record<InfluxPrecision, number> = { ns: 1e6, u: 1e3, ms: 1, s: 1e-3, m: 1 / 60_000, h: 1 / 3_600_000 };
const DIVISOR: Record<"s" | "m" | "h", number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Converts epoch milliseconds to a line-protocol timestamp in `precision`. Sub-millisecond digits survive for `ns`
 * and `u` (integer arithmetic, as nanoseconds since 1970 pass 2^53); `ms` rounds, `s`/`m`/`h` round down.
 *
 * @param epochMs - Epoch milliseconds (finite).
 * @param precision - The write's precision.
 * @returns The integer timestamp as decimal text.
 */
export function formatTimestamp(epochMs: number, precision: InfluxPrecision): string {
  if (precision === "ms") return String(Math.round(epochMs));
  if (precision === "ns" || precision === "u") {
    if (Number.isInteger(epochMs)) return epochMs === 0 ? "0" : `${epochMs}${precision === "ns" ? "000000" : "000"}`;
    const whole = Math.floor(epochMs);
    const fraction = Math.round((epochMs - whole) * SCALE[precision]);
    return (BigInt(whole) * BigInt(SCALE[precision]) + BigInt(fraction)).toString();
  }
  return String(Math.floor(epochMs / DIVISOR[precision]));
}

/**
 * Formats one point as a line of line protocol (without the newline). The point must be valid (see
 * `checkInfluxPoint`); tags are written in the order given (InfluxDB sorts them itself).
 *
 * @param point - The point.
 * @param precision - The precision of its timestamp.
 * @returns The line, or `undefined` when no field has a value.
 */
export function formatLine(point: InfluxPoint, precision: InfluxPrecision): string | undefined {
  let fields = "";
  for (const key in point.fields) {
    const formatted = formatFieldValue(point.fields[key]);
    if (formatted === undefined) continue;
    fields += `${fields === "" ? "" : ","}${escapeKey(key)}=${formatted}`;
  }
  if (fields === "") return undefined;
  let line = escapeMeasurement(point.measurement);
  const tags = point.tags;
  if (tags !== undefined) {
    for (const key in tags) {
      const value = tags[key];
      if (value === undefined || value === null || value === "") continue;
      line += `,${escapeKey(key)}=${escapeKey(value)}`;
    }
  }
  line += ` ${fields}`;
  const timestamp = point.timestamp;
  if (timestamp !== undefined) {
    line += ` ${formatTimestamp(typeof timestamp === "number" ? timestamp : timestamp.getTime(), precision)}`;
  }
  return line;
}
