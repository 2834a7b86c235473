import type { JsonValue, ValidationIssue } from "@pelbiot/core";

/** The fields of one record, as JSON. */
export type RecordData = { [field: string]: JsonValue };

/** What a device changed while offline, as passed to `saveOfflineData`. */
export interface OfflineMutationInput {
  /** `create` sets the whole record, `update` sets the given fields, `delete` removes the record. */
  type: "create" | "update" | "delete";
  /** The kind of record, e.g. `"user"`. */
  entity: string;
  /** The record's id; generated (UUIDv7) for a `create` without one, required otherwise. */
  recordId?: string;
  /** The record (create) or the fields to set (update); not used by delete. */
  data?: RecordData;
}

/** A queued mutation, as stored and pushed to the server. */
export interface QueuedMutation {
  /** Unique id; the server applies each `(clientId, mutationId)` exactly once. */
  readonly mutationId: string;
  /** The device that made it. */
  readonly clientId: string;
  /** The record it changes. */
  readonly recordId: string;
  /** The kind of record. */
  readonly entity: string;
  /** The change. */
  readonly type: "create" | "update" | "delete";
  /** Record or fields, per `type`; `null` for delete. */
  readonly data: RecordData | null;
  /** Server version of the record this change was made on; `null` when the device had never seen it. */
  readonly baseVersion: number | null;
  /**
   * The device's earlier mutation of the same record this one was made on top of, while that one was not yet
   * acknowledged; `null` when this one was made directly on `baseVersion`. The coordinator takes the version that
   * mutation wrote as this one's base, so a device's back-to-back edits of a record apply in one push while any
   * other write since the base (whatever its client id) is a conflict. Omitted by older devices: such a mutation is
   * judged on `baseVersion` alone.
   */
  readonly previousMutationId?: string | null;
  /** Hybrid-logical-clock timestamp; queue order. */
  readonly hlc: string;
  /**
   * When true, `data` is the whole record to write (set after a conflict resolution folds the device's changes into
   * one), not a patch.
   */
  readonly replace: boolean;
}

/** A change the server reports for one record. */
export interface ServerChange {
  /** The record. */
  recordId: string;
  /** The kind of record. */
  entity: string;
  /** The record's server version after this change; strictly increasing per record. */
  version: number;
  /** The record after the change, or `null` when it was deleted. */
  data: RecordData | null;
  /** Hybrid-logical-clock timestamp of the change, used by last-writer-wins. */
  hlc?: string;
  /** Set when the change is one of this device's own mutations coming back: it acknowledges it. */
  clientId?: string;
  /** With `clientId`: the acknowledged mutation. */
  mutationId?: string;
}

/** A record as the server last reported it. */
export interface ServerRecord {
  /** Server version. */
  readonly version: number;
  /** Data, or `null` when deleted. */
  readonly data: RecordData | null;
}

/** A conflict: the device and the server both changed a record since the version the device started from. */
export interface SyncConflict {
  /** The device. */
  readonly deviceId: string;
  /** The record. */
  readonly recordId: string;
  /** The kind of record. */
  readonly entity: string;
  /** The record as both sides last agreed on it (`null` if it did not exist then). */
  readonly base: ServerRecord | null;
  /** The device's current view of the record (`null` when the device deleted it). */
  readonly local: RecordData | null;
  /** The server's version. */
  readonly remote: ServerRecord;
  /** Fields both sides changed to different values (empty when a whole-record rule applied). */
  readonly fields: readonly string[];
}

/** What a resolver decides: keep one side, or write merged data. `undefined` leaves the conflict for later. */
export type ConflictDecision =
  | "local"
  | "remote"
  | {
      /** The merged record to write, or `null` to delete it. */
      readonly data: RecordData | null;
    }
  | undefined;

/** A custom conflict resolver: receives base, local and remote and decides. */
export type ConflictResolverFunction = (conflict: SyncConflict) => ConflictDecision;

/** The built-in strategies, or a custom function. */
export type ConflictStrategy =
  | "server-wins"
  | "client-wins"
  | "last-writer-wins"
  | "field-merge"
  | "manual"
  | ConflictResolverFunction;

/**
 * A server change the device refused to apply because it breaks the shared limits (e.g. an invalid HLC, data over
 * the size, depth or key limits, a lone surrogate in an id): set aside so the rest of the batch applies and the
 * device's cursor moves on. Only the fields that passed validation are copied; the data never is.
 */
export interface QuarantinedChange {
  /** Position of the change in the batch it arrived in. */
  readonly position: number;
  /** The record, when its id was valid. */
  readonly recordId?: string;
  /** The kind of record, when valid. */
  readonly entity?: string;
  /** The server version, when valid. */
  readonly version?: number;
  /** The device that made the change, when valid. */
  readonly clientId?: string;
  /** The mutation it came from, when valid. */
  readonly mutationId?: string;
  /** What is wrong with it; paths are relative to the change (`"hlc"`, `"data"`, `""` for the change itself). */
  readonly issues: readonly ValidationIssue[];
}

/** Outcome of `syncPendingChanges`. */
export interface SyncResult {
  /** Server changes applied to records the device had not changed. */
  readonly applied: number;
  /** Own mutations the server acknowledged. */
  readonly acknowledged: number;
  /** Conflicts resolved automatically by the strategy. */
  readonly autoResolved: number;
  /** Conflicts waiting for `resolveConflict`. */
  readonly conflicts: readonly SyncConflict[];
  /** Mutations still queued for the server. */
  readonly pending: number;
  /** Changes refused as invalid and skipped; each also emits `change_quarantined`. */
  readonly quarantined: readonly QuarantinedChange[];
}
