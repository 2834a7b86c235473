import { createValidator, type Validator } from "@pelbiot/core";
import { decideFieldMerge } from "./decide-field-merge";
import { localView, type RecordState } from "./device-record-store";
import type { ConflictResolution } from "./offline-sync-manager-types";
import type {
  ConflictDecision,
  ConflictStrategy,
  QueuedMutation,
  RecordData,
  ServerChange,
  ServerRecord,
  SyncConflict,
} from "./sync-types";
import { jsonEqual, mergeThreeWay } from "./three-way-merge";

/** Checks record data against the shared limits, adding issues to `check`. */
export type RecordDataCheck = (check: Validator, path: string, data: Record<string, unknown>) => void;

/** A conflict decision that settles it (not `undefined`). */
export type SettledDecision = Exclude<ConflictDecision, undefined>;

/**
 * Describes a conflict between the device's view of a record and a server version.
 *
 * @param deviceId - The device.
 * @param recordId - The record.
 * @param state - The device's state of the record.
 * @param remote - The conflicting server version.
 * @returns The conflict, with the fields both sides changed to different values.
 */
export function describeConflict(
  deviceId: string,
  recordId: string,
  state: RecordState,
  remote: ServerRecord,
): SyncConflict {
  const local = localView(state);
  const merge = mergeThreeWay(state.base?.data ?? null, local, remote.data);
  return {
    deviceId,
    recordId,
    entity: state.entity,
    base: state.base,
    local,
    remote,
    fields: "collisions" in merge ? merge.collisions : [],
  };
}

/**
 * Asks the strategy how to settle a conflict. A custom resolver's merged data is checked against the shared limits.
 *
 * @param strategy - The manager's conflict strategy.
 * @param conflict - The conflict.
 * @param state - The device's state of the record.
 * @param change - The conflicting server change.
 * @param checkData - The limits check for merged data.
 * @returns The decision, or `undefined` to hold the conflict for `resolveConflict`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when a custom resolver returns data over the limits.
 */
export function decideConflict(
  strategy: ConflictStrategy,
  conflict: SyncConflict,
  state: RecordState,
  change: ServerChange,
  checkData: RecordDataCheck,
): ConflictDecision {
  if (typeof strategy === "function") {
    const decision = strategy(conflict);
    if (decision !== undefined && decision !== "local" && decision !== "remote") {
      const check = createValidator("OfflineSyncManager.syncPendingChanges");
      const path = "conflictStrategy.result";
      if (check.object(path, decision) && decision.data !== null && check.object(`${path}.data`, decision.data)) {
        checkData(check, `${path}.data`, decision.data);
      }
      check.done();
    }
    return decision;
  }
  switch (strategy) {
    case "server-wins":
      return "remote";
    case "client-wins":
      return "local";
    case "last-writer-wins": {
      const localStamp = state.pending.at(-1)?.hlc;
      // Without a remote timestamp there is nothing to compare: leave it to a person.
      if (change.hlc === undefined || localStamp === undefined) return undefined;
      return localStamp > change.hlc ? "local" : "remote";
    }
    case "field-merge":
      return decideFieldMerge(conflict, state.pending, change.hlc);
    default:
      return undefined;
  }
}

/** Fresh ids and timestamps for the mutation that carries a resolution. */
export interface MutationStamps {
  /** A fresh mutation id. */
  readonly mutationId: () => string;
  /** A fresh hybrid-logical-clock timestamp of the device. */
  readonly hlc: (deviceId: string) => string;
}

/**
 * Applies a decision to a record: the server version becomes the base and the device's side, when it differs,
 * becomes one whole-record mutation on top of it.
 *
 * @param deviceId - The device.
 * @param recordId - The record.
 * @param state - The device's state of the record.
 * @param remote - The server version the decision settles against.
 * @param decision - `"local"`, `"remote"` or merged `{ data }`.
 * @param stamps - Fresh ids and timestamps.
 * @returns The record's next state, with no open conflict.
 */
export function applyDecision(
  deviceId: string,
  recordId: string,
  state: RecordState,
  remote: ServerRecord,
  decision: SettledDecision,
  stamps: MutationStamps,
): RecordState {
  if (decision === "remote") return { ...state, base: remote, pending: [], conflict: null };
  const data = decision === "local" ? localView(state) : decision.data;
  if (sameRecord(data, remote.data)) return { ...state, base: remote, pending: [], conflict: null };
  // Fold the device's changes into one whole-record write on top of the server's version.
  const folded: QueuedMutation = {
    mutationId: stamps.mutationId(),
    clientId: deviceId,
    recordId,
    entity: state.entity,
    type: data === null ? "delete" : remote.data === null ? "create" : "update",
    data,
    baseVersion: remote.version,
    previousMutationId: null,
    hlc: stamps.hlc(deviceId),
    replace: data !== null,
  };
  return { ...state, base: remote, pending: [folded], conflict: null };
}

/** A resolution passed to `resolveConflict`. */
export type ManualResolution = "local" | "remote" | { version?: number; data: RecordData | null };

/**
 * Turns a manual resolution into a decision: a server record `{ version, data }` settles against that version.
 *
 * @param resolution - The validated resolution.
 * @param remote - The conflicting server version.
 * @returns The server version to settle against and the decision.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the given server record is older than `remote`.
 */
export function settleResolution(
  resolution: ManualResolution,
  remote: ServerRecord,
): { remote: ServerRecord; decision: SettledDecision } {
  if (resolution === "local" || resolution === "remote") return { remote, decision: resolution };
  const data = resolution.data === null ? null : { ...resolution.data };
  if (resolution.version === undefined) return { remote, decision: { data } };
  const check = createValidator("OfflineSyncManager.resolveConflict");
  check.number("resolution.version", resolution.version, { min: remote.version });
  check.done();
  return { remote: { version: resolution.version, data }, decision: "remote" };
}

/**
 * Names a decision for the `conflict_resolved` event.
 *
 * @param decision - The decision.
 * @returns `"local"`, `"remote"` or `"merged"`.
 */
export function resolutionOf(decision: SettledDecision): ConflictResolution {
  return decision === "local" ? "local" : decision === "remote" ? "remote" : "merged";
}

function sameRecord(left: RecordData | null, right: RecordData | null): boolean {
  return left === null || right === null ? left === right : jsonEqual(left, right);
}
