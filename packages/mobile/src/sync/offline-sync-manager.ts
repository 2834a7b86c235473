import {
  createValidator,
  PelbiotError,
  TypedEventEmitter,
  toPelbiotError,
  uuidv7,
  type Validator,
} from "@pelbiot/core";
import { startAutoSyncScheduler } from "./auto-sync-scheduler";
import { applyDecision, resolutionOf, settleResolution } from "./conflict-policy";
import { createDeviceClocks, type DeviceClocks } from "./device-clocks";
import { DeviceRecordStore, localView } from "./device-record-store";
import { type MergeOutcome, type MergePolicy, mergeServerChange } from "./merge-server-change";
import {
  checkRecordData,
  checkSyncId,
  MAX_CLIENT_ID_LENGTH,
  MAX_ENTITY_LENGTH,
  MAX_RECORD_ID_LENGTH,
} from "./mutation-limits";
import { appendMutation, checkQueueRoom, orderedQueue } from "./offline-queue";
import {
  type AutoSyncOptions,
  type OfflineSyncManagerOptions,
  type ResolvedOfflineSyncManagerOptions,
  resolveAutoSyncOptions,
  resolveOfflineSyncManagerOptions,
} from "./offline-sync-manager-options";
import type {
  AutoSync,
  ConflictResolution,
  OfflineSyncEvents,
  SyncReport,
  SyncStats,
} from "./offline-sync-manager-types";
import { partitionServerChanges } from "./quarantine-server-changes";
import type { SyncTransport } from "./sync-protocol";
import { runSyncRound, type SyncRoundHost } from "./sync-round";
import type {
  OfflineMutationInput,
  QueuedMutation,
  RecordData,
  ServerChange,
  SyncConflict,
  SyncResult,
} from "./sync-types";

export type { AutoSyncOptions, OfflineSyncManagerOptions } from "./offline-sync-manager-options";
export type {
  AutoSync,
  ConflictResolution,
  OfflineSyncEvents,
  SyncReport,
  SyncStats,
} from "./offline-sync-manager-types";

const MUTATION_TYPES = ["create", "update", "delete"] as const;

