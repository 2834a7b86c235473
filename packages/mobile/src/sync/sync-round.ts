import { createValidator } from "@pelbiot/core";
import type { DeviceRecordStore } from "./device-record-store";
import { planPushBatches } from "./mutation-limits";
import type { SyncReport } from "./offline-sync-manager-types";
import type { PushResult, SyncTransport } from "./sync-protocol";
import type { QuarantinedChange, QueuedMutation, ServerChange, SyncResult } from "./sync-types";

/** Most mutations in one push, whatever their size. */
const PUSH_BATCH_SIZE = 500;

/** What a sync round needs from the manager. */
export interface SyncRoundHost {
  readonly records: DeviceRecordStore;
  readonly maxPushBytes: number;
  /** Merges pulled changes (the manager's `syncPendingChanges`). */
  merge(deviceId: string, changes: readonly ServerChange[]): Promise<SyncResult>;
  /** The queue to push (the manager's `getPendingChanges`). */
  pendingChanges(deviceId: string): Promise<QueuedMutation[]>;
  /** Reports a mutation the coordinator refused for good, after it was rolled back. */
  rejected(deviceId: string, mutation: QueuedMutation, reason: string): void;
}

/**
 * One sync round: pulls and merges every change after the device's cursor, then pushes its queue in batches within
 * the push limits, each batch acknowledged before the next.
 *
 * @param host - The manager's parts.
 * @param deviceId - The validated device id.
 * @param transport - How to reach the coordinator.
 * @returns The round's report.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the coordinator answers with a malformed response.
 */
export async function runSyncRound(
  host: SyncRoundHost,
  deviceId: string,
  transport: SyncTransport,
): Promise<SyncReport> {
  let cursor = await host.records.readCursor(deviceId);
  const totals = { pulled: 0, applied: 0, acknowledged: 0, autoResolved: 0 };
  const quarantined: QuarantinedChange[] = [];
  for (;;) {
    const response = await transport.pull({ clientId: deviceId, cursor });
    const check = createValidator("OfflineSyncManager.sync");
    if (check.object("pullResponse", response)) {
      check.array("pullResponse.changes", response.changes);
      check.number("pullResponse.cursor", response.cursor, { integer: true, min: cursor });
    }
    check.done();
    const merged = await host.merge(deviceId, response.changes);
    totals.pulled += response.changes.length;
    totals.applied += merged.applied;
    totals.acknowledged += merged.acknowledged;
    totals.autoResolved += merged.autoResolved;
    quarantined.push(...merged.quarantined);
    // Saved after the merge: a crash in between only re-delivers changes, and merging them again is a no-op.
    cursor = response.cursor;
    await host.records.writeCursor(deviceId, cursor);
    if (!response.hasMore || response.changes.length === 0) break;
  }
  const outgoing = await host.pendingChanges(deviceId);
  const rejected: PushResult[] = [];
  for (const batch of planPushBatches(outgoing, { maxCount: PUSH_BATCH_SIZE, maxBytes: host.maxPushBytes })) {
    const response = await transport.push({ clientId: deviceId, mutations: batch });
    const check = createValidator("OfflineSyncManager.sync");
    if (check.object("pushResponse", response)) {
      check.array("pushResponse.results", response.results, { minLength: batch.length, maxLength: batch.length });
    }
    check.done();
    const outcome = await applyPushResults(host, deviceId, batch, response.results);
    totals.acknowledged += outcome.acknowledged;
    rejected.push(...outcome.rejected);
  }
  // One listing for both: the queue length and the conflicts then describe the same moment.
  const { pending, conflicts } = await host.records.summarise(deviceId);
  return { ...totals, conflicts, pushed: outgoing.length, rejected, pending, quarantined };
}

/**
 * Takes the coordinator's verdicts off the queue: applied and duplicate mutations are acknowledged (the record's base
 * moves to the version written), rejected ones are rolled back, conflicting ones stay for the next pull.
 */
async function applyPushResults(
  host: SyncRoundHost,
  deviceId: string,
  outgoing: readonly QueuedMutation[],
  results: readonly PushResult[],
): Promise<{ acknowledged: number; rejected: PushResult[] }> {
  return host.records.withDevice(deviceId, async () => {
    let acknowledged = 0;
    const rejected: PushResult[] = [];
    for (const [position, mutation] of outgoing.entries()) {
      const result = results[position];
      if (result === undefined || result.mutationId !== mutation.mutationId || result.status === "conflict") continue;
      const accepted = result.status === "applied" || result.status === "duplicate";
      let removed = false;
      await host.records.recordsOf(deviceId).update(mutation.recordId, (current) => {
        if (current === undefined) return current;
        const pending = current.pending.filter((queued) => queued.mutationId !== mutation.mutationId);
        removed = pending.length < current.pending.length;
        if (!removed) return current;
        const version = accepted ? result.version : undefined;
        const newer = version !== undefined && (current.base === null || version > current.base.version);
        const base = newer ? { version, data: result.data ?? null } : current.base;
        if (base === null && pending.length === 0) return undefined; // a rejected create leaves nothing behind
        return { ...current, base, pending };
      });
      if (!removed) continue;
      if (accepted) acknowledged += 1;
      else {
        rejected.push(result);
        host.rejected(deviceId, mutation, result.reason ?? "rejected by the coordinator");
      }
    }
    return { acknowledged, rejected };
  });
}
