import { createValidator } from "../validation/validator";
import { MAX_STORAGE_RANGE_LIMIT, type StorageRangeOptions } from "./storage-adapter";
import { MAX_STORAGE_KEY_LENGTH } from "./validate-key";

const RANGE_OPTION_KEYS = ["after", "limit"] as const;

/**
 * Compares two keys in Unicode code-point order, the order of `StorageAdapter.listRange`: the order of their UTF-8
 * bytes, which PostgreSQL's `"C"` collation and Redis' lexicographic ranges use. A lone surrogate sorts above every
 * character from U+E000 to U+FFFF, next to the characters above U+FFFF.
 *
 * @param left - A key.
 * @param right - Another key.
 * @returns A negative number, zero or a positive number, as `Array.prototype.sort` expects.
 * @example
 * ```ts
 * ["z😀", "z\uffff"].sort(compareStorageKeys); // ["z\uffff", "z😀"]
 * ```
 */
export function compareStorageKeys(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const a = left.charCodeAt(index);
    const b = right.charCodeAt(index);
    if (a !== b) return codePointRank(a) - codePointRank(b);
  }
  return left.length - right.length;
}

// Code-unit order already matches code-point order except that surrogates (which encode U+10000 and above) sort
// below U+E000–U+FFFF; moving the surrogates above that block fixes it.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/**
 * Throws unless the arguments form a valid `StorageAdapter.listRange` call: a prefix string of at most
 * {@link MAX_STORAGE_KEY_LENGTH} units (empty allowed), and options holding only `after` (a string of at most that
 * length, or `undefined`) and `limit` (a whole number from 1 to {@link MAX_STORAGE_RANGE_LIMIT}).
 *
 * @param prefix - The prefix to check.
 * @param options - The options to check.
 * @param context - What is being called, shown in the error message, e.g. `"myAdapter.listRange"`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed argument.
 * @example
 * ```ts
 * listRange(prefix: string, options: StorageRangeOptions) {
 *   validateRangeArguments(prefix, options, "myAdapter.listRange");
 *   // … the range read
 * }
 * ```
 */
export function validateRangeArguments(
  prefix: unknown,
  options: unknown,
  context: string,
): asserts options is StorageRangeOptions {
  const validator = createValidator(context);
  validator.string("prefix", prefix, { minLength: 0, maxLength: MAX_STORAGE_KEY_LENGTH });
  if (validator.object("options", options)) {
    validator.knownKeys("options", options, RANGE_OPTION_KEYS);
    if (options.after !== undefined) {
      validator.string("options.after", options.after, { minLength: 0, maxLength: MAX_STORAGE_KEY_LENGTH });
    }
    validator.number("options.limit", options.limit, { integer: true, min: 1, max: MAX_STORAGE_RANGE_LIMIT });
  }
  validator.done();
}

/**
 * Picks one page from a list of keys: those starting with `prefix` and sorting after `after`, in code-point order,
 * at most `limit` of them. For adapters that list keys first and read values second.
 *
 * @param keys - Candidate keys, in any order.
 * @param prefix - The prefix every returned key starts with.
 * @param after - The exclusive cursor, or `undefined`.
 * @returns Every matching key, sorted with {@link compareStorageKeys}; the caller reads them until it has `limit`.
 * @example
 * ```ts
 * const candidates = rangeCandidates(await listAllKeys(), "queue:", undefined);
 * ```
 */
export function rangeCandidates(keys: Iterable<string>, prefix: string, after: string | undefined): string[] {
  const matching: string[] = [];
  for (const key of keys) {
    if (key.startsWith(prefix) && (after === undefined || compareStorageKeys(key, after) > 0)) matching.push(key);
  }
  return matching.sort(compareStorageKeys);
}
