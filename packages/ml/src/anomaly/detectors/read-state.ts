import { PelbiotError } from "@pelbiot/core";
import { decodeFloat64, decodeFloat64Table } from "../../internal/float64-text";
import type { DetectorState } from "./detector";

/**
 * The error for a serialised detector state that cannot be restored; the engine's `fromJSON` reports its message
 * under the model's `detector` path.
 *
 * @param message - What is wrong with which field.
 * @returns A `VALIDATION_ERROR`.
 */
export function invalidState(message: string): PelbiotError {
  return new PelbiotError("VALIDATION_ERROR", message);
}

/** Reads a finite number field of a serialised detector, or throws a `VALIDATION_ERROR` naming the field. */
export function readNumber(state: DetectorState, field: string, integer = false): number {
  const value = state[field];
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalidState(`field "${field}" must be a finite ${integer ? "integer" : "number"}`);
  }
  return value;
}

/** Reads a number-array field of a serialised detector (optionally of a given length), or throws naming the field. */
export function readArray(state: DetectorState, field: string, length?: number): Float64Array {
  const value = state[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "number" && Number.isFinite(item))) {
    throw invalidState(`field "${field}" must be an array of finite numbers`);
  }
  if (length !== undefined && value.length !== length) {
    throw invalidState(`field "${field}" must hold ${length} numbers, got ${value.length}`);
  }
  return Float64Array.from(value as number[]);
}

/**
 * Reads a field written as base64 text of float64 numbers (`encodeFloat64`, or `encodeFloat64Table` with `table`), or
 * (as older snapshots hold it) as an array of numbers; every number must be finite, or it throws a
 * `VALIDATION_ERROR` naming the field.
 */
export function readPackedArray(state: DetectorState, field: string, table = false): Float64Array {
  const value = state[field];
  if (typeof value !== "string") return readArray(state, field);
  const numbers = table ? decodeFloat64Table(value) : decodeFloat64(value);
  if (numbers === undefined || !numbers.every((number) => Number.isFinite(number))) {
    const form = table
      ? "a table of base64 float64 numbers and base64 16-bit indices into it"
      : "base64 text of float64 numbers";
    throw invalidState(`field "${field}" must be ${form}, all finite (or an array of finite numbers)`);
  }
  return numbers;
}
