import type { Validator } from "@pelbiot/core";

/** A duration option ending in `Ms` and the name the original guide gave it, kept as an alias. */
export interface DurationOptionNames {
  /** The option's name, ending in `Ms` (e.g. `offlineSyncIntervalMs`). */
  readonly name: string;
  /** The guide's name for the same option (e.g. `offlineSyncInterval`). */
  readonly alias: string;
}

/**
 * Reads a duration given under its `Ms` name or its documented alias. Giving both is an issue even when the values
 * agree, so a caller never has to guess which one wins.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The options' path, e.g. `"options"`.
 * @param options - The options object.
 * @param names - The option's name and alias.
 * @param rule - Bounds of the duration, in milliseconds.
 * @returns The duration, or `undefined` when neither name was given or the value is invalid.
 */
export function readDurationOption(
  check: Validator,
  path: string,
  options: Record<string, unknown>,
  names: DurationOptionNames,
  rule: { min?: number; max?: number },
): number | undefined {
  const { name, alias } = names;
  const value = options[name];
  const aliasValue = options[alias];
  if (value !== undefined && aliasValue !== undefined) {
    check.fail(`${path}.${alias}`, `is an alias of ${name}; give only one of ${name} and ${alias}`);
    return undefined;
  }
  if (value === undefined && aliasValue === undefined) return undefined;
  const [key, given] = value === undefined ? [alias, aliasValue] : [name, value];
  return check.durationMs(`${path}.${key}`, given, rule) ? given : undefined;
}
