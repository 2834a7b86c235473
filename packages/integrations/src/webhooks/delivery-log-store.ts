import {
  createIdGenerator,
  createJsonStore,
  type DamagedRecord,
  type JsonStore,
  PelbiotError,
  type StorageAdapter,
} from "@pelbiot/core";
import type { DeliveryAttemptLog, DeliveryLogFilter } from "./webhook-manager-types";

/** Options of {@link DeliveryLogStore}. */
export interface DeliveryLogStoreOptions {
  /** Where logs are persisted, or `undefined` to keep them in memory only. */
  storage: StorageAdapter | undefined;
  /** The most logs kept, in memory and in storage; the oldest go first. */
  maxLogs: number;
  /** How long a log is kept, in milliseconds after its attempt started. */
  retentionMs: number;
  /**
   * The key prefix of the stored logs.
   * @default "webhooks:logs:"
   */
  prefix?: string | undefined;
  /**
   * Told about each damaged stored log that {@link DeliveryLogStore.load} skipped: quarantined when it could not be
   * read, deleted (with no `quarantineKey`) when it is JSON but not an attempt log.
   */
  onDamaged?: ((record: DamagedRecord) => void) | undefined;
}

/** What {@link DeliveryLogStore.load} did. */
export interface DeliveryLogLoad {
  /** How many logs are kept afterwards. */
  kept: number;
  /** How many damaged stored logs were skipped. */
  damaged: number;
}

interface KeptLog {
  readonly key: string;
  readonly log: DeliveryAttemptLog;
}

const logIds = createIdGenerator({ prefix: "log" });
// Keys start with the zero-padded attempt time, so the adapter's ascending key order is chronological order.
const TIME_DIGITS = 15;

function logKey(log: DeliveryAttemptLog): string {
  return `${String(Math.max(0, Math.trunc(log.timestamp))).padStart(TIME_DIGITS, "0")}-${logIds.next()}`;
}

function timeOfKey(key: string): number {
  return Number(key.slice(0, TIME_DIGITS));
}

function matches(log: DeliveryAttemptLog, filter: DeliveryLogFilter): boolean {
  return (
    (filter.endpointId === undefined || log.endpointId === filter.endpointId) &&
    (filter.messageId === undefined || log.messageId === filter.messageId) &&
    (filter.deliveryId === undefined || log.deliveryId === filter.deliveryId) &&
    (filter.event === undefined || log.event === filter.event) &&
    (filter.success === undefined || log.success === filter.success)
  );
}

function isAttemptLog(value: unknown): value is DeliveryAttemptLog {
  if (typeof value !== "object" || value === null) return false;
  const log = value as Partial<DeliveryAttemptLog>;
  return (
    typeof log.deliveryId === "string" &&
    typeof log.messageId === "string" &&
    typeof log.endpointId === "string" &&
    typeof log.attempt === "number" &&
    typeof log.timestamp === "number" &&
    typeof log.success === "boolean"
  );
}

/**
 * The attempt logs of a manager: an in-memory list answers {@link DeliveryLogStore.query} synchronously, and each
 * log is also written under `webhooks:logs:` in the storage adapter, so {@link DeliveryLogStore.load} brings them
 * back after a restart. Both are bounded by `maxLogs` and `retentionMs`.
 *
 * Several managers may share one storage: each prunes the logs it wrote or loaded, so the stored total can exceed
 * `maxLogs` by what the others wrote since this one last loaded, until the next {@link DeliveryLogStore.load}.
 */
export class DeliveryLogStore {
  readonly #store: JsonStore<DeliveryAttemptLog> | undefined;
  readonly #maxLogs: number;
  readonly #retentionMs: number;
  readonly #onDamaged: ((record: DamagedRecord) => void) | undefined;
  // Oldest first. Compacted lazily, like the credentials audit log, so dropping the oldest stays O(1) amortised.
  #kept: KeptLog[] = [];
  #start = 0;
  // Keys this manager knows are in storage, oldest first; pruning deletes from the front.
  #persisted: string[] = [];
  #persistedStart = 0;
  #pruning: Promise<void> = Promise.resolve();

  constructor(options: DeliveryLogStoreOptions) {
    const { storage, maxLogs, retentionMs, prefix = "webhooks:logs:", onDamaged } = options;
    this.#store =
      storage === undefined ? undefined : createJsonStore<DeliveryAttemptLog>(storage, { prefix, onDamaged });
    this.#maxLogs = maxLogs;
    this.#retentionMs = retentionMs;
    this.#onDamaged = onDamaged;
  }

  /** Whether logs survive a restart. */
  get persistent(): boolean {
    return this.#store !== undefined;
  }

