import { type Clock, PelbiotError } from "@pelbiot/core";

const OPERATION_PREFIX = "operation:";

/**
 * Which work of a manager is due now or in flight: a delivery loop that is not waiting for a later attempt (it reads
 * the queue, queues for a concurrency slot, or sends), or a `triggerWebhook` call that is still queueing its
 * deliveries. {@link DeliveryActivity.whenIdle} waits until there is none, which is what `flush()` needs.
 */
export class DeliveryActivity {
  readonly #busy = new Set<string>();
  #waiters: Array<() => void> = [];
  #operations = 0;

  /** How many deliveries are due now or in flight, and how many other operations are running. */
  counts(): { deliveries: number; operations: number } {
    let operations = 0;
    for (const key of this.#busy) if (key.startsWith(OPERATION_PREFIX)) operations += 1;
    return { deliveries: this.#busy.size - operations, operations };
  }

  /** Marks a delivery (or an operation key) as due now or in flight; marking twice is harmless. */
  busy(key: string): void {
    this.#busy.add(key);
  }

  /** Marks a delivery as waiting for a later attempt, or finished; wakes the waiters once nothing is busy. */
  idle(key: string): void {
    if (!this.#busy.delete(key) || this.#busy.size > 0) return;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Tracks one operation that is not yet a delivery loop (a trigger queueing its deliveries).
   *
   * @returns The function to call when it is over.
   */
  begin(): () => void {
    this.#operations += 1;
    const key = `${OPERATION_PREFIX}${this.#operations}`;
    this.busy(key);
    return () => this.idle(key);
  }

  /**
   * Resolves once nothing is due now or in flight.
   *
   * @param clock - The clock that measures the timeout.
   * @param timeoutMs - How long to wait.
   * @param method - The public method, for the error message.
   * @throws {PelbiotError} TIMEOUT when work is still due or in flight after `timeoutMs`.
   */
  async whenIdle(clock: Clock, timeoutMs: number, method: string): Promise<void> {
    if (this.#busy.size === 0) return;
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clock.clearTimeout(timer);
        resolve();
      };
      const timer = clock.setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== wake);
        const { deliveries, operations } = this.counts();
        reject(
          new PelbiotError(
            "TIMEOUT",
            `${method}: after ${timeoutMs} ms, ${deliveries} deliveries were still due or in flight and ` +
              `${operations} triggers still queueing; they carry on in the background. Raise options.timeoutMs, or ` +
              "await flush() again.",
            { details: { deliveries, operations, timeoutMs } },
          ),
        );
      }, timeoutMs);
      this.#waiters.push(wake);
    });
  }
}
