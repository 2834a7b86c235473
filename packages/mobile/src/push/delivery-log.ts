import type { DeliveryLogFilter, DeliveryResult } from "./push-notification-manager-types";

/**
 * The newest delivery results, in memory, oldest dropped first once `capacity` is reached. Bulk trimming keeps a
 * steady stream of sends from copying the log on every result.
 */
export class DeliveryLog {
  readonly #capacity: number;
  #results: DeliveryResult[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(result: DeliveryResult): void {
    if (this.#capacity === 0) return;
    this.#results.push(result);
    if (this.#results.length >= 2 * this.#capacity) this.#results = this.#results.slice(-this.#capacity);
  }

  /** The kept results matching `filter`, oldest first. */
  read(filter: DeliveryLogFilter): DeliveryResult[] {
    const kept = this.#results.slice(-this.#capacity);
    const matching = kept.filter(
      (result) =>
        (filter.deviceId === undefined || result.deviceId === filter.deviceId) &&
        (filter.status === undefined || result.status === filter.status) &&
        (filter.notificationId === undefined || result.notificationId === filter.notificationId),
    );
    return filter.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filter.limit));
  }
}
