import {
  createJsonStore,
  type DamagedRecord,
  type JsonStore,
  PelbiotError,
  type StorageAdapter,
  type StorageEntry,
} from "@pelbiot/core";
import { canListRange, listJsonRecordsByRange } from "./paged-listing";
import type { WebhookDelivery, WebhookDeliveryStatus } from "./webhook-manager-types";

/** A delivery as persisted under `webhooks:deliveries:`. */
export interface StoredDelivery {
  id: string;
  messageId: string;
  endpointId: string;
  event: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  /** The manager working on it, or `null`: only the owner sends it, until `leaseUntil` passes. */
  leaseOwner: string | null;
  leaseUntil: number;
}

/** Shows a delivery without its body and lease. */
export function toDeliveryView(stored: StoredDelivery): WebhookDelivery {
  const { id, messageId, endpointId, event, status, attempts, nextAttemptAt, lastError, createdAt } = stored;
  return { id, messageId, endpointId, event, status, attempts, nextAttemptAt, lastError, createdAt };
}

/** Options of {@link DeliveryQueue}. */
export interface DeliveryQueueOptions {
  /** Where the queue lives. */
  storage: StorageAdapter;
  /** This manager's lease id. */
  owner: string;
  /** How long past its next attempt a lease holds. */
  leaseMs: number;
  /**
   * The key prefix of the delivery records.
   * @default "webhooks:deliveries:"
   */
  prefix?: string | undefined;
  /** Told about each damaged delivery record a listing skipped and quarantined. */
  onDamaged?: ((record: DamagedRecord) => void) | undefined;
}

/**
 * The durable delivery queue in a storage adapter: pending deliveries and dead letters, each leased by the manager
 * working on it so several managers can share the storage and a dead one's deliveries are taken over.
 */
export class DeliveryQueue {
  readonly #store: JsonStore<StoredDelivery>;
  readonly #owner: string;
  readonly #leaseMs: number;

  /** @param options - Storage, lease owner and length, key prefix and the damage listener. */
  constructor(options: DeliveryQueueOptions) {
    const { storage, owner, leaseMs, prefix = "webhooks:deliveries:", onDamaged } = options;
    this.#store = createJsonStore<StoredDelivery>(storage, { prefix, onDamaged });
    this.#owner = owner;
    this.#leaseMs = leaseMs;
  }

  /** This manager's lease id. */
  get owner(): string {
    return this.#owner;
  }

  /** When a lease taken at `from` ends. */
  leaseFrom(from: number): number {
    return from + this.#leaseMs;
  }

  async get(deliveryId: string): Promise<StoredDelivery | undefined> {
    return this.#store.get(deliveryId);
  }

  async add(record: StoredDelivery): Promise<void> {
    await this.#store.set(record.id, record);
  }

  async delete(deliveryId: string): Promise<void> {
    await this.#store.delete(deliveryId);
  }

  /**
   * Every delivery record, in id order. With a storage that can list a range (`listRange`), records are read a page
   * at a time (on PostgreSQL one statement per page); otherwise, and whenever a page holds a damaged record, the
   * store is listed key by key, which quarantines and reports damaged records.
   */
  async entries(): Promise<Array<[id: string, delivery: StoredDelivery]>> {
    const adapter = this.#store.adapter;
    if (canListRange(adapter)) {
      const records = await listJsonRecordsByRange<StoredDelivery>(adapter, this.#store.prefix);
      if (records !== undefined) return records;
    }
    return this.#store.entries();
  }

  /** Changes a delivery atomically; the change may return the record unchanged. */
  async update(
    deliveryId: string,
    change: (current: StoredDelivery) => StoredDelivery,
  ): Promise<StoredDelivery | undefined> {
    return this.#store.update(deliveryId, (current) => (current === undefined ? undefined : change(current)));
  }

  /**
   * Lists the queue once so that every damaged delivery record in it is skipped, quarantined and reported (through
   * `onDamaged`), as any listing does.
   *
   * @returns How many damaged records were found.
   */
  async sweepDamaged(): Promise<number> {
    return (await this.#store.listEntries()).damaged.length;
  }

  /**
   * Takes the lease of a pending delivery that nobody holds (or whose holder let it expire), atomically. A record
   * damaged since it was listed is not claimed: a sweep quarantines and reports it.
   */
  async claim(deliveryId: string, now: number): Promise<boolean> {
    const adapter = this.#store.adapter;
    const key = `${this.#store.prefix}${deliveryId}`;
    let entry: StorageEntry | null;
    let record: StoredDelivery;
    try {
      entry = await adapter.getEntry(key);
      if (entry === null) return false;
      record = JSON.parse(entry.value) as StoredDelivery;
    } catch (error) {
      // Only damage is skipped: a failing disk or network must still reach the caller.
      if (!(error instanceof SyntaxError || PelbiotError.is(error, "INTEGRITY_ERROR"))) throw error;
      await this.sweepDamaged();
      return false;
    }
    if (typeof record !== "object" || record === null) return false;
    const free = record.leaseOwner === null || record.leaseOwner === this.#owner || record.leaseUntil <= now;
    if (record.status !== "pending" || !free) return false;
    const claimed: StoredDelivery = {
      ...record,
      leaseOwner: this.#owner,
      leaseUntil: Math.max(now, record.nextAttemptAt ?? now) + this.#leaseMs,
    };
    return adapter.compareAndSet(key, entry.version, JSON.stringify(claimed));
  }

  /**
   * Re-checks, atomically, that this manager still holds a pending delivery's lease and extends it to cover work
   * that lasts until `busyUntil` (plus the lease margin). Called right before sending: a delivery that waited (for a
   * concurrency slot, a circuit) past its lease may have been taken over meanwhile, and must then not be sent.
   *
   * @returns Whether this manager holds the lease now.
   */
  async renewLease(deliveryId: string, busyUntil: number): Promise<boolean> {
    let held = false;
    await this.update(deliveryId, (current) => {
      held = current.status === "pending" && current.leaseOwner === this.#owner;
      if (!held) return current;
      return { ...current, leaseUntil: Math.max(current.leaseUntil, busyUntil + this.#leaseMs) };
    });
    return held;
  }

  /**
   * Changes a delivery only while this manager holds its lease, atomically, so an owner that lost the lease never
   * overwrites what the new owner recorded.
   *
   * @returns Whether the change was applied.
   */
  async updateOwned(deliveryId: string, change: (current: StoredDelivery) => StoredDelivery): Promise<boolean> {
    let owned = false;
    await this.update(deliveryId, (current) => {
      owned = current.leaseOwner === this.#owner;
      return owned ? change(current) : current;
    });
    return owned;
  }

  /** Moves a pending delivery to the dead-letter list. */
  async bury(deliveryId: string, reason: string): Promise<void> {
    await this.update(deliveryId, (current) =>
      current.status !== "pending"
        ? current
        : { ...current, status: "dead", nextAttemptAt: null, lastError: reason, leaseOwner: null, leaseUntil: 0 },
    );
  }

  /** Hands this manager's pending deliveries back (on close), so the next `resume` takes them at once. */
  async releaseLeases(): Promise<void> {
    for (const [id, record] of await this.entries()) {
      if (record.leaseOwner !== this.#owner || record.status !== "pending") continue;
      await this.update(id, (current) =>
        current.leaseOwner === this.#owner ? { ...current, leaseOwner: null, leaseUntil: 0 } : current,
      );
    }
  }
}
