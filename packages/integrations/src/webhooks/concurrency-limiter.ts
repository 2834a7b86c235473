/**
 * Bounds how many requests are in flight at once. Waiters are served first come, first served; a released slot is
 * handed straight to the next waiter so the count never dips and rises again.
 */
export class ConcurrencyLimiter {
  readonly #maxConcurrency: number;
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;

  constructor(maxConcurrency: number) {
    this.#maxConcurrency = maxConcurrency;
  }

  /** Resolves once a slot is held; pair every call with {@link ConcurrencyLimiter.release}. */
  async acquire(): Promise<void> {
    if (this.#inFlight < this.#maxConcurrency) {
      this.#inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    // The releasing request handed its slot straight to us, so the count is unchanged.
  }

  /** Gives a slot back, to the next waiter when there is one. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#inFlight -= 1;
    else next();
  }

  /** Wakes every waiter (on close); each must still check whether the manager was closed before sending. */
  releaseAll(): void {
    for (const release of this.#waiting.splice(0)) release();
  }
}
