/**
 * The operations a storage adapter has started and not yet finished, so `dispose()` can wait for them before it
 * releases connections or files.
 */
export interface PendingOperations {
  /** Tracks `operation` until it settles and returns it unchanged. */
  track<T>(operation: Promise<T>): Promise<T>;
  /** Resolves once every operation tracked so far has settled, whether it succeeded or failed. */
  settled(): Promise<void>;
}

/** Creates an empty {@link PendingOperations} set. */
export function createPendingOperations(): PendingOperations {
  const pending = new Set<Promise<unknown>>();
  return {
    track(operation) {
      pending.add(operation);
      const forget = (): void => {
        pending.delete(operation);
      };
      operation.then(forget, forget);
      return operation;
    },
    async settled() {
      await Promise.allSettled([...pending]);
    },
  };
}
