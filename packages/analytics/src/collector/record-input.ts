import { toEpochMillis, type Validator } from "@pelbiot/core";
import type { ResolvedAnalyticsDataCollectorOptions } from "./analytics-data-collector-options";
import type { EventProperties, MetricTags } from "./analytics-data-collector-types";

/** The limits the input checks apply. */
export type InputLimits = Pick<
  ResolvedAnalyticsDataCollectorOptions,
  "maxNameLength" | "maxProperties" | "maxPropertyBytes"
>;

/** A checked event, ready to record. */
export interface CheckedEvent {
  id: string | undefined;
  name: string;
  properties: EventProperties;
  userId: string | null;
  timestamp: number | undefined;
  context: EventProperties | undefined;
}

/** A checked metric point, ready to record. */
export interface CheckedMetric {
  name: string;
  value: number;
  tags: MetricTags;
  timestamp: number | undefined;
}

const EMPTY: EventProperties = Object.freeze({});

/** Checks an event or metric name. */
export function checkName(check: Validator, path: string, name: unknown, limits: InputLimits): name is string {
  return check.string(path, name, { maxLength: limits.maxNameLength });
}

/** Checks an optional timestamp (epoch ms or Date); returns epoch ms or `undefined`. */
export function checkTimestamp(check: Validator, path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const millis = toEpochMillis(value);
  if (millis === undefined) check.fail(path, "must be epoch milliseconds or a valid Date");
  return millis;
}

/**
 * Checks a JSON object of properties: plain JSON values only (no functions, `undefined`, symbols, bigints,
 * non-finite numbers or class instances), no cycles, at most `maxProperties` keys and `maxPropertyBytes` of JSON.
 */
export function checkProperties(
  check: Validator,
  path: string,
  value: unknown,
  limits: InputLimits,
): EventProperties | undefined {
  if (value === undefined) return EMPTY;
  if (!isPlainObject(value)) {
    check.fail(path, "must be a plain object of JSON values");
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > limits.maxProperties) {
    check.fail(path, `has ${keys.length} keys; at most ${limits.maxProperties} (maxProperties) are accepted`);
    return undefined;
  }
  const before = check.issues.length;
  checkJson(check, path, value, new Set());
  if (check.issues.length > before) return undefined;
  const size = JSON.stringify(value).length;
  if (size > limits.maxPropertyBytes) {
    check.fail(
      path,
      `is ${size} characters of JSON; at most ${limits.maxPropertyBytes} (maxPropertyBytes) are accepted`,
    );
    return undefined;
  }
  return value as EventProperties;
}

function checkJson(check: Validator, path: string, value: unknown, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) check.fail(path, `is ${value}; JSON numbers must be finite`);
      return;
    case "object": {
      if (value === null) return;
      if (seen.has(value)) {
        check.fail(path, "is circular (refers to an object that contains it); JSON values cannot be");
        return;
      }
      if (!Array.isArray(value) && !isPlainObject(value)) {
        check.fail(path, `is ${value.constructor?.name ?? "an object"}; only plain objects and arrays are JSON`);
        return;
      }
      seen.add(value);
      for (const [key, item] of Object.entries(value)) checkJson(check, `${path}.${key}`, item, seen);
      seen.delete(value);
      return;
    }
    default:
      check.fail(path, `is ${value === undefined ? "undefined" : `a ${typeof value}`}; only JSON values are accepted`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Checks metric tags: string values, at most `maxProperties` of them. */
export function checkTags(check: Validator, path: string, value: unknown, limits: InputLimits): MetricTags | undefined {
  if (value === undefined) return EMPTY as MetricTags;
  if (!isPlainObject(value)) {
    check.fail(path, "must be a plain object of string values");
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length > limits.maxProperties) {
    check.fail(path, `has ${entries.length} tags; at most ${limits.maxProperties} (maxProperties) are accepted`);
    return undefined;
  }
  for (const [key, tag] of entries) {
    check.string(`${path}.${key}`, tag, { minLength: 0, maxLength: limits.maxNameLength });
  }
  return value as MetricTags;
}

/** Checks the arguments of one event. */
export function checkEvent(
  check: Validator,
  path: string,
  input: { name: unknown; properties: unknown; userId: unknown; options: unknown },
  limits: InputLimits,
): CheckedEvent | undefined {
  const prefix = path === "" ? "" : `${path}.`;
  const nameOk = checkName(check, `${prefix}name`, input.name, limits);
  const properties = checkProperties(check, `${prefix}properties`, input.properties, limits);
  const { userId } = input;
  if (userId !== undefined && userId !== null)
    check.string(`${prefix}userId`, userId, { maxLength: limits.maxNameLength });
  const options = input.options === undefined ? {} : input.options;
  if (!check.object(path === "" ? "options" : path, options)) return undefined;
  if (path === "") check.knownKeys("options", options, ["id", "timestamp", "context"]);
  if (options.id !== undefined)
    check.string(`${prefix === "" ? "options." : prefix}id`, options.id, { maxLength: 200 });
  const optionPrefix = prefix === "" ? "options." : prefix;
  const timestamp = checkTimestamp(check, `${optionPrefix}timestamp`, options.timestamp);
  const context =
    options.context === undefined
      ? undefined
      : checkProperties(check, `${optionPrefix}context`, options.context, limits);
  if (!nameOk || properties === undefined || check.issues.length > 0) return undefined;
  return {
    id: options.id as string | undefined,
    name: input.name as string,
    properties,
    userId: typeof userId === "string" ? userId : null,
    timestamp,
    context,
  };
}

/** Checks the arguments of one metric point. */
export function checkMetric(
  check: Validator,
  path: string,
  input: { name: unknown; value: unknown; tags: unknown; options: unknown },
  limits: InputLimits,
): CheckedMetric | undefined {
  const prefix = path === "" ? "" : `${path}.`;
  checkName(check, `${prefix}name`, input.name, limits);
  if (typeof input.value !== "number" || !Number.isFinite(input.value)) {
    check.fail(`${prefix}value`, `must be a finite number; got ${describe(input.value)}`);
  }
  const tags = checkTags(check, `${prefix}tags`, input.tags, limits);
  const options = input.options === undefined ? {} : input.options;
  let timestamp: number | undefined;
  if (check.object(path === "" ? "options" : path, options)) {
    if (path === "") check.knownKeys("options", options, ["timestamp"]);
    timestamp = checkTimestamp(check, `${prefix === "" ? "options." : prefix}timestamp`, options.timestamp);
  }
  if (tags === undefined || check.issues.length > 0) return undefined;
  return { name: input.name as string, value: input.value as number, tags, timestamp };
}

function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : typeof value;
}
