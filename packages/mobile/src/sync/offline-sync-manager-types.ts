import type { PelbiotError } from "@pelbiot/core";
import type { PushResult } from "./sync-protocol";
import type { QuarantinedChange, QueuedMutation, SyncConflict, SyncResult } from "./sync-types";

/** How a conflict ended: the device's side, the server's, or merged data. */
export type ConflictResolution = "local" | "remote" | "merged";

/** Events of {@link OfflineSyncManager}. */
export interface OfflineSyncEvents {
  /** A batch of server changes is being merged. */
  sync_started: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
      /** How many server changes the batch holds. */
      changes: number;
    },
  ];
  /** The batch was merged. */
  sync_completed: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
    } & SyncResult,
  ];
  /** Both sides changed a record since their common version. */
  conflict_detected: [conflict: SyncConflict];
  /** A server change broke the shared limits; it was set aside and the rest of the batch applied. */
  change_quarantined: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
      /** The change set aside, with why. */
      change: QuarantinedChange;
    },
  ];
  /** The coordinator refused a mutation for good; it was rolled back on the device. */
  mutation_rejected: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
      /** The refused mutation. */
      mutation: QueuedMutation;
      /** The coordinator's explanation. */
      reason: string;
    },
  ];
  /** A `sync` round failed after its retries; automatic sync carries on at the next interval. */
  sync_failed: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
      /** Why the round failed. */
      error: PelbiotError;
    },
  ];
  /** A conflict was resolved, automatically or by `resolveConflict`. */
  conflict_resolved: [
    event: {
      /** The device this manager syncs. */
      deviceId: string;
      /** The record whose conflict was resolved. */
      recordId: string;
      /** How it was resolved. */
      resolution: ConflictResolution;
      /** `true` when the conflict strategy resolved it, `false` when `resolveConflict` did. */
      automatic: boolean;
      /** The device's mutations the resolution replaced: dropped (remote) or folded into `replacement`. */
      superseded: readonly string[];
      /** The single mutation that now carries the device's side, when one was queued. */
      replacement?: string;
    },
  ];
}

/** Outcome of one {@link OfflineSyncManager.sync} round: pull and merge, then push. */
export interface SyncReport {
  /** Server changes pulled. */
  readonly pulled: number;
  /** Of those, applied to records the device had not changed. */
  readonly applied: number;
  /** Own mutations acknowledged, by the pull or the push. */
  readonly acknowledged: number;
  /** Conflicts resolved by the strategy. */
  readonly autoResolved: number;
  /** Conflicts waiting for `resolveConflict`. */
  readonly conflicts: readonly SyncConflict[];
  /** Mutations pushed. */
  readonly pushed: number;
  /** Mutations the coordinator refused; rolled back on the device. */
  readonly rejected: readonly PushResult[];
  /** Mutations still queued. */
  readonly pending: number;
  /** Pulled changes set aside as invalid (event `change_quarantined`); the cursor moved past them. */
  readonly quarantined: readonly QuarantinedChange[];
}

/** A running automatic sync. */
export interface AutoSync {
  /** Runs a round now (after any round in progress). */
  syncNow(): Promise<SyncReport>;
  /** Stops scheduling; resolves when a round in progress has finished. */
  stop(): Promise<void>;
}

/** Counters for monitoring (the guide's target is an automatic-resolution rate above 95%). */
export interface SyncStats {
  /** Conflicts seen. */
  readonly conflictsDetected: number;
  /** Conflicts the strategy resolved without help. */
  readonly autoResolved: number;
  /** `autoResolved / conflictsDetected`, or 1 when there were none. */
  readonly autoResolutionRate: number;
}
