import { type Clock, createValidator, PelbiotError, type Validator } from "@pelbiot/core";
import { parseHlc } from "./hybrid-logical-clock";
import {
  checkHlc,
  checkRecordData,
  checkSyncId,
  MAX_CLIENT_ID_LENGTH,
  MAX_ENTITY_LENGTH,
  MAX_MUTATION_ID_LENGTH,
  MAX_RECORD_ID_LENGTH,
  utf8ByteLength,
} from "./mutation-limits";
import type { PushRequest, PushResult } from "./sync-protocol";
import type { QueuedMutation } from "./sync-types";

/** The coordinator's limits on one push. */
export interface PushLimits {
  /** Most mutations in one push. */
  readonly maxPushSize: number;
  /** Most UTF-8 bytes of the JSON array of the pushed mutations. */
  readonly maxPushBytes: number;
  /** Most UTF-8 bytes of one mutation's data as JSON. */
  readonly maxMutationSize: number;
  /** Largest lead of a mutation's HLC over `clock`. */
  readonly maxClockDriftMs: number;
  /** The coordinator's clock. */
  readonly clock: Clock;
}

const MUTATION_TYPES = ["create", "update", "delete"] as const;

/**
 * Validates a push before anything is written. A malformed request (no client id, a mutation without a usable id,
 * too many mutations) fails as a whole, and so does a push over `maxPushBytes`; a well-addressed mutation that breaks
 * the shared limits, or whose HLC runs too far ahead of the coordinator's clock, is refused on its own so the rest of
 * the device's queue still goes through.
 *
 * @param request - The push, as received.
 * @param limits - The coordinator's limits.
 * @returns For each mutation, its refusal, or `undefined` when it may be judged (and written).
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed request.
 * @throws {PelbiotError} LIMIT_EXCEEDED when the mutations are over `maxPushBytes`.
 */
export function validatePush(request: PushRequest, limits: PushLimits): (PushResult | undefined)[] {
  const check = createValidator("SyncCoordinator.push");
  if (check.object("request", request)) {
    checkSyncId(check, "request.clientId", request.clientId, MAX_CLIENT_ID_LENGTH);
    if (check.array("request.mutations", request.mutations, { maxLength: limits.maxPushSize })) {
      request.mutations.forEach((mutation, position) => {
        const path = `request.mutations.${position}`;
        if (!check.object(path, mutation)) return;
        checkSyncId(check, `${path}.mutationId`, mutation.mutationId, MAX_MUTATION_ID_LENGTH);
        check.check(mutation.clientId === request.clientId, `${path}.clientId`, "must equal request.clientId");
      });
    }
  }
  check.done();
  checkPushBytes(request.mutations, limits.maxPushBytes);
  const now = limits.clock.now();
  return request.mutations.map((mutation) => refusal(mutation, limits, now));
}

function checkPushBytes(mutations: readonly QueuedMutation[], maxPushBytes: number): void {
  let text: string;
  try {
    text = JSON.stringify(mutations);
  } catch {
    const check = createValidator("SyncCoordinator.push");
    check.fail("request.mutations", "must be JSON-serialisable (no cycles, no BigInt)");
    check.done();
    return;
  }
  const bytes = utf8ByteLength(text);
  if (bytes > maxPushBytes) {
    throw new PelbiotError(
      "LIMIT_EXCEEDED",
      `SyncCoordinator.push: the mutations are ${bytes} bytes as JSON (UTF-8); at most ${maxPushBytes} (maxPushBytes) is accepted in one push, so send them in smaller pushes`,
      { details: { limit: maxPushBytes, got: bytes } },
    );
  }
}

function refusal(mutation: QueuedMutation, limits: PushLimits, now: number): PushResult | undefined {
  const check = createValidator("SyncCoordinator.push");
  checkMutationContent(check, mutation, limits.maxMutationSize);
  if (check.issues.length > 0) {
    const reason = check.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    return { mutationId: mutation.mutationId, status: "rejected", code: "VALIDATION_ERROR", reason };
  }
  // A clock far ahead would win every last-writer-wins comparison until real time caught up.
  const driftMs = parseHlc(mutation.hlc)!.wallMs - now;
  if (driftMs > limits.maxClockDriftMs) {
    return {
      mutationId: mutation.mutationId,
      status: "rejected",
      code: "LIMIT_EXCEEDED",
      reason: `hlc is ${driftMs} ms ahead of the coordinator's clock; at most ${limits.maxClockDriftMs} ms (maxClockDriftMs) is accepted`,
    };
  }
  return undefined;
}

/**
 * Checks the record a mutation would leave behind. Updates patch fields, so small patches can add up to a record
 * over the limits; devices pull whole records, so such a write is refused like an oversized mutation.
 *
 * @param mutationId - The mutation, for the result.
 * @param record - The record after the mutation (`null` when deleted).
 * @param maxMutationSize - Largest accepted data, in UTF-8 bytes of its JSON.
 * @returns The refusal, or `undefined` when the record is within the limits.
 */
export function refuseOversizedRecord(
  mutationId: string,
  record: Record<string, unknown> | null,
  maxMutationSize: number,
): PushResult | undefined {
  if (record === null) return undefined;
  const check = createValidator("SyncCoordinator.push");
  checkRecordData(check, "record after this change", record, { value: maxMutationSize, option: "maxMutationSize" });
  const issue = check.issues[0];
  if (issue === undefined) return undefined;
  return { mutationId, status: "rejected", code: "VALIDATION_ERROR", reason: `${issue.path}: ${issue.message}` };
}

function checkMutationContent(check: Validator, mutation: QueuedMutation, maxMutationSize: number): void {
  const value = mutation as Partial<Record<keyof QueuedMutation, unknown>>;
  checkSyncId(check, "recordId", value.recordId, MAX_RECORD_ID_LENGTH);
  checkSyncId(check, "entity", value.entity, MAX_ENTITY_LENGTH);
  check.oneOf("type", value.type, MUTATION_TYPES);
  if (value.data !== null) {
    const isObject = typeof value.data === "object" && value.data !== undefined && !Array.isArray(value.data);
    if (check.check(isObject, "data", "must be an object or null")) {
      checkRecordData(check, "data", value.data as Record<string, unknown>, {
        value: maxMutationSize,
        option: "maxMutationSize",
      });
    }
  }
  check.check(
    value.baseVersion === null || (Number.isInteger(value.baseVersion) && (value.baseVersion as number) >= 0),
    "baseVersion",
    "must be a non-negative integer or null",
  );
  checkHlc(check, "hlc", value.hlc);
  check.boolean("replace", value.replace);
  // Optional: the device's previous queued mutation of the same record, which this one is based on.
  if (value.previousMutationId != null)
    checkSyncId(check, "previousMutationId", value.previousMutationId, MAX_MUTATION_ID_LENGTH);
}
