import { describeType } from "../validation/describe-type";
import { createValidator, type Validator } from "../validation/validator";

/**
 * The longest storage key, in UTF-16 code units, that every `StorageAdapter` must accept.
 *
 * @example
 * ```ts
 * const room = MAX_STORAGE_KEY_LENGTH - prefix.length; // what is left for the rest of the key
 * ```
 */
export const MAX_STORAGE_KEY_LENGTH = 1024;

/**
 * Adds an issue to `validator` unless `key` is a valid storage key: a non-empty string of at most
 * {@link MAX_STORAGE_KEY_LENGTH} UTF-16 code units. Use it when a call checks several arguments, so that every issue
 * is reported at once.
 *
 * @param validator - The validator collecting the issues of the current call.
 * @param path - The argument's name in the issue, e.g. `"key"`.
 * @param key - The value to check.
 * @returns `true` when `key` is a valid storage key.
 * @example
 * ```ts
 * const check = createValidator("myAdapter.setItem");
 * checkStorageKey(check, "key", key);
 * check.string("value", value, { minLength: 0 });
 * check.done();
 * ```
 */
export function checkStorageKey(validator: Validator, path: string, key: unknown): key is string {
  return validator.string(path, key, { minLength: 1, maxLength: MAX_STORAGE_KEY_LENGTH });
}

/**
 * Throws unless `key` is a valid storage key: a non-empty string of at most {@link MAX_STORAGE_KEY_LENGTH} UTF-16
 * code units. Adapters call it first in every method, so a bad key changes nothing.
 *
 * @param key - The value to check.
 * @param context - What is being called, shown in the error message, e.g. `"memoryStorage.getItem"`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `key` is not a string, is empty or is too long.
 * @example
 * ```ts
 * getItem(key: string) {
 *   validateStorageKey(key, "myAdapter.getItem");
 *   return backend.get(key) ?? null;
 * }
 * ```
 */
export function validateStorageKey(key: unknown, context: string): asserts key is string {
  if (isValidKey(key)) return; // hot path: no validator allocation for the common case
  const validator = createValidator(context);
  checkStorageKey(validator, "key", key);
  validator.done();
}

/**
 * Throws unless `prefix` is `undefined` or a string of at most {@link MAX_STORAGE_KEY_LENGTH} UTF-16 code units (the
 * empty string matches every key), as accepted by `StorageAdapter.keys`.
 *
 * @param prefix - The value to check.
 * @param context - What is being called, shown in the error message, e.g. `"memoryStorage.keys"`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `prefix` is neither `undefined` nor a short enough string.
 * @example
 * ```ts
 * keys(prefix?: string) {
 *   validateStoragePrefix(prefix, "myAdapter.keys");
 *   return [...backend.keys()].filter((key) => key.startsWith(prefix ?? "")).sort();
 * }
 * ```
 */
export function validateStoragePrefix(prefix: unknown, context: string): asserts prefix is string | undefined {
  if (prefix === undefined) return;
  const validator = createValidator(context);
  validator.string("prefix", prefix, { minLength: 0, maxLength: MAX_STORAGE_KEY_LENGTH });
  validator.done();
}

/**
 * Throws unless the arguments form a valid `StorageAdapter.setItem` call: a valid key and a string value (the empty
 * string included).
 *
 * @param key - The key to check.
 * @param value - The value to check.
 * @param context - What is being called, shown in the error message, e.g. `"myAdapter.setItem"`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed argument.
 * @example
 * ```ts
 * setItem(key: string, value: string) {
 *   validateSetItemArguments(key, value, "myAdapter.setItem");
 *   backend.set(key, value);
 * }
 * ```
 */
export function validateSetItemArguments(key: unknown, value: unknown, context: string): void {
  if (isValidKey(key) && typeof value === "string") return;
  const validator = createValidator(context);
  checkStorageKey(validator, "key", key);
  validator.string("value", value, { minLength: 0 });
  validator.done();
}

/**
 * Throws unless the arguments form a valid `StorageAdapter.compareAndSet` call: a valid key, a version string or
 * `null`, and a string value or `null`.
 *
 * @param key - The key to check.
 * @param expectedVersion - The version to check.
 * @param value - The value to check.
 * @param context - What is being called, shown in the error message, e.g. `"myAdapter.compareAndSet"`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed argument.
 * @example
 * ```ts
 * compareAndSet(key: string, expectedVersion: string | null, value: string | null) {
 *   validateCompareAndSetArguments(key, expectedVersion, value, "myAdapter.compareAndSet");
 *   // … the atomic write
 * }
 * ```
 */
export function validateCompareAndSetArguments(
  key: unknown,
  expectedVersion: unknown,
  value: unknown,
  context: string,
): void {
  if (
    isValidKey(key) &&
    (expectedVersion === null || typeof expectedVersion === "string") &&
    (value === null || typeof value === "string")
  ) {
    return;
  }
  const validator = createValidator(context);
  checkStorageKey(validator, "key", key);
  validator.check(
    expectedVersion === null || typeof expectedVersion === "string",
    "expectedVersion",
    `must be a version string or null, got ${describeType(expectedVersion)}`,
  );
  validator.check(
    value === null || typeof value === "string",
    "value",
    `must be a string or null, got ${describeType(value)}`,
  );
  validator.done();
}

function isValidKey(key: unknown): key is string {
  return typeof key === "string" && key.length > 0 && key.length <= MAX_STORAGE_KEY_LENGTH;
}
