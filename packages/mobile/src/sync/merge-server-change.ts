import {
  applyDecision,
  decideConflict,
  describeConflict,
  type MutationStamps,
  type RecordDataCheck,
  resolutionOf,
} from "./conflict-policy";
import type { RecordState } from "./device-record-store";
import type { ConflictResolution } from "./offline-sync-manager-types";
import type { ConflictStrategy, ServerChange, ServerRecord, SyncConflict } from "./sync-types";

/** What merging one server change did to a record. */
export type MergeOutcome =
  | { readonly kind: "applied" | "acknowledged" | "skipped" }
  | { readonly kind: "conflict"; readonly conflict: SyncConflict; readonly alreadyOpen: boolean }
  | {
      readonly kind: "resolved";
      readonly conflict: SyncConflict;
      readonly resolution: ConflictResolution;
      readonly superseded: readonly string[];
      readonly replacement: string | undefined;
    };

/** The manager's conflict policy, as {@link mergeServerChange} applies it. */
export interface MergePolicy {
  readonly strategy: ConflictStrategy;
  readonly checkData: RecordDataCheck;
  readonly stamps: MutationStamps;
}

/**
 * Merges one server change into the device's state of its record: acknowledges the device's own mutation coming
 * back, applies a change to a record the device has not changed, and otherwise detects a conflict and settles it by
 * the strategy or holds it open.
 *
 * @param current - The device's state of the record, or `undefined` when it has never seen it.
 * @param change - The validated server change.
 * @param deviceId - The device.
 * @param policy - Strategy, limits check and fresh ids for a resolution.
 * @returns The record's next state (`current` itself when nothing changed) and what happened.
 */
export function mergeServerChange(
  current: RecordState | undefined,
  change: ServerChange,
  deviceId: string,
  policy: MergePolicy,
): { next: RecordState | undefined; outcome: MergeOutcome } {
  const remote: ServerRecord = { version: change.version, data: change.data === null ? null : { ...change.data } };
  const state: RecordState = current ?? { entity: change.entity, base: null, pending: [], conflict: null };
  // Only a mutation still in the queue is acknowledged by its return. Another install sharing this client id writes
  // under it too, and its change must be merged like anyone else's, conflicts included.
  const own = state.pending.some((mutation) => mutation.mutationId === change.mutationId);
  if (change.clientId === deviceId && own) {
    const pending = state.pending.filter((mutation) => mutation.mutationId !== change.mutationId);
    const newer = state.base === null || change.version > state.base.version;
    return { next: { ...state, base: newer ? remote : state.base, pending }, outcome: { kind: "acknowledged" } };
  }
  if (state.base !== null && change.version <= state.base.version) {
    return { next: current, outcome: { kind: "skipped" } }; // already seen
  }
  if (state.pending.length === 0 && state.conflict === null) {
    return { next: { ...state, base: remote }, outcome: { kind: "applied" } };
  }
  const conflict = describeConflict(deviceId, change.recordId, state, remote);
  const alreadyOpen = state.conflict !== null;
  const decision = alreadyOpen ? undefined : decideConflict(policy.strategy, conflict, state, change, policy.checkData);
  if (decision === undefined) {
    return { next: { ...state, conflict }, outcome: { kind: "conflict", conflict, alreadyOpen } };
  }
  const next = applyDecision(deviceId, change.recordId, state, remote, decision, policy.stamps);
  return {
    next,
    outcome: {
      kind: "resolved",
      conflict,
      resolution: resolutionOf(decision),
      superseded: state.pending.map((mutation) => mutation.mutationId),
      replacement: next.pending[0]?.mutationId,
    },
  };
}
