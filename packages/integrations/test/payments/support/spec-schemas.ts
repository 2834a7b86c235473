// Compiles the providers' own OpenAPI fragments (copied into fixtures/specs) into Ajv validators, following the specs
// README: nullable → anyOf with null, x-* keys dropped, provider formats ignored, no unicode-flag regexps.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";

export function readSpec<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/specs/${name}`, import.meta.url), "utf8")) as T;
}

function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith("x-") || key === "nullable" || key === "format" || key === "example") continue;
    result[key] = key === "properties" || key === "patternProperties" ? mapValues(value) : toJsonSchema(value);
  }
  if ((schema as { nullable?: unknown }).nullable === true) {
    if (Array.isArray(result.enum)) result.enum = [...result.enum, null];
    return { anyOf: [result, { type: "null" }] };
  }
  return result;
}

function mapValues(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, toJsonSchema(child)]));
}

const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
const coercing = new Ajv({
  strict: false,
  allErrors: true,
  unicodeRegExp: false,
  validateFormats: false,
  coerceTypes: true,
});

/** Compiles a fragment; `coerce` reads form-encoded strings as the integers and booleans the schema declares. */
export function compile(schema: unknown, coerce = false): ValidateFunction {
  return (coerce ? coercing : ajv).compile(toJsonSchema(schema) as object);
}

/** Validates and returns the error text (empty when valid). */
export function problems(validate: ValidateFunction, value: unknown): string {
  return validate(value) ? "" : ajv.errorsText(validate.errors);
}
