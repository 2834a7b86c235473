import {
  type BackoffOptions,
  type Clock,
  computeBackoffDelay,
  createJsonStore,
  createMemoryStorage,
  createValidator,
  getRetryAfterMs,
  isRetryableError,
  type JsonStore,
  PelbiotError,
  type StorageAdapter,
  systemClock,
  TypedEventEmitter,
  toPelbiotError,
  uuidv7,
  type Validator,
} from "@pelbiot/core";
import { checkKnownOptions } from "../internal/check-known-options";
import { createKeyedQueue } from "../internal/keyed-queue";
import { chainPendingMutations } from "./chain-pending-mutations";
import { decideFieldMerge } from "./decide-field-merge";
import { createHybridLogicalClock, type HybridLogicalClock } from "./hybrid-logical-clock";
import {
  checkPushBytesOption,
  checkRecordData,
  checkSyncId,
  DEFAULT_MAX_MUTATION_BYTES,
  defaultMaxPushBytes,
  MAX_CLIENT_ID_LENGTH,
  MAX_ENTITY_LENGTH,
  MAX_RECORD_ID_LENGTH,
  planPushBatches,
} from "./mutation-limits";
import { partitionServerChanges } from "./quarantine-server-changes";
import type { PushResult, SyncTransport } from "./sync-protocol";
import type {
  ConflictDecision,
  ConflictStrategy,
  OfflineMutationInput,
  QuarantinedChange,
  QueuedMutation,
  RecordData,
  ServerChange,
  ServerRecord,
  SyncConflict,
  SyncResult,
} from "./sync-types";
import { applyMutation, jsonEqual, mergeThreeWay } from "./three-way-merge";

/** Options for {@link OfflineSyncManager}. */
export interface OfflineSyncManagerOptions {
  /** Where queues and records live. Pass an AsyncStorage/IndexedDB/localStorage adapter on devices. @default createMemoryStorage() */
  storage?: StorageAdapter;
  /**
   * How conflicts are resolved automatically. `"field-merge"` merges fields only one side changed and gives a field
   * both sides changed (or a delete against an edit) to the later writer by hybrid-logical-clock timestamp;
   * `"manual"` holds every conflict for {@link OfflineSyncManager.resolveConflict}. @default "field-merge"
   */
  conflictStrategy?: ConflictStrategy;
  /** Most mutations a device may hold unsynced; the next save fails with `LIMIT_EXCEEDED`. @default 10000 */
  maxOfflineRecords?: number;
  /**
   * Largest size of one mutation's data, in UTF-8 bytes of its JSON; the coordinator's default is the same. Data is
   * also limited to 64 levels of nesting and 10000 keys. Pulled changes over the limits are quarantined.
   * @default 262144
   */
  maxMutationSize?: number;
  /**
   * Most UTF-8 bytes per push (the JSON array of its mutations): `sync` splits the queue to stay under it. Match the
   * coordinator's `maxPushBytes`. At least `maxMutationSize` + 16384. @default 1048576
   */
  maxPushBytes?: number;
  /** Time source for hybrid-logical-clock timestamps. @default systemClock */
  clock?: Clock;
  /** Key prefix inside the storage adapter. @default "pelbiot:sync:" */
  keyPrefix?: string;
}

