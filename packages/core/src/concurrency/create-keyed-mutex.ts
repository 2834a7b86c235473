import { createValidator } from "../validation/validator";

/**
 * Runs tasks one at a time per key, in call order; tasks under different keys run concurrently. Returned by
 * {@link createKeyedMutex}.
 *
 * @example
 * ```ts
 * const runExclusive: KeyedMutex = createKeyedMutex();
 * await runExclusive("device:42", async () => "done");
 * ```
 */
export interface KeyedMutex {
  /**
   * Runs `task` once every task called earlier with the same `key` has settled.
   *
   * @param key - Any string; tasks that share it never overlap.
   * @param task - The work to run; its result or failure is passed through unchanged.
   * @returns What `task` resolves to.
   * @throws {PelbiotValidationError} `VALIDATION_ERROR` (as a rejection) when `key` is not a string or `task` is
   *   not a function; nothing is queued then.
   */
  <T>(key: string, task: () => Promise<T>): Promise<T>;
  /** How many keys have a task running or waiting; `0` once every task has settled. */
  readonly activeKeys: number;
}

/**
 * Creates a keyed mutex: a function that serialises asynchronous tasks sharing a key, in the order they were
 * called, while tasks with different keys run side by side. A task that fails does not block the tasks queued after
 * it, and a key is forgotten as soon as its last task settles, so memory does not grow with the number of distinct
 * keys ever used.
 *
 * It coordinates one JavaScript realm only; to exclude other processes, combine it with a lock they can see (as
 * `createFileStorage` does with its lock files).
 *
 * @returns A new {@link KeyedMutex} with no queued tasks.
 * @example
 * ```ts
 * import { createKeyedMutex } from "@pelbiot/core";
 *
 * const runExclusive = createKeyedMutex();
 * let balance = 0;
 * const deposit = (amount: number) =>
 *   runExclusive("account:7", async () => {
 *     const read = balance;
 *     await Promise.resolve(); // without the mutex, the other deposit would read the same balance here
 *     balance = read + amount;
 *   });
 * await Promise.all([deposit(5), deposit(10)]);
 * console.log(balance); // 15
 * ```
 */
export function createKeyedMutex(): KeyedMutex {
  // The settlement of the last task queued under each key; the next task with that key waits for it.
  const tails = new Map<string, Promise<void>>();

  const runExclusive = async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    if (typeof key !== "string" || typeof task !== "function") {
      const check = createValidator("keyedMutex");
      check.string("key", key, { minLength: 0 });
      check.fn("task", task);
      check.done();
    }
    const previous = tails.get(key);
    let release = (): void => undefined;
    const tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    tails.set(key, tail);
    try {
      // Tails never reject: they settle when a task settles, whatever its outcome.
      if (previous !== undefined) await previous;
      return await task();
    } finally {
      // Only the last task queued under a key removes it; a later one has already replaced the tail.
      if (tails.get(key) === tail) tails.delete(key);
      release();
    }
  };

  return Object.defineProperty(runExclusive, "activeKeys", {
    get: () => tails.size,
    enumerable: true,
  }) as KeyedMutex;
}
