import { createJsonStore, createKeyedMutex, type JsonStore, type StorageAdapter } from "@pelbiot/core";
import type { QueuedMutation, RecordData, ServerRecord, SyncConflict } from "./sync-types";
import { applyMutation } from "./three-way-merge";

/** What a device keeps about one record. */
export interface RecordState {
  readonly entity: string;
  /** Last server version both sides agree on. */
  base: ServerRecord | null;
  /** This device's unacknowledged changes to the record, oldest first. */
  pending: QueuedMutation[];
  /** An unresolved conflict; its record's changes are held back until it is resolved. */
  conflict: SyncConflict | null;
}

/**
 * The device's view of a record: the last agreed server version with its pending changes applied.
 *
 * @param state - The record's state.
 * @returns The record, or `null` when it does not exist (or was deleted) on the device.
 */
export function localView(state: RecordState): RecordData | null {
  return state.pending.reduce<RecordData | null>(
    (record, mutation) => applyMutation(record, mutation),
    state.base?.data ?? null,
  );
}

/**
 * Durable per-device record states and pull cursors over one storage adapter, with a cached count of each device's
 * queued mutations. Operations on one device run one at a time (see {@link DeviceRecordStore.withDevice}).
 */
export class DeviceRecordStore {
  readonly #storage: StorageAdapter;
  readonly #keyPrefix: string;
  readonly #stores = new Map<string, JsonStore<RecordState>>();
  readonly #cursors: JsonStore<number>;
  readonly #pendingCounts = new Map<string, number>();
  readonly #deviceQueue = createKeyedMutex();

  /**
   * @param storage - Where states and cursors live.
   * @param keyPrefix - Prefix of every key this store writes.
   */
  constructor(storage: StorageAdapter, keyPrefix: string) {
    this.#storage = storage;
    this.#keyPrefix = keyPrefix;
    this.#cursors = createJsonStore<number>(storage, { prefix: `${keyPrefix}cursors:` });
  }

  /**
   * The record states of one device.
   *
   * @param deviceId - The device.
   * @returns Its JSON store, keyed by record id.
   */
  recordsOf(deviceId: string): JsonStore<RecordState> {
    let store = this.#stores.get(deviceId);
    if (store === undefined) {
      // Encoding keeps device "a" from listing the records of device "a:b"; the "devices:" namespace keeps a device
      // named "cursors" (or "log") apart from the manager's other stores.
      store = createJsonStore<RecordState>(this.#storage, {
        prefix: `${this.#keyPrefix}devices:${encodeURIComponent(deviceId)}:`,
      });
      this.#stores.set(deviceId, store);
    }
    return store;
  }

  /**
   * Every record state of a device.
   *
   * @param deviceId - The device.
   * @returns The states, in key order.
   */
  async states(deviceId: string): Promise<RecordState[]> {
    return (await this.recordsOf(deviceId).entries()).map(([, state]) => state);
  }

  /**
   * How many mutations the device has queued, from the cache when known.
   *
   * @param deviceId - The device.
   * @returns The count.
   */
  async pendingCount(deviceId: string): Promise<number> {
    return this.#pendingCounts.get(deviceId) ?? this.recountPending(deviceId);
  }

  /**
   * Records a count the caller knows to be exact (after it queued one more mutation).
   *
   * @param deviceId - The device.
   * @param count - The count.
   */
  setPendingCount(deviceId: string, count: number): void {
    this.#pendingCounts.set(deviceId, count);
  }

  /**
   * Counts the device's queued mutations from storage and caches the count.
   *
   * @param deviceId - The device.
   * @returns The count.
   */
  async recountPending(deviceId: string): Promise<number> {
    const count = (await this.states(deviceId)).reduce((total, state) => total + state.pending.length, 0);
    this.#pendingCounts.set(deviceId, count);
    return count;
  }

  /**
   * Counts the device's queued mutations (caching the count) and collects its open conflicts, from one listing.
   *
   * @param deviceId - The device.
   * @returns The queue length and the open conflicts.
   */
  async summarise(deviceId: string): Promise<{ pending: number; conflicts: SyncConflict[] }> {
    let pending = 0;
    const conflicts: SyncConflict[] = [];
    for (const state of await this.states(deviceId)) {
      pending += state.pending.length;
      if (state.conflict !== null) conflicts.push(state.conflict);
    }
    this.#pendingCounts.set(deviceId, pending);
    return { pending, conflicts };
  }

  /**
   * The cursor of the device's last pull.
   *
   * @param deviceId - The device.
   * @returns The cursor, 0 before the first pull.
   */
  async readCursor(deviceId: string): Promise<number> {
    return (await this.#cursors.get(encodeURIComponent(deviceId))) ?? 0;
  }

  /**
   * Saves the cursor of the device's last pull.
   *
   * @param deviceId - The device.
   * @param cursor - The cursor the coordinator returned.
   */
  async writeCursor(deviceId: string, cursor: number): Promise<void> {
    await this.#cursors.set(encodeURIComponent(deviceId), cursor);
  }

  /**
   * Runs an operation on one device after the ones queued before it, so counts and read-modify-write cycles never
   * interleave.
   *
   * @param deviceId - The device.
   * @param operation - The operation.
   * @returns What the operation returns.
   */
  withDevice<T>(deviceId: string, operation: () => Promise<T>): Promise<T> {
    return this.#deviceQueue(deviceId, operation);
  }
}
