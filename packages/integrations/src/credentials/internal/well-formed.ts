import type { Validator } from "@pelbiot/core";

// In a `u` regex a lone surrogate is a code point of category Cs; a proper surrogate pair is not.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Records an issue when `value` holds a lone UTF-16 surrogate, which `encodeURIComponent` (the storage key) cannot
 * encode and which no UTF-8 store can keep. The message names the rule, never the value.
 *
 * @returns Whether the string is well formed.
 */
export function checkWellFormed(validator: Validator, path: string, value: string): boolean {
  return validator.check(
    !LONE_SURROGATE.test(value),
    path,
    "must be well-formed Unicode: it contains a lone UTF-16 surrogate (half of a pair)",
  );
}
