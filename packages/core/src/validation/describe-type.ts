/**
 * A short, safe description of a value for error messages: its type, and for scalars a clipped rendering.
 * Never prints whole objects, which may hold secrets.
 *
 * @param value - Anything.
 * @returns E.g. `number NaN`, `string "abc"`, `array(3)`, `object`, `null`.
 */
export function describeType(value: unknown): string {
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
      return value.length > 40 ? `string of length ${value.length}` : `string ${JSON.stringify(value)}`;
    case "function":
      return "function";
    case "symbol":
      return "symbol";
    default:
      return "object";
  }
}
