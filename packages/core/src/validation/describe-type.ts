/**
 * A short, safe description of a value for error messages: its type, and for scalars a clipped rendering.
 * Never prints whole objects, which may hold secrets.
 *
 * @param value - Anything.
 * @param redactStrings - Describe every string by its length only, for values that may be secrets. @default false
 * @returns E.g. `number NaN`, `string "abc"` (or `string of length 3` when redacting), `array(3)`, `object`, `null`.
 * @example
 * ```ts
 * describeType("sk_live_abc", true); // "string of length 11"
 * ```
 */
export function describeType(value: unknown, redactStrings = false): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : "Date";
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "string":
      return redactStrings || value.length > 40
        ? `string of length ${value.length}`
        : `string ${JSON.stringify(value)}`;
    case "function":
      return "function";
    case "symbol":
      return "symbol";
    default:
      return "object";
  }
}
