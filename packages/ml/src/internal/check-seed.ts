import type { Validator } from "@pelbiot/core";

/** The largest seed the package's generators take: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Checks a `seed` option the one way every class of the package does: an integer in `[0, 2^32)`.
 *
 * @param check - The validator of the call.
 * @param path - The option's path, e.g. `"options.seed"`.
 * @param value - The given seed.
 * @returns Whether the seed is valid.
 */
export function checkSeed(check: Validator, path: string, value: unknown): value is number {
  return check.number(path, value, { integer: true, min: 0, max: MAX_SEED });
}
