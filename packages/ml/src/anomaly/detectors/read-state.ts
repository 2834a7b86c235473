import type { DetectorState } from "./detector";

/** Reads a finite number field of a serialised detector, or throws an `Error` naming the field. */
export function readNumber(state: DetectorState, field: string, integer = false): number {
  const value = state[field];
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new Error(`field "${field}" must be a finite ${integer ? "integer" : "number"}`);
  }
  return value;
}

/** Reads a number-array field of a serialised detector (optionally of a given length), or throws naming the field. */
export function readArray(state: DetectorState, field: string, length?: number): Float64Array {
  const value = state[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "number" && Number.isFinite(item))) {
    throw new Error(`field "${field}" must be an array of finite numbers`);
  }
  if (length !== undefined && value.length !== length) {
    throw new Error(`field "${field}" must hold ${length} numbers, got ${value.length}`);
  }
  return Float64Array.from(value as number[]);
}
