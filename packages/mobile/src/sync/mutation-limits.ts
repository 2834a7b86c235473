import type { Validator } from "@pelbiot/core";
import { isWellFormedText } from "../internal/well-formed-text";
import { parseHlc } from "./hybrid-logical-clock";

// One set of rules for what a change may look like, used by the device (OfflineSyncManager) when it saves and pulls
// and by the coordinator when it accepts a push, so the two cannot drift apart: whatever one side accepts, the
// other can read.

/** Longest client (device) id, in UTF-16 units. */
export const MAX_CLIENT_ID_LENGTH = 200;
/** Longest mutation id, in UTF-16 units. */
export const MAX_MUTATION_ID_LENGTH = 200;
/** Longest record id, in UTF-16 units. */
export const MAX_RECORD_ID_LENGTH = 500;
/** Longest entity (collection) name, in UTF-16 units. */
export const MAX_ENTITY_LENGTH = 200;
/** Default largest size of one change's data: UTF-8 bytes of its JSON. */
export const DEFAULT_MAX_MUTATION_BYTES = 262_144;
/** Deepest nesting of objects and arrays in one change's data (the record itself is level 1). */
export const MAX_DATA_DEPTH = 64;
/** Most object keys in one change's data, counted across every nesting level. */
export const MAX_DATA_KEYS = 10_000;
/** Default largest push: UTF-8 bytes of the JSON array of its mutations. */
export const DEFAULT_MAX_PUSH_BYTES = 1_048_576;
/**
 * Room a push needs beside one mutation's data: ids, timestamp and field names, with every character escaped at worst.
 * `maxPushBytes` must leave this much above `maxMutationSize`, so that any single valid mutation fits in a push.
 */
export const MUTATION_ENVELOPE_BYTES = 16_384;

/**
 * Checks an id or name used in sync: a non-empty, well-formed string of at most `maxLength` UTF-16 units.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The value's name in the issue.
 * @param value - The value.
 * @param maxLength - Longest accepted length.
 * @returns Whether the value passed.
 */
export function checkSyncId(check: Validator, path: string, value: unknown, maxLength: number): value is string {
  if (!check.string(path, value, { maxLength })) return false;
  return check.check(isWellFormedText(value), path, "must be well-formed text (no lone UTF-16 surrogate halves)");
}

/**
 * Checks a hybrid-logical-clock timestamp as made by `createHybridLogicalClock`.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The value's name in the issue.
 * @param value - The value.
 * @returns Whether the value passed.
 */
export function checkHlc(check: Validator, path: string, value: unknown): value is string {
  return check.check(
    parseHlc(value) !== undefined,
    path,
    'must be a hybrid-logical-clock timestamp (e.g. "0000lmn3k2a-00000-device-1")',
  );
}

/**
 * Size of a string once encoded as UTF-8, without encoding it. A lone surrogate counts as the 3 bytes of the
 * replacement character it would become (JSON text never holds one: `JSON.stringify` escapes it).
 *
 * @param text - The string.
 * @returns Its UTF-8 length in bytes.
 */
export function utf8ByteLength(text: string): number {
  if (!NON_ASCII.test(text)) return text.length; // the common case, checked natively
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}

const NON_ASCII = /[\u0080-\uffff]/;

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Checks one change's data against the shared limits: only JSON values, at most {@link MAX_DATA_DEPTH} levels deep,
 * at most {@link MAX_DATA_KEYS} keys, at most `maxBytes` UTF-8 bytes as JSON. Never calls `JSON.stringify` on data
 * that is too deep, so hostile nesting cannot exhaust the stack.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The value's name in the issue.
 * @param data - A plain object (the caller has checked that much).
 * @param maxBytes - Largest accepted size, and the option's name for the message.
 * @returns Whether the data passed.
 */
export function checkRecordData(
  check: Validator,
  path: string,
  data: Record<string, unknown>,
  maxBytes: { value: number; option: string },
): boolean {
  const problem = findJsonProblem(data, 0, { keys: 0 });
  if (problem === "not-json") {
    return check.fail(path, "must hold only JSON values (strings, finite numbers, booleans, null, arrays, objects)");
  }
  if (problem === "too-deep") {
    return check.fail(path, `is nested more than ${MAX_DATA_DEPTH} levels deep; at most ${MAX_DATA_DEPTH} is accepted`);
  }
  if (problem === "too-many-keys") {
    return check.fail(path, `has more than ${MAX_DATA_KEYS} keys; at most ${MAX_DATA_KEYS} is accepted`);
  }
  const bytes = utf8ByteLength(JSON.stringify(data));
  return check.check(
    bytes <= maxBytes.value,
    path,
    `is ${bytes} bytes as JSON (UTF-8); at most ${maxBytes.value} (${maxBytes.option}) is accepted`,
  );
}

type JsonProblem = "not-json" | "too-deep" | "too-many-keys";

// Recursion is bounded by MAX_DATA_DEPTH, and a cycle shows up as "too deep".
function findJsonProblem(value: unknown, depth: number, counted: { keys: number }): JsonProblem | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : "not-json";
  if (typeof value !== "object") return "not-json";
  if (depth >= MAX_DATA_DEPTH) return "too-deep";
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = findJsonProblem(item, depth + 1, counted);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return "not-json";
  const keys = Object.keys(value);
  counted.keys += keys.length;
  if (counted.keys > MAX_DATA_KEYS) return "too-many-keys";
  for (const key of keys) {
    const problem = findJsonProblem((value as Record<string, unknown>)[key], depth + 1, counted);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Checks that a push limit leaves room for the largest single mutation, so a device can always make progress.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The option's name in the issue.
 * @param maxPushBytes - The push limit.
 * @param maxMutationBytes - The data limit it must hold.
 * @returns Whether the pair is consistent.
 */
export function checkPushBytesOption(
  check: Validator,
  path: string,
  maxPushBytes: unknown,
  maxMutationBytes: number,
): boolean {
  const least = maxMutationBytes + MUTATION_ENVELOPE_BYTES;
  if (!check.number(path, maxPushBytes, { integer: true, min: 1 })) return false;
  return check.check(
    maxPushBytes >= least,
    path,
    `must be at least ${least} (maxMutationSize plus ${MUTATION_ENVELOPE_BYTES} bytes for ids and timestamps), got ${maxPushBytes}`,
  );
}

/**
 * The push limit to use when none is given: the default, raised when a large `maxMutationSize` needs more room.
 *
 * @param maxMutationBytes - The data limit in force.
 * @returns The push limit in bytes.
 */
export function defaultMaxPushBytes(maxMutationBytes: number): number {
  return Math.max(DEFAULT_MAX_PUSH_BYTES, maxMutationBytes + MUTATION_ENVELOPE_BYTES);
}

/**
 * Splits mutations, in order, into batches of at most `maxCount` mutations and at most `maxBytes` UTF-8 bytes as a
 * JSON array (the way the coordinator measures a push). A mutation too big to share a batch goes alone.
 *
 * @param mutations - The queue, in push order.
 * @param limits - Most mutations and most bytes per batch.
 * @returns The batches; concatenated, they are `mutations`.
 */
export function planPushBatches<T>(mutations: readonly T[], limits: { maxCount: number; maxBytes: number }): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 2; // the array's brackets
  for (const mutation of mutations) {
    const size = utf8ByteLength(JSON.stringify(mutation));
    const separator = batch.length === 0 ? 0 : 1;
    if (batch.length > 0 && (batch.length >= limits.maxCount || bytes + separator + size > limits.maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 2;
    }
    bytes += (batch.length === 0 ? 0 : 1) + size;
    batch.push(mutation);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