/** Events of {@link OfflineSyncManager}. */
export interface OfflineSyncEvents {
  /** A batch of server changes is being merged. */
  sync_started: [event: { deviceId: string; changes: number }];
  /** The batch was merged. */
  sync_completed: [event: { deviceId: string } & SyncResult];
  /** Both sides changed a record since their common version. */
  conflict_detected: [conflict: SyncConflict];
  /** A server change broke the shared limits; it was set aside and the rest of the batch applied. */
  change_quarantined: [event: { deviceId: string; change: QuarantinedChange }];
  /** The coordinator refused a mutation for good; it was rolled back on the device. */
  mutation_rejected: [event: { deviceId: string; mutation: QueuedMutation; reason: string }];
  /** A `sync` round failed after its retries; automatic sync carries on at the next interval. */
  sync_failed: [event: { deviceId: string; error: PelbiotError }];
  /** A conflict was resolved, automatically or by `resolveConflict`. */
  conflict_resolved: [
    event: {
      deviceId: string;
      recordId: string;
      resolution: "local" | "remote" | "merged";
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

/** Options for {@link OfflineSyncManager.startAutoSync}. */
export interface AutoSyncOptions {
  /** Time between rounds, in milliseconds (MobileAppConfig's `offlineSyncInterval`). @default 30000 */
  intervalMs?: number;
  /** Rounds in a row to try on transient failures before `sync_failed`. @default 4 */
  maxAttempts?: number;
  /** Backoff between those tries (core's exponential backoff with full jitter). @default { initialDelayMs: 1000 } */
  backoff?: BackoffOptions;
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

interface RecordState {
  readonly entity: string;
  /** Last server version both sides agree on. */
  base: ServerRecord | null;
  /** This device's unacknowledged changes to the record, oldest first. */
  pending: QueuedMutation[];
  /** An unresolved conflict; its record's changes are held back until it is resolved. */
  conflict: SyncConflict | null;
}

const MUTATION_TYPES = ["create", "update", "delete"] as const;
const PUSH_BATCH_SIZE = 500;
const STRATEGIES = ["server-wins", "client-wins", "last-writer-wins", "field-merge", "manual"] as const;
const MANAGER_OPTIONS = [
  "storage",
  "conflictStrategy",
  "maxOfflineRecords",
  "maxMutationSize",
  "maxPushBytes",
  "clock",
  "keyPrefix",
];

/**
 * Offline-first sync for one or many devices: mutations queue durably while offline, and server changes merge in
 * with three-way conflict detection (both sides changed a record since the version they share), not wall clocks.
 * Conflicts are resolved by a strategy (server-wins, client-wins, last-writer-wins by hybrid logical clock,
 * field-level merge, or your function) or held for {@link OfflineSyncManager.resolveConflict}.
 *
 * @example
 * ```ts
 * const sync = new OfflineSyncManager();
 * await sync.saveOfflineData("device-1", { type: "create", entity: "user", data: { name: "John" } });
 * const result = await sync.syncPendingChanges("device-1", changesFromServer);
 * for (const conflict of result.conflicts) await sync.resolveConflict("device-1", conflict.recordId, "remote");
 * ```
 */
export class OfflineSyncManager extends TypedEventEmitter<OfflineSyncEvents> {
  readonly #storage: StorageAdapter;
  readonly #keyPrefix: string;
  readonly #stores = new Map<string, JsonStore<RecordState>>();
  readonly #cursors: JsonStore<number>;
  readonly #strategy: ConflictStrategy;
  readonly #maxOfflineRecords: number;
  readonly #maxMutationSize: number;
  readonly #maxPushBytes: number;
  readonly #clock: Clock;
  readonly #clocks = new Map<string, HybridLogicalClock>();
  readonly #pendingCounts = new Map<string, number>();
  readonly #deviceQueue = createKeyedQueue();
  #conflictsDetected = 0;
  #autoResolved = 0;

  /**
   * @param options - Storage, conflict strategy, limits and clock.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option.
   */
  constructor(options: OfflineSyncManagerOptions = {}) {
    super();
    const check = createValidator("OfflineSyncManager");
    if (check.object("options", options)) {
      checkKnownOptions(check, "options", options as Record<string, unknown>, MANAGER_OPTIONS);
      const { conflictStrategy, maxOfflineRecords, maxMutationSize, maxPushBytes, keyPrefix } = options;
      if (conflictStrategy !== undefined && typeof conflictStrategy !== "function") {
        check.oneOf("options.conflictStrategy", conflictStrategy, STRATEGIES);
      }
      if (maxOfflineRecords !== undefined) {
        check.number("options.maxOfflineRecords", maxOfflineRecords, { integer: true, min: 1 });
      }
      const mutationSizeOk =
        maxMutationSize === undefined ||
        check.number("options.maxMutationSize", maxMutationSize, { integer: true, min: 2 });
      if (maxPushBytes !== undefined && mutationSizeOk) {
        checkPushBytesOption(
          check,
          "options.maxPushBytes",
          maxPushBytes,
          maxMutationSize ?? DEFAULT_MAX_MUTATION_BYTES,
        );
      }
      if (keyPrefix !== undefined) check.string("options.keyPrefix", keyPrefix, { minLength: 0, maxLength: 100 });
    }
    check.done();
    const {
      storage = createMemoryStorage(),
      conflictStrategy = "field-merge",
      maxOfflineRecords = 10_000,
      maxMutationSize = DEFAULT_MAX_MUTATION_BYTES,
      clock = systemClock,
      keyPrefix = "pelbiot:sync:",
    } = options;
    this.#storage = storage;
    this.#keyPrefix = keyPrefix;
    this.#cursors = createJsonStore<number>(storage, { prefix: `${keyPrefix}cursors:` });
    this.#strategy = conflictStrategy;
    this.#maxOfflineRecords = maxOfflineRecords;
    this.#maxMutationSize = maxMutationSize;
    this.#maxPushBytes = options.maxPushBytes ?? defaultMaxPushBytes(maxMutationSize);
    this.#clock = clock;
  }

  /**
   * Queues a change made on the device and applies it to the device's view of the record.
   *
   * @param deviceId - The device (also the client id sent to the server).
   * @param mutation - `{ type, entity, recordId?, data? }`.
   * @returns The queued mutation, with its id, record id, base version and HLC timestamp.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed mutation or one over `maxMutationSize`.
   * @throws {PelbiotError} LIMIT_EXCEEDED when the device already holds `maxOfflineRecords` unsynced mutations;
   * NOT_FOUND when updating or deleting a record the device does not have; CONFLICT when creating one it has.
   */
  async saveOfflineData(deviceId: string, mutation: OfflineMutationInput): Promise<QueuedMutation> {
    const check = createValidator("OfflineSyncManager.saveOfflineData");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    if (check.object("mutation", mutation)) {
      const typeOk = check.oneOf("mutation.type", mutation.type, MUTATION_TYPES);
      checkSyncId(check, "mutation.entity", mutation.entity, MAX_ENTITY_LENGTH);
      if (mutation.recordId !== undefined)
        checkSyncId(check, "mutation.recordId", mutation.recordId, MAX_RECORD_ID_LENGTH);
      else if (typeOk && mutation.type !== "create")
        check.fail("mutation.recordId", `is required for ${mutation.type}`);
      if (typeOk && mutation.type !== "delete") {
        if (check.object("mutation.data", mutation.data)) this.#checkData(check, "mutation.data", mutation.data);
      }
    }
    check.done();

    return this.#withDevice(deviceId, async () => {
      const pendingCount = await this.#pendingCount(deviceId);
      if (pendingCount >= this.#maxOfflineRecords) {
        throw new PelbiotError(
          "LIMIT_EXCEEDED",
          `Device "${deviceId}" already holds ${pendingCount} unsynced mutations (maxOfflineRecords is ${this.#maxOfflineRecords}); sync before saving more`,
          { details: { deviceId, pending: pendingCount, maxOfflineRecords: this.#maxOfflineRecords } },
        );
      }
      const recordId = mutation.recordId ?? uuidv7({ clock: this.#clock });
      const store = this.#recordsOf(deviceId);
      let queued: QueuedMutation | undefined;
      await store.update(recordId, (current) => {
        const local = current === undefined ? null : localView(current);
        if (mutation.type === "create" && local !== null) {
          throw new PelbiotError("CONFLICT", `Record "${recordId}" already exists on device "${deviceId}"; use update`);
        }
        if (mutation.type !== "create" && local === null) {
          throw new PelbiotError("NOT_FOUND", `Record "${recordId}" does not exist on device "${deviceId}"`);
        }
        if (current !== undefined && current.entity !== mutation.entity) {
          throw new PelbiotError(
            "CONFLICT",
            `Record "${recordId}" is a "${current.entity}", not a "${mutation.entity}"`,
          );
        }
        this.#checkRecordAfter(applyMutation(local, { type: mutation.type, data: mutation.data ?? null }));
        queued = {
          mutationId: uuidv7({ clock: this.#clock }),
          clientId: deviceId,
          recordId,
          entity: mutation.entity,
          type: mutation.type,
          data: mutation.type === "delete" ? null : { ...(mutation.data ?? {}) },
          baseVersion: current?.base?.version ?? null,
          previousMutationId: current?.pending.at(-1)?.mutationId ?? null,
          hlc: this.#hlc(deviceId).now(),
          replace: false,
        };
        const state: RecordState = current ?? { entity: mutation.entity, base: null, pending: [], conflict: null };
        return { ...state, pending: [...state.pending, queued] };
      });
      this.#pendingCounts.set(deviceId, pendingCount + 1);
      return queued!;
    });
  }

  /**
   * Merges changes from the server into the device: applies those to records the device has not changed,
   * acknowledges the device's own mutations coming back, and detects conflicts where both sides changed a record.
   * Each change is checked against the shared limits first; an invalid one (bad HLC, data over the size, depth or
   * key limits, malformed ids) is quarantined, reported in `quarantined` and by `change_quarantined`, and the rest
   * of the batch still applies, so one bad change cannot stop a device from syncing.
   *
   * @param deviceId - The device.
   * @param incoming - Changes since the device's last sync, in server order.
   * @returns Counts of applied, acknowledged and auto-resolved changes, the unresolved conflicts, the queue length,
   * and the quarantined changes.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id or a batch that is not an array.
   */
  async syncPendingChanges(deviceId: string, incoming: readonly ServerChange[]): Promise<SyncResult> {
    const check = createValidator("OfflineSyncManager.syncPendingChanges");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    check.array("serverChanges", incoming);
    check.done();
    const { accepted: serverChanges, quarantined } = partitionServerChanges(incoming, this.#maxMutationSize);

    return this.#withDevice(deviceId, async () => {
      this.emit("sync_started", { deviceId, changes: incoming.length });
      for (const change of quarantined) this.emit("change_quarantined", { deviceId, change });
      let applied = 0;
      let acknowledged = 0;
      let autoResolved = 0;
      const conflicts = new Map<string, SyncConflict>();
      for (const change of serverChanges) {
        if (change.hlc !== undefined) this.#receiveHlc(deviceId, change.hlc);
        let outcome = "skipped" as "applied" | "acknowledged" | "skipped" | "conflict" | "local" | "remote" | "merged";
        let conflict = undefined as SyncConflict | undefined;
        let alreadyOpen = false;
        let superseded: readonly string[] = [];
        let replacement: string | undefined;
        await this.#recordsOf(deviceId).update(change.recordId, (current) => {
          const remote: ServerRecord = {
            version: change.version,
            data: change.data === null ? null : { ...change.data },
          };
          const state: RecordState = current ?? { entity: change.entity, base: null, pending: [], conflict: null };
          // Only a mutation still in the queue is acknowledged by its return. Another install sharing this client
          // id writes under it too, and its change must be merged like anyone else's, conflicts included.
          const own = state.pending.some((mutation) => mutation.mutationId === change.mutationId);
          if (change.clientId === deviceId && own) {
            const remaining = state.pending.filter((mutation) => mutation.mutationId !== change.mutationId);
            outcome = "acknowledged";
            const newer = state.base === null || change.version > state.base.version;
            return { ...state, base: newer ? remote : state.base, pending: remaining };
          }
          if (state.base !== null && change.version <= state.base.version) return current; // already seen
          if (state.pending.length === 0 && state.conflict === null) {
            outcome = "applied";
            return { ...state, base: remote };
          }
          conflict = this.#describeConflict(deviceId, change.recordId, state, remote);
          alreadyOpen = state.conflict !== null;
          const decision = state.conflict === null ? this.#decide(conflict, state, change) : undefined;
          if (decision === undefined) {
            outcome = "conflict";
            return { ...state, conflict };
          }
          outcome = decision === "local" ? "local" : decision === "remote" ? "remote" : "merged";
          const next = this.#applyDecision(deviceId, change.recordId, state, remote, decision);
          superseded = state.pending.map((mutation) => mutation.mutationId);
          replacement = next.pending[0]?.mutationId;
          return next;
        });
        if (outcome === "applied") applied += 1;
        else if (outcome === "acknowledged") acknowledged += 1;
        else if (outcome === "conflict" && conflict !== undefined) {
          if (!alreadyOpen) this.#conflictsDetected += 1;
          conflicts.set(change.recordId, conflict);
          this.emit("conflict_detected", conflict);
        } else if ((outcome === "local" || outcome === "remote" || outcome === "merged") && conflict !== undefined) {
          this.#conflictsDetected += 1;
          this.#autoResolved += 1;
          autoResolved += 1;
          this.emit("conflict_detected", conflict);
          this.emit("conflict_resolved", {
            deviceId,
            recordId: change.recordId,
            resolution: outcome,
            automatic: true,
            superseded,
            ...(replacement === undefined ? {} : { replacement }),
          });
        }
      }
      const pending = await this.#recountPending(deviceId);
      const result: SyncResult = {
        applied,
        acknowledged,
        autoResolved,
        conflicts: [...conflicts.values()],
        pending,
        quarantined,
      };
      this.emit("sync_completed", { deviceId, ...result });
      return result;
    });
  }

  /**
   * Resolves a held conflict: keep the device's version (`"local"`), take the server's (`"remote"`, or the server
   * record `{ version, data }` itself), or write merged data (`{ data }`).
   *
   * @param deviceId - The device.
   * @param recordId - The conflicted record.
   * @param resolution - `"local"`, `"remote"`, a server record `{ version, data }`, or merged `{ data }`.
   * @returns The record as the device now sees it (`null` when deleted).
   * @throws {PelbiotError} NOT_FOUND when the record has no open conflict; VALIDATION_ERROR for a malformed resolution.
   */
  async resolveConflict(
    deviceId: string,
    recordId: string,
    resolution: "local" | "remote" | { version?: number; data: RecordData | null },
  ): Promise<RecordData | null> {
    const check = createValidator("OfflineSyncManager.resolveConflict");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    checkSyncId(check, "recordId", recordId, MAX_RECORD_ID_LENGTH);
    if (typeof resolution !== "string" && check.object("resolution", resolution)) {
      if (resolution.data !== null && check.object("resolution.data", resolution.data)) {
        this.#checkData(check, "resolution.data", resolution.data);
      }
      if (resolution.version !== undefined)
        check.number("resolution.version", resolution.version, { integer: true, min: 0 });
    } else if (typeof resolution === "string") {
      check.oneOf("resolution", resolution, ["local", "remote"]);
    }
    check.done();

    return this.#withDevice(deviceId, async () => {
      let kind: "local" | "remote" | "merged" = "merged";
      let superseded: readonly string[] = [];
      const next = await this.#recordsOf(deviceId).update(recordId, (current) => {
        if (current?.conflict == null) {
          throw new PelbiotError("NOT_FOUND", `No open conflict for record "${recordId}" on device "${deviceId}"`);
        }
        let remote = current.conflict.remote;
        let decision: Exclude<ConflictDecision, undefined>;
        if (resolution === "local" || resolution === "remote") decision = resolution;
        else if (resolution.version !== undefined) {
          if (resolution.version < remote.version) {
            throw new PelbiotError(
              "VALIDATION_ERROR",
              `resolution.version ${resolution.version} is older than the conflicting server version ${remote.version}`,
            );
          }
          remote = { version: resolution.version, data: resolution.data === null ? null : { ...resolution.data } };
          decision = "remote";
        } else decision = { data: resolution.data === null ? null : { ...resolution.data } };
        kind = decision === "local" ? "local" : decision === "remote" ? "remote" : "merged";
        superseded = current.pending.map((mutation) => mutation.mutationId);
        return this.#applyDecision(deviceId, recordId, { ...current, conflict: null }, remote, decision);
      });
      await this.#recountPending(deviceId);
      const replacement = next?.pending[0]?.mutationId;
      this.emit("conflict_resolved", {
        deviceId,
        recordId,
        resolution: kind,
        automatic: false,
        superseded,
        ...(replacement === undefined ? {} : { replacement }),
      });
      return next === undefined ? null : localView(next);
    });
  }

  /**
   * The device's unsynced mutations in the order to push them (hybrid-logical-clock order). Mutations of records
   * with an open conflict are held back until it is resolved.
   *
   * @param deviceId - The device.
   * @returns The mutations to send to the server.
   */
  async getPendingChanges(deviceId: string): Promise<QueuedMutation[]> {
    return (await this.#states(deviceId))
      .filter((state) => state.conflict === null)
      .flatMap((state) => chainPendingMutations(state.base, state.pending))
      .sort((left, right) => (left.hlc < right.hlc ? -1 : left.hlc > right.hlc ? 1 : 0));
  }

  /**
   * Every unsynced mutation of the device, held ones included, in hybrid-logical-clock order.
   *
   * @param deviceId - The device.
   * @returns The queue.
   */
  async getOfflineData(deviceId: string): Promise<QueuedMutation[]> {
    return (await this.#states(deviceId))
      .flatMap((state) => chainPendingMutations(state.base, state.pending))
      .sort((left, right) => (left.hlc < right.hlc ? -1 : left.hlc > right.hlc ? 1 : 0));
  }

  /**
   * The device's current view of a record: the last server version with the device's pending changes applied.
   *
   * @param deviceId - The device.
   * @param recordId - The record.
   * @returns The record, or `null` when it does not exist (or was deleted) on the device.
   */
  async getRecord(deviceId: string, recordId: string): Promise<RecordData | null> {
    const check = createValidator("OfflineSyncManager.getRecord");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    checkSyncId(check, "recordId", recordId, MAX_RECORD_ID_LENGTH);
    check.done();
    const state = await this.#recordsOf(deviceId).get(recordId);
    return state === undefined ? null : localView(state);
  }

  /**
   * Open conflicts of a device.
   *
   * @param deviceId - The device.
   * @returns Conflicts waiting for {@link OfflineSyncManager.resolveConflict}.
   */
  async getConflicts(deviceId: string): Promise<SyncConflict[]> {
    return (await this.#states(deviceId)).flatMap((state) => (state.conflict === null ? [] : [state.conflict]));
  }

  /**
   * One sync round with a coordinator: pulls changes after the device's cursor and merges them (conflicts resolved
   * or held as in {@link OfflineSyncManager.syncPendingChanges}; invalid changes quarantined, the cursor moving past
   * them), then pushes the queue in batches within `maxPushBytes`. Mutations the coordinator applied leave the
   * queue; rejected ones are rolled back (event `mutation_rejected`); conflicting ones stay until the next pull
   * reveals the other side.
   *
   * @param deviceId - The device.
   * @param transport - How to reach the coordinator (HTTP, in-memory, or your own).
   * @returns What was pulled, merged, pushed, rejected and quarantined.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id (a lone surrogate included).
   * @throws {PelbiotError} whatever the transport throws (`PROVIDER_ERROR` over HTTP); the queue stays intact.
   */
  async sync(deviceId: string, transport: SyncTransport): Promise<SyncReport> {
    const check = createValidator("OfflineSyncManager.sync");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    if (check.object("transport", transport)) {
      check.fn("transport.push", transport.push);
      check.fn("transport.pull", transport.pull);
    }
    check.done();
    let cursor = (await this.#cursors.get(encodeURIComponent(deviceId))) ?? 0;
    let pulled = 0;
    let applied = 0;
    let acknowledged = 0;
    let autoResolved = 0;
    const quarantined: QuarantinedChange[] = [];
    for (;;) {
      const response = await transport.pull({ clientId: deviceId, cursor });
      const valid = createValidator("SyncTransport.pull response");
      if (valid.object("response", response)) {
        valid.array("response.changes", response.changes);
        valid.number("response.cursor", response.cursor, { integer: true, min: cursor });
      }
      valid.done();
      const merged = await this.syncPendingChanges(deviceId, response.changes);
      pulled += response.changes.length;
      applied += merged.applied;
      acknowledged += merged.acknowledged;
      autoResolved += merged.autoResolved;
      quarantined.push(...merged.quarantined);
      // Saved after the merge: a crash in between only re-delivers changes, and merging them again is a no-op.
      cursor = response.cursor;
      await this.#cursors.set(encodeURIComponent(deviceId), cursor);
      if (!response.hasMore || response.changes.length === 0) break;
    }
    const outgoing = await this.getPendingChanges(deviceId);
    const rejected: PushResult[] = [];
    // Batches keep each request under the coordinator's push limits, in count and in bytes; each batch is acknowledged
    // before the next.
    const batches = planPushBatches(outgoing, { maxCount: PUSH_BATCH_SIZE, maxBytes: this.#maxPushBytes });
    for (const batch of batches) {
      const response = await transport.push({ clientId: deviceId, mutations: batch });
      const valid = createValidator("SyncTransport.push response");
      if (valid.object("response", response)) {
        valid.array("response.results", response.results, { minLength: batch.length, maxLength: batch.length });
      }
      valid.done();
      const outcome = await this.#applyPushResults(deviceId, batch, response.results);
      acknowledged += outcome.acknowledged;
      rejected.push(...outcome.rejected);
    }
    const pending = await this.#recountPending(deviceId);
    return {
      pulled,
      applied,
      acknowledged,
      autoResolved,
      conflicts: await this.getConflicts(deviceId),
      pushed: outgoing.length,
      rejected,
      pending,
      quarantined,
    };
  }

  /**
   * Syncs a device every `intervalMs` on the manager's clock. A round that fails with a transient error is retried
   * sooner, on core's exponential backoff with full jitter (or after the server's `Retry-After`, when longer), up to
   * `maxAttempts` rounds in a row; after that, or on a permanent error, `sync_failed` is emitted and the regular
   * interval resumes. Timers only: nothing waits in between, so `stop()` takes effect at once.
   *
   * @param deviceId - The device.
   * @param transport - How to reach the coordinator.
   * @param options - Interval and backoff.
   * @returns Controls to sync now or stop.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid options.
   */
  startAutoSync(deviceId: string, transport: SyncTransport, options: AutoSyncOptions = {}): AutoSync {
    const check = createValidator("OfflineSyncManager.startAutoSync");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    check.object("transport", transport);
    if (check.object("options", options)) {
      if (options.intervalMs !== undefined) check.number("options.intervalMs", options.intervalMs, { min: 100 });
      if (options.maxAttempts !== undefined) {
        check.number("options.maxAttempts", options.maxAttempts, { integer: true, min: 1 });
      }
    }
    check.done();
    const { intervalMs = 30_000, maxAttempts = 4, backoff = { initialDelayMs: 1000 } } = options;
    const clock = this.#clock;
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    let running: Promise<unknown> = Promise.resolve();

    const round = (): Promise<SyncReport> => {
      const next = running.then(() => this.sync(deviceId, transport));
      running = next.catch(() => undefined);
      return next;
    };
    const schedule = (delayMs: number): void => {
      if (!stopped) timer = clock.setTimeout(tick, delayMs);
    };
    const tick = (): void => {
      round().then(
        () => {
          failures = 0;
          schedule(intervalMs);
        },
        (error: unknown) => {
          if (stopped) return;
          const failure = toPelbiotError(error);
          failures += 1;
          if (failures < maxAttempts && isRetryableError(failure)) {
            const delay = Math.max(computeBackoffDelay(failures, backoff), getRetryAfterMs(failure) ?? 0);
            schedule(Math.min(delay, intervalMs));
            return;
          }
          failures = 0;
          this.emit("sync_failed", { deviceId, error: failure });
          schedule(intervalMs);
        },
      );
    };
    schedule(intervalMs);
    return {
      syncNow: round,
      stop: async () => {
        stopped = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        await running;
      },
    };
  }

  /** Conflict counters since this manager was created. */
  getSyncStats(): SyncStats {
    const rate = this.#conflictsDetected === 0 ? 1 : this.#autoResolved / this.#conflictsDetected;
    return { conflictsDetected: this.#conflictsDetected, autoResolved: this.#autoResolved, autoResolutionRate: rate };
  }

  async #applyPushResults(
    deviceId: string,
    outgoing: readonly QueuedMutation[],
    results: readonly PushResult[],
  ): Promise<{ acknowledged: number; rejected: PushResult[] }> {
    return this.#withDevice(deviceId, async () => {
      let acknowledged = 0;
      const rejected: PushResult[] = [];
      for (const [position, mutation] of outgoing.entries()) {
        const result = results[position];
        if (result === undefined || result.mutationId !== mutation.mutationId || result.status === "conflict") continue;
        const accepted = result.status === "applied" || result.status === "duplicate";
        let removed = false;
        await this.#recordsOf(deviceId).update(mutation.recordId, (current) => {
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
          this.emit("mutation_rejected", {
            deviceId,
            mutation,
            reason: result.reason ?? "rejected by the coordinator",
          });
        }
      }
      return { acknowledged, rejected };
    });
  }

  #decide(conflict: SyncConflict, state: RecordState, change: ServerChange): ConflictDecision {
    const strategy = this.#strategy;
    if (typeof strategy === "function") {
      const decision = strategy(conflict);
      if (decision !== undefined && decision !== "local" && decision !== "remote") {
        const check = createValidator("conflictStrategy result");
        if (
          check.object("decision", decision) &&
          decision.data !== null &&
          check.object("decision.data", decision.data)
        ) {
          this.#checkData(check, "decision.data", decision.data);
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

  #applyDecision(
    deviceId: string,
    recordId: string,
    state: RecordState,
    remote: ServerRecord,
    decision: Exclude<ConflictDecision, undefined>,
  ): RecordState {
    if (decision === "remote") return { ...state, base: remote, pending: [], conflict: null };
    const data = decision === "local" ? localView(state) : decision.data;
    if (sameRecord(data, remote.data)) return { ...state, base: remote, pending: [], conflict: null };
    // Fold the device's changes into one whole-record write on top of the server's version.
    const folded: QueuedMutation = {
      mutationId: uuidv7({ clock: this.#clock }),
      clientId: deviceId,
      recordId,
      entity: state.entity,
      type: data === null ? "delete" : remote.data === null ? "create" : "update",
      data,
      baseVersion: remote.version,
      previousMutationId: null,
      hlc: this.#hlc(deviceId).now(),
      replace: data !== null,
    };
    return { ...state, base: remote, pending: [folded], conflict: null };
  }

  #describeConflict(deviceId: string, recordId: string, state: RecordState, remote: ServerRecord): SyncConflict {
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

  // Devices pull whole records, so the coordinator refuses a write whose resulting record breaks the limits; saying
  // so at save time keeps the device from queueing a change that would be rolled back.
  #checkRecordAfter(record: RecordData | null): void {
    if (record === null) return;
    const check = createValidator("OfflineSyncManager.saveOfflineData");
    checkRecordData(check, "the record after this change", record, {
      value: this.#maxMutationSize,
      option: "maxMutationSize",
    });
    check.done();
  }

  #checkData(check: Validator, path: string, data: Record<string, unknown>): void {
    checkRecordData(check, path, data, { value: this.#maxMutationSize, option: "maxMutationSize" });
  }

  #hlc(deviceId: string): HybridLogicalClock {
    let hlc = this.#clocks.get(deviceId);
    if (hlc === undefined) {
      hlc = createHybridLogicalClock({ nodeId: deviceId, clock: this.#clock });
      this.#clocks.set(deviceId, hlc);
    }
    return hlc;
  }

  #receiveHlc(deviceId: string, stamp: string): void {
    try {
      this.#hlc(deviceId).receive(stamp);
    } catch {
      // A far-future remote stamp must not block the sync; it only stops advancing our clock.
    }
  }

  async #states(deviceId: string): Promise<RecordState[]> {
    const check = createValidator("OfflineSyncManager");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    check.done();
    return (await this.#recordsOf(deviceId).entries()).map(([, state]) => state);
  }

  #recordsOf(deviceId: string): JsonStore<RecordState> {
    let store = this.#stores.get(deviceId);
    if (store === undefined) {
      // Encoding keeps device "a" from listing the records of device "a:b".
      store = createJsonStore<RecordState>(this.#storage, {
        prefix: `${this.#keyPrefix}${encodeURIComponent(deviceId)}:`,
      });
      this.#stores.set(deviceId, store);
    }
    return store;
  }

  async #pendingCount(deviceId: string): Promise<number> {
    return this.#pendingCounts.get(deviceId) ?? this.#recountPending(deviceId);
  }

  async #recountPending(deviceId: string): Promise<number> {
    const count = (await this.#states(deviceId)).reduce((total, state) => total + state.pending.length, 0);
    this.#pendingCounts.set(deviceId, count);
    return count;
  }

  // Operations on one device run one at a time, so counts and read-modify-write cycles never interleave.
  #withDevice<T>(deviceId: string, operation: () => Promise<T>): Promise<T> {
    return this.#deviceQueue(deviceId, operation);
  }
}

function localView(state: RecordState): RecordData | null {
  return state.pending.reduce<RecordData | null>(
    (record, mutation) => applyMutation(record, mutation),
    state.base?.data ?? null,
  );
}

function sameRecord(left: RecordData | null, right: RecordData | null): boolean {
  return left === null || right === null ? left === right : jsonEqual(left, right);
}