  /**
   * Keeps a log in memory and, when persistent, writes it to storage and prunes what is over the bounds. A failed
   * write loses only the stored copy: the delivery's own state is already safe in the queue.
   */
  async append(log: DeliveryAttemptLog, now: number): Promise<void> {
    const key = logKey(log);
    this.#keep({ key, log });
    this.#dropExpiredFromMemory(now);
    if (this.#store === undefined || this.#maxLogs === 0) return;
    try {
      await this.#store.set(key, log);
      this.#persisted.push(key);
    } catch {
      return;
    }
    await this.#prune(now);
  }

  /** The kept logs matching `filter`, oldest first, as copies. */
  query(filter: DeliveryLogFilter, now: number): DeliveryAttemptLog[] {
    this.#dropExpiredFromMemory(now);
    const result: DeliveryAttemptLog[] = [];
    for (let index = this.#start; index < this.#kept.length; index += 1) {
      const { log } = this.#kept[index]!;
      if (matches(log, filter)) result.push({ ...log });
    }
    return result;
  }

  /**
   * Reads the persisted logs (those written before a restart, or by other managers on the same storage) into
   * memory, after deleting the ones past retention or beyond `maxLogs`. A log that cannot be read is skipped,
   * quarantined and reported; one that is JSON but not an attempt log is deleted and reported.
   *
   * @returns How many logs are kept afterwards, and how many damaged ones were skipped.
   */
  async load(now: number): Promise<DeliveryLogLoad> {
    if (this.#store === undefined) return { kept: this.#kept.length - this.#start, damaged: 0 };
    const store = this.#store;
    const keys = await store.keys();
    const cutoff = now - this.#retentionMs;
    const fresh = keys.filter((key) => timeOfKey(key) >= cutoff);
    const surplus = fresh.length > this.#maxLogs ? fresh.slice(0, fresh.length - this.#maxLogs) : [];
    const stale = keys.filter((key) => timeOfKey(key) < cutoff);
    for (const key of [...stale, ...surplus]) await store.delete(key);
    const dropped = new Set([...stale, ...surplus]);
    // A listing quarantines and reports what cannot be read, so one bad file never stops the load.
    const listing = await store.listEntries();
    const known = new Set(this.#kept.slice(this.#start).map((kept) => kept.key));
    const loaded: KeptLog[] = [];
    let misshapen = 0;
    for (const [key, log] of listing.entries) {
      if (known.has(key) || dropped.has(key)) continue;
      if (isAttemptLog(log)) {
        loaded.push({ key, log });
        continue;
      }
      misshapen += 1;
      await store.delete(key);
      this.#reportMisshapen(key);
    }
    const merged = [...loaded, ...this.#kept.slice(this.#start)].sort((left, right) =>
      left.key < right.key ? -1 : left.key > right.key ? 1 : 0,
    );
    this.#kept = merged.slice(Math.max(0, merged.length - this.#maxLogs));
    this.#start = 0;
    this.#persisted = this.#kept.map((kept) => kept.key);
    this.#persistedStart = 0;
    return { kept: this.#kept.length, damaged: listing.damaged.length + misshapen };
  }

  #reportMisshapen(key: string): void {
    const store = this.#store;
    if (store === undefined || this.#onDamaged === undefined) return;
    const storageKey = `${store.prefix}${key}`;
    const error = new PelbiotError(
      "INTEGRITY_ERROR",
      `The stored attempt log under key ${JSON.stringify(storageKey)} is not an attempt log, so it was deleted.`,
      { details: { key: storageKey } },
    );
    try {
      this.#onDamaged({ key, storageKey, quarantineKey: undefined, error });
    } catch {
      // A listener's failure must not stop the load, as with the store's own reports.
    }
  }

  #keep(kept: KeptLog): void {
    this.#kept.push(kept);
    if (this.#kept.length - this.#start > this.#maxLogs) this.#start = this.#kept.length - this.#maxLogs;
    if (this.#start > 0 && this.#start >= this.#kept.length - this.#start) {
      this.#kept = this.#kept.slice(this.#start);
      this.#start = 0;
    }
  }

  #dropExpiredFromMemory(now: number): void {
    const cutoff = now - this.#retentionMs;
    while (this.#start < this.#kept.length && this.#kept[this.#start]!.log.timestamp < cutoff) this.#start += 1;
  }

  // Serialised, so concurrent appends never delete the same key twice or race over the front of the list.
  async #prune(now: number): Promise<void> {
    this.#pruning = this.#pruning.then(async () => {
      const store = this.#store;
      if (store === undefined) return;
      const cutoff = now - this.#retentionMs;
      while (this.#persistedStart < this.#persisted.length) {
        const oldest = this.#persisted[this.#persistedStart]!;
        const over = this.#persisted.length - this.#persistedStart > this.#maxLogs;
        if (!over && timeOfKey(oldest) >= cutoff) break;
        this.#persistedStart += 1;
        await store.delete(oldest).catch(() => undefined);
      }
      if (this.#persistedStart > 0 && this.#persistedStart >= this.#persisted.length - this.#persistedStart) {
        this.#persisted = this.#persisted.slice(this.#persistedStart);
        this.#persistedStart = 0;
      }
    });
    await this.#pruning;
  }
}
