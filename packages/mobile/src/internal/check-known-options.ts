import type { Validator } from "@pelbiot/core";

/**
 * Adds an issue for every key of `options` that is not an accepted option, so a misspelt limit (`maxPushByte`)
 * fails loudly instead of silently leaving the default in place.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The options' name in the issue, e.g. `"options"`.
 * @param options - The options object.
 * @param accepted - Every accepted key.
 */
export function checkKnownOptions(
  check: Validator,
  path: string,
  options: Record<string, unknown>,
  accepted: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!accepted.includes(key)) check.fail(`${path}.${key}`, `is not an option; accepted: ${accepted.join(", ")}`);
  }
}
