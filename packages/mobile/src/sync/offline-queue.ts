import { PelbiotError } from "@pelbiot/core";
import { chainPendingMutations } from "./chain-pending-mutations";
import { localView, type RecordState } from "./device-record-store";
import type { OfflineMutationInput, QueuedMutation, RecordData } from "./sync-types";
import { applyMutation } from "./three-way-merge";

/** What {@link appendMutation} needs besides the record: the device, fresh ids and timestamps, and a size check. */
export interface AppendContext {
  /** The device queuing the change. */
  readonly deviceId: string;
  /** The record the change applies to. */
  readonly recordId: string;
  /** A fresh mutation id. */
  readonly mutationId: string;
  /** A fresh hybrid-logical-clock timestamp of the device. */
  readonly hlc: string;
  /** Throws when the record after the change breaks the shared limits. */
  readonly checkRecordAfter: (record: RecordData | null) => void;
}

/**
 * Refuses a new mutation when the device's queue is full.
 *
 * @param deviceId - The device.
 * @param pendingCount - Mutations it holds unsynced.
 * @param limit - `maxOfflineRecords`.
 * @throws {PelbiotError} LIMIT_EXCEEDED (`details: { limit, got }`) when the queue holds `limit` mutations.
 */
export function checkQueueRoom(deviceId: string, pendingCount: number, limit: number): void {
  if (pendingCount < limit) return;
  throw new PelbiotError(
    "LIMIT_EXCEEDED",
    `OfflineSyncManager.saveOfflineData: device "${deviceId}" already holds ${pendingCount} unsynced mutations (maxOfflineRecords is ${limit}); sync before saving more`,
    { details: { limit, got: pendingCount } },
  );
}

/**
 * Adds a device's change to its record's queue.
 *
 * @param current - The record's state, or `undefined` when the device has never seen it.
 * @param mutation - The validated change.
 * @param context - Device, ids and the size check.
 * @returns The record's next state and the queued mutation.
 * @throws {PelbiotError} CONFLICT when creating a record the device has, or changing it as another entity;
 *   NOT_FOUND when updating or deleting a record the device does not have.
 */
export function appendMutation(
  current: RecordState | undefined,
  mutation: OfflineMutationInput,
  context: AppendContext,
): { state: RecordState; queued: QueuedMutation } {
  const { deviceId, recordId } = context;
  const local = current === undefined ? null : localView(current);
  if (mutation.type === "create" && local !== null) {
    throw new PelbiotError("CONFLICT", `Record "${recordId}" already exists on device "${deviceId}"; use update`);
  }
  if (mutation.type !== "create" && local === null) {
    throw new PelbiotError("NOT_FOUND", `Record "${recordId}" does not exist on device "${deviceId}"`, {
      details: { id: recordId },
    });
  }
  if (current !== undefined && current.entity !== mutation.entity) {
    throw new PelbiotError("CONFLICT", `Record "${recordId}" is a "${current.entity}", not a "${mutation.entity}"`);
  }
  context.checkRecordAfter(applyMutation(local, { type: mutation.type, data: mutation.data ?? null }));
  const queued: QueuedMutation = {
    mutationId: context.mutationId,
    clientId: deviceId,
    recordId,
    entity: mutation.entity,
    type: mutation.type,
    data: mutation.type === "delete" ? null : { ...(mutation.data ?? {}) },
    baseVersion: current?.base?.version ?? null,
    previousMutationId: current?.pending.at(-1)?.mutationId ?? null,
    hlc: context.hlc,
    replace: false,
  };
  const state: RecordState = current ?? { entity: mutation.entity, base: null, pending: [], conflict: null };
  return { state: { ...state, pending: [...state.pending, queued] }, queued };
}

/**
 * The queued mutations of a device in the order to push them (hybrid-logical-clock order), each chained to the one
 * before it on the same record.
 *
 * @param states - Every record state of the device.
 * @param includeHeld - Whether to include the mutations of records with an open conflict.
 * @returns The queue.
 */
export function orderedQueue(states: readonly RecordState[], includeHeld: boolean): QueuedMutation[] {
  return states
    .filter((state) => includeHeld || state.conflict === null)
    .flatMap((state) => chainPendingMutations(state.base, state.pending))
    .sort((left, right) => (left.hlc < right.hlc ? -1 : left.hlc > right.hlc ? 1 : 0));
}