/** Running counts of one `syncPendingChanges` batch. */
interface MergeTally {
  applied: number;
  acknowledged: number;
  autoResolved: number;
  readonly conflicts: Map<string, SyncConflict>;
}

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
  readonly #options: ResolvedOfflineSyncManagerOptions;
  readonly #records: DeviceRecordStore;
  readonly #clocks: DeviceClocks;
  readonly #roundHost: SyncRoundHost;
  readonly #policy: MergePolicy;
  #conflictsDetected = 0;
  #autoResolved = 0;

  /**
   * @param options - Storage, conflict strategy, limits, clock, logger and key prefix; see
   *   {@link OfflineSyncManagerOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted
   *   keys).
   */
  constructor(options: OfflineSyncManagerOptions = {}) {
    super();
    this.#options = resolveOfflineSyncManagerOptions(options);
    this.#records = new DeviceRecordStore(this.#options.storage, this.#options.keyPrefix);
    this.#clocks = createDeviceClocks(this.#options.clock);
    const clock = this.#options.clock;
    this.#policy = {
      strategy: this.#options.conflictStrategy,
      checkData: (check, path, data) => this.#checkData(check, path, data),
      stamps: { mutationId: () => uuidv7({ clock }), hlc: (deviceId) => this.#clocks.now(deviceId) },
    };
    this.#roundHost = {
      records: this.#records,
      maxPushBytes: this.#options.maxPushBytes,
      merge: (deviceId, changes) => this.syncPendingChanges(deviceId, changes),
      pendingChanges: (deviceId) => this.#queueOf(deviceId, false),
      rejected: (deviceId, mutation, reason) => {
        this.#options.logger.info("sync mutation rejected", { deviceId, mutationId: mutation.mutationId, reason });
        this.emit("mutation_rejected", { deviceId, mutation, reason });
      },
    };
  }

  /**
   * Queues a change made on the device and applies it to the device's view of the record.
   *
   * @param deviceId - The device (also the client id sent to the server).
   * @param mutation - `{ type, entity, recordId?, data? }`.
   * @returns The queued mutation, with its id, record id, base version and HLC timestamp.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed mutation or one over `maxMutationSize`.
   * @throws {PelbiotError} LIMIT_EXCEEDED (`details: { limit, got }`) when the device already holds
   *   `maxOfflineRecords` unsynced mutations; NOT_FOUND (`details: { id }`) when updating or deleting a record the
   *   device does not have; CONFLICT when creating one it has.
   * @example
   * ```ts
   * const queued = await sync.saveOfflineData("device-1", { type: "create", entity: "note", data: { text: "hi" } });
   * ```
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

    return asPelbiotErrors(
      this.#records.withDevice(deviceId, async () => {
        const pendingCount = await this.#records.pendingCount(deviceId);
        checkQueueRoom(deviceId, pendingCount, this.#options.maxOfflineRecords);
        const clock = this.#options.clock;
        const recordId = mutation.recordId ?? uuidv7({ clock });
        let queued: QueuedMutation | undefined;
        await this.#records.recordsOf(deviceId).update(recordId, (current) => {
          const appended = appendMutation(current, mutation, {
            deviceId,
            recordId,
            mutationId: uuidv7({ clock }),
            hlc: this.#clocks.now(deviceId),
            checkRecordAfter: this.#checkRecordAfter,
          });
          queued = appended.queued;
          return appended.state;
        });
        this.#records.setPendingCount(deviceId, pendingCount + 1);
        return queued as QueuedMutation;
      }),
    );
  }

  /**
   * Merges changes from the server into the device: applies those to records the device has not changed,
   * acknowledges the device's own mutations coming back, and detects conflicts where both sides changed a record.
   * Each change is checked against the shared limits first; an invalid one (bad HLC, data over the size, depth or
   * key limits, malformed ids) is quarantined, reported in `quarantined` and by `change_quarantined`, and the rest
   * of the batch still applies, so one bad change cannot stop a device from syncing.
   *
   * @param deviceId - The device.
   * @param serverChanges - Changes since the device's last sync, in server order.
   * @returns Counts of applied, acknowledged and auto-resolved changes, the unresolved conflicts, the queue length,
   *   and the quarantined changes.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id or a batch that is not an array.
   * @example
   * ```ts
   * const result = await sync.syncPendingChanges("device-1", [{ recordId: "r1", entity: "note", version: 1, data: {} }]);
   * ```
   */
  async syncPendingChanges(deviceId: string, serverChanges: readonly ServerChange[]): Promise<SyncResult> {
    const check = createValidator("OfflineSyncManager.syncPendingChanges");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    check.array("serverChanges", serverChanges);
    check.done();
    const { accepted, quarantined } = partitionServerChanges(serverChanges, this.#options.maxMutationSize);

    return asPelbiotErrors(
      this.#records.withDevice(deviceId, async () => {
        this.emit("sync_started", { deviceId, changes: serverChanges.length });
        for (const change of quarantined) {
          this.#options.logger.warn("sync change quarantined", { deviceId, position: change.position });
          this.emit("change_quarantined", { deviceId, change });
        }
        const tally: MergeTally = { applied: 0, acknowledged: 0, autoResolved: 0, conflicts: new Map() };
        for (const change of accepted) {
          if (change.hlc !== undefined) this.#clocks.receive(deviceId, change.hlc);
          let outcome: MergeOutcome = { kind: "skipped" };
          await this.#records.recordsOf(deviceId).update(change.recordId, (current) => {
            const merged = mergeServerChange(current, change, deviceId, this.#policy);
            outcome = merged.outcome;
            return merged.next;
          });
          this.#report(deviceId, change.recordId, outcome, tally);
        }
        const pending = await this.#records.recountPending(deviceId);
        const { applied, acknowledged, autoResolved } = tally;
        const conflicts = [...tally.conflicts.values()];
        const result: SyncResult = { applied, acknowledged, autoResolved, conflicts, pending, quarantined };
        this.emit("sync_completed", { deviceId, ...result });
        return result;
      }),
    );
  }

  /**
   * Resolves a held conflict: keep the device's version (`"local"`), take the server's (`"remote"`, or the server
   * record `{ version, data }` itself), or write merged data (`{ data }`).
   *
   * @param deviceId - The device.
   * @param recordId - The conflicted record.
   * @param resolution - `"local"`, `"remote"`, a server record `{ version, data }`, or merged `{ data }`.
   * @returns The record as the device now sees it (`null` when deleted).
   * @throws {PelbiotError} NOT_FOUND (`details: { id }`) when the record has no open conflict; VALIDATION_ERROR for
   *   a malformed resolution, or a server record older than the conflicting version.
   * @example
   * ```ts
   * await sync.resolveConflict("device-1", conflict.recordId, { data: { ...conflict.remote.data, title: "Both" } });
   * ```
   */
  async resolveConflict(
    deviceId: string,
    recordId: string,
    resolution: "local" | "remote" | { version?: number; data: RecordData | null },
  ): Promise<RecordData | null> {
    const check = createValidator("OfflineSyncManager.resolveConflict");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    checkSyncId(check, "recordId", recordId, MAX_RECORD_ID_LENGTH);
    if (typeof resolution === "string") check.oneOf("resolution", resolution, ["local", "remote"]);
    else if (check.object("resolution", resolution)) {
      if (resolution.data !== null && check.object("resolution.data", resolution.data)) {
        this.#checkData(check, "resolution.data", resolution.data);
      }
      if (resolution.version !== undefined)
        check.number("resolution.version", resolution.version, { integer: true, min: 0 });
    }
    check.done();

    return asPelbiotErrors(
      this.#records.withDevice(deviceId, async () => {
        let kind: ConflictResolution = "merged";
        let superseded: readonly string[] = [];
        const next = await this.#records.recordsOf(deviceId).update(recordId, (current) => {
          if (current?.conflict == null) {
            throw new PelbiotError("NOT_FOUND", `No open conflict for record "${recordId}" on device "${deviceId}"`, {
              details: { id: recordId },
            });
          }
          const { remote, decision } = settleResolution(resolution, current.conflict.remote);
          kind = resolutionOf(decision);
          superseded = current.pending.map((mutation) => mutation.mutationId);
          const settled = { ...current, conflict: null };
          return applyDecision(deviceId, recordId, settled, remote, decision, this.#policy.stamps);
        });
        await this.#records.recountPending(deviceId);
        this.#emitResolved(deviceId, recordId, kind, false, superseded, next?.pending[0]?.mutationId);
        return next === undefined ? null : localView(next);
      }),
    );
  }

  /**
   * The device's unsynced mutations in the order to push them (hybrid-logical-clock order). Mutations of records
   * with an open conflict are held back until it is resolved.
   *
   * @param deviceId - The device.
   * @returns The mutations to send to the server.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id.
   * @example
   * ```ts
   * (await sync.getPendingChanges("device-1")).length;
   * ```
   */
  async getPendingChanges(deviceId: string): Promise<QueuedMutation[]> {
    this.#checkDeviceId("OfflineSyncManager.getPendingChanges", deviceId);
    return asPelbiotErrors(this.#queueOf(deviceId, false));
  }

  /**
   * Every unsynced mutation of the device, held ones included, in hybrid-logical-clock order.
   *
   * @param deviceId - The device.
   * @returns The queue.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id.
   * @example
   * ```ts
   * (await sync.getOfflineData("device-1")).map((mutation) => mutation.type);
   * ```
   */
  async getOfflineData(deviceId: string): Promise<QueuedMutation[]> {
    this.#checkDeviceId("OfflineSyncManager.getOfflineData", deviceId);
    return asPelbiotErrors(this.#queueOf(deviceId, true));
  }

  /**
   * The device's current view of a record: the last server version with the device's pending changes applied.
   *
   * @param deviceId - The device.
   * @param recordId - The record.
   * @returns The record, or `null` when it does not exist (or was deleted) on the device.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device or record id.
   * @example
   * ```ts
   * await sync.getRecord("device-1", queued.recordId); // { text: "hi" }
   * ```
   */
  async getRecord(deviceId: string, recordId: string): Promise<RecordData | null> {
    const check = createValidator("OfflineSyncManager.getRecord");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    checkSyncId(check, "recordId", recordId, MAX_RECORD_ID_LENGTH);
    check.done();
    const state = await asPelbiotErrors(this.#records.recordsOf(deviceId).get(recordId));
    return state === undefined ? null : localView(state);
  }

  /**
   * Open conflicts of a device.
   *
   * @param deviceId - The device.
   * @returns Conflicts waiting for {@link OfflineSyncManager.resolveConflict}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id.
   * @example
   * ```ts
   * for (const conflict of await sync.getConflicts("device-1")) console.log(conflict.fields);
   * ```
   */
  async getConflicts(deviceId: string): Promise<SyncConflict[]> {
    this.#checkDeviceId("OfflineSyncManager.getConflicts", deviceId);
    return asPelbiotErrors(this.#conflictsOf(deviceId));
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
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed device id (a lone surrogate included) or a
   *   malformed coordinator response.
   * @throws {PelbiotError} whatever the transport throws (`PROVIDER_ERROR` over HTTP; a non-PELBIOT error is
   *   wrapped as `PROVIDER_ERROR`); the queue stays intact.
   * @example
   * ```ts
   * const report = await sync.sync("device-1", createInMemorySyncTransport(coordinator));
   * ```
   */
  async sync(deviceId: string, transport: SyncTransport): Promise<SyncReport> {
    const check = createValidator("OfflineSyncManager.sync");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    if (check.object("transport", transport)) {
      check.fn("transport.push", transport.push);
      check.fn("transport.pull", transport.pull);
    }
    check.done();
    return asPelbiotErrors(runSyncRound(this.#roundHost, deviceId, transport), "PROVIDER_ERROR");
  }

  /**
   * Syncs a device every `intervalMs` on the manager's clock. A round that fails with a transient error is retried
   * sooner, on core's exponential backoff with full jitter (or after the server's `Retry-After`, when longer), up to
   * `maxAttempts` rounds in a row; after that, or on a permanent error, `sync_failed` is emitted and the regular
   * interval resumes. Timers only: nothing waits in between, so `stop()` takes effect at once.
   *
   * @param deviceId - The device.
   * @param transport - How to reach the coordinator.
   * @param options - Interval and backoff; see {@link AutoSyncOptions}.
   * @returns Controls to sync now or stop.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid or unknown options.
   * @example
   * ```ts
   * const auto = sync.startAutoSync("device-1", transport, { intervalMs: config.offlineSyncIntervalMs });
   * await auto.stop();
   * ```
   */
  startAutoSync(deviceId: string, transport: SyncTransport, options: AutoSyncOptions = {}): AutoSync {
    const check = createValidator("OfflineSyncManager.startAutoSync");
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    if (check.object("transport", transport)) {
      check.fn("transport.push", transport.push);
      check.fn("transport.pull", transport.pull);
    }
    const resolved = resolveAutoSyncOptions(check, options);
    check.done();
    return startAutoSyncScheduler({
      clock: this.#options.clock,
      options: resolved,
      round: () => this.sync(deviceId, transport),
      failed: (error) => {
        this.#options.logger.warn("automatic sync round failed", { deviceId, code: error.code });
        this.emit("sync_failed", { deviceId, error });
      },
    });
  }

  /**
   * Conflict counters since this manager was created.
   *
   * @returns Conflicts detected, resolved automatically, and the automatic-resolution rate.
   * @example
   * ```ts
   * sync.getSyncStats().autoResolutionRate; // 1 when every conflict was resolved by the strategy
   * ```
   */
  getSyncStats(): SyncStats {
    const rate = this.#conflictsDetected === 0 ? 1 : this.#autoResolved / this.#conflictsDetected;
    return { conflictsDetected: this.#conflictsDetected, autoResolved: this.#autoResolved, autoResolutionRate: rate };
  }

  // Counts one merged change and emits its events.
  #report(deviceId: string, recordId: string, outcome: MergeOutcome, tally: MergeTally): void {
    if (outcome.kind === "applied") tally.applied += 1;
    else if (outcome.kind === "acknowledged") tally.acknowledged += 1;
    else if (outcome.kind === "conflict") {
      if (!outcome.alreadyOpen) this.#conflictsDetected += 1;
      tally.conflicts.set(recordId, outcome.conflict);
      this.emit("conflict_detected", outcome.conflict);
    } else if (outcome.kind === "resolved") {
      this.#conflictsDetected += 1;
      this.#autoResolved += 1;
      tally.autoResolved += 1;
      this.emit("conflict_detected", outcome.conflict);
      this.#emitResolved(deviceId, recordId, outcome.resolution, true, outcome.superseded, outcome.replacement);
    }
  }

  #emitResolved(
    deviceId: string,
    recordId: string,
    resolution: ConflictResolution,
    automatic: boolean,
    superseded: readonly string[],
    replacement: string | undefined,
  ): void {
    const replaced = replacement === undefined ? {} : { replacement };
    this.emit("conflict_resolved", { deviceId, recordId, resolution, automatic, superseded, ...replaced });
  }

  // Devices pull whole records, so the coordinator refuses a write whose resulting record breaks the limits; saying
  // so at save time keeps the device from queueing a change that would be rolled back.
  readonly #checkRecordAfter = (record: RecordData | null): void => {
    if (record === null) return;
    const check = createValidator("OfflineSyncManager.saveOfflineData");
    this.#checkData(check, "the record after this change", record);
    check.done();
  };

  #checkData(check: Validator, path: string, data: Record<string, unknown>): void {
    checkRecordData(check, path, data, { value: this.#options.maxMutationSize, option: "maxMutationSize" });
  }

  #checkDeviceId(context: string, deviceId: string): void {
    const check = createValidator(context);
    checkSyncId(check, "deviceId", deviceId, MAX_CLIENT_ID_LENGTH);
    check.done();
  }

  async #queueOf(deviceId: string, includeHeld: boolean): Promise<QueuedMutation[]> {
    return orderedQueue(await this.#records.states(deviceId), includeHeld);
  }

  async #conflictsOf(deviceId: string): Promise<SyncConflict[]> {
    return (await this.#records.states(deviceId)).flatMap((state) => (state.conflict === null ? [] : [state.conflict]));
  }
}

// Only PelbiotErrors leave public methods: a resolver, transport or adapter that throws something else is wrapped.
// The handlers are made once, not per call.
const rethrowAsInternal = (error: unknown): never => {
  throw toPelbiotError(error, "INTERNAL_ERROR");
};
const rethrowAsProvider = (error: unknown): never => {
  throw toPelbiotError(error, "PROVIDER_ERROR");
};

function asPelbiotErrors<T>(
  operation: Promise<T>,
  fallback: "INTERNAL_ERROR" | "PROVIDER_ERROR" = "INTERNAL_ERROR",
): Promise<T> {
  return operation.catch(fallback === "PROVIDER_ERROR" ? rethrowAsProvider : rethrowAsInternal);
}
