import { createIdGenerator, createJsonStore, type JsonStore, type StorageAdapter } from "@pelbiot/core";
import type { DeliveryAttemptLog, DeliveryLogFilter } from "./webhook-types";

/** Options of {@link DeliveryLogStore}. */
export interface DeliveryLogStoreOptions {
  /** Where logs are persisted, or `undefined` to keep them in memory only. */
  storage: StorageAdapter | undefined;
  /** The most logs kept, in memory and in storage; the oldest go first. */
  maxLogs: number;
  /** How long a log is kept, in milliseconds after its attempt started. */
  retentionMs: number;
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
  // Oldest first. Compacted lazily, like the credentials audit log, so dropping the oldest stays O(1) amortised.
  #kept: KeptLog[] = [];
  #start = 0;
  // Keys this manager knows are in storage, oldest first; pruning deletes from the front.
  #persisted: string[] = [];
  #persistedStart = 0;
  #pruning: Promise<void> = Promise.resolve();

  constructor(options: DeliveryLogStoreOptions) {
    const { storage, maxLogs, retentionMs } = options;
    this.#store =
      storage === undefined ? undefined : createJsonStore<DeliveryAttemptLog>(storage, { prefix: "webhooks:logs:" });
    this.#maxLogs = maxLogs;
    this.#retentionMs = retentionMs;
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
   * memory, after deleting the ones past retention or beyond `maxLogs`. Unreadable entries are deleted.
   *
   * @returns How many logs are kept afterwards.
   */
  async load(now: number): Promise<number> {
    if (this.#store === undefined) return this.#kept.length - this.#start;
    const store = this.#store;
    const keys = await store.keys();
    const cutoff = now - this.#retentionMs;
    const fresh = keys.filter((key) => timeOfKey(key) >= cutoff);
    const surplus = fresh.length > this.#maxLogs ? fresh.slice(0, fresh.length - this.#maxLogs) : [];
    const keep = fresh.slice(surplus.length);
    const stale = keys.filter((key) => timeOfKey(key) < cutoff);
    for (const key of [...stale, ...surplus]) await store.delete(key);
    const known = new Set(this.#kept.slice(this.#start).map((kept) => kept.key));
    const loaded: KeptLog[] = [];
    for (const key of keep) {
      if (known.has(key)) continue;
      const log = await store.get(key).catch(() => undefined);
      if (isAttemptLog(log)) loaded.push({ key, log });
      else await store.delete(key);
    }
    const merged = [...loaded, ...this.#kept.slice(this.#start)].sort((left, right) =>
      left.key < right.key ? -1 : left.key > right.key ? 1 : 0,
    );
    this.#kept = merged.slice(Math.max(0, merged.length - this.#maxLogs));
    this.#start = 0;
    this.#persisted = this.#kept.map((kept) => kept.key);
    this.#persistedStart = 0;
    return this.#kept.length;
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
