/**
 * The operations a storage adapter has started and not yet finished, so `dispose()` can wait for them before it
 * releases connections or files.
 */
export interface PendingOperations {
  /** Tracks `operation` until it settles and returns it unchanged. */
  track<T>(operation: Promise<T>): Promise<T>;
  /**
   * Resolves once no tracked operation is pending, whether they succeeded or failed. Operations tracked after the
   * call are waited for too, so stop starting new ones first (as `dispose()` does).
   */
  settled(): Promise<void>;
}

/** Creates an empty {@link PendingOperations} set. */
export function createPendingOperations(): PendingOperations {
  // A count rather than a Set of promises: putting a promise in a Set gives it an identity hash, which cost more
  // than the rest of a Redis adapter call together (about 2 µs of 6).
  let pending = 0;
  let waiters: Array<() => void> = [];
  const finished = (): void => {
    pending -= 1;
    if (pending > 0) return;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  return {
    track(operation) {
      pending += 1;
      operation.then(finished, finished);
      return operation;
    },
    settled() {
      return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
  };
}
