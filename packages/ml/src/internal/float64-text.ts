/**
 * Float64 numbers as compact text for snapshots: the IEEE 754 bytes of each number, little-endian, base64-encoded
 * (about 10.7 characters a number against up to 24 as JSON numbers), so every bit round-trips, -0 included; and,
 * for numbers that repeat, a table of the distinct ones plus a 16-bit index per number.
 */

/** Separates the table from the indices in {@link encodeFloat64Table}'s text (not a base64 character). */
const TABLE_SEPARATOR = ".";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Characters of binary text encoded per `btoa` call (a multiple of 3, so the pieces join into one base64 text). */
const CHUNK = 3 * 4096;

/**
 * Encodes numbers as base64 text of their little-endian float64 bytes.
 *
 * @param values - The numbers.
 * @returns The base64 text (empty for no numbers).
 */
export function encodeFloat64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index += 1) view.setFloat64(index * 8, values[index] as number, true);
  return toBase64(bytes);
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += CHUNK) {
    text += btoa(String.fromCharCode(...bytes.subarray(start, start + CHUNK)));
  }
  return text;
}

/**
 * Decodes {@link encodeFloat64}'s text.
 *
 * @param text - Base64 text of whole float64 numbers.
 * @returns The numbers, or `undefined` when the text is not canonical base64 of a multiple of 8 bytes.
 */
export function decodeFloat64(text: string): Float64Array | undefined {
  const view = fromBase64(text, 8);
  return view && Float64Array.from({ length: view.byteLength / 8 }, (_, index) => view.getFloat64(index * 8, true));
}

/** The bytes of canonical base64 text, when they are a whole number of `size`-byte items. */
function fromBase64(text: string, size: number): DataView | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  if (binary.length % size !== 0) return undefined;
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) view.setUint8(index, binary.charCodeAt(index));
  return view;
}

/**
 * Encodes numbers that repeat as a table and indices: {@link encodeFloat64} of the distinct numbers (by their bits),
 * a `.`, then base64 of a little-endian 16-bit index into the table per number. At most 65,536 distinct numbers.
 *
 * @param values - The numbers.
 * @returns The text.
 */
export function encodeFloat64Table(values: ArrayLike<number>): string {
  const table: number[] = [];
  const positions = new Map<string, number>();
  const indices = new Uint8Array(values.length * 2);
  const view = new DataView(indices.buffer);
  const bits = new DataView(new ArrayBuffer(8));
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    bits.setFloat64(0, value, true);
    const key = `${bits.getUint32(0, true)}:${bits.getUint32(4, true)}`;
    let position = positions.get(key);
    if (position === undefined) {
      position = table.length;
      if (position > 0xffff) throw new RangeError("encodeFloat64Table: more than 65,536 distinct numbers");
      positions.set(key, position);
      table.push(value);
    }
    view.setUint16(index * 2, position, true);
  }
  return `${encodeFloat64(table)}${TABLE_SEPARATOR}${toBase64(indices)}`;
}

/**
 * Decodes {@link encodeFloat64Table}'s text.
 *
 * @param text - A table and indices.
 * @returns The numbers, or `undefined` when the text is not such a table with every index inside it.
 */
export function decodeFloat64Table(text: string): Float64Array | undefined {
  const parts = text.split(TABLE_SEPARATOR);
  if (parts.length !== 2) return undefined;
  const table = decodeFloat64(parts[0] as string);
  const indices = fromBase64(parts[1] as string, 2);
  if (table === undefined || indices === undefined) return undefined;
  const result = new Float64Array(indices.byteLength / 2);
  for (let index = 0; index < result.length; index += 1) {
    const position = indices.getUint16(index * 2, true);
    if (position >= table.length) return undefined;
    result[index] = table[position] as number;
  }
  return result;
}
