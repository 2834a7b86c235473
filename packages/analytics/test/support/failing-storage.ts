import { createMemoryStorage, type StorageAdapter } from "@pelbiot/core";

/** Which operations of {@link failingStorage} fail right now. */
export interface StorageFailures {
  getItem: boolean;
  setItem: boolean;
  compareAndSet: boolean;
  removeItem: boolean;
}

/**
 * A memory storage whose operations fail while their flag is set: reads with "disk unplugged", writes and
 * compare-and-set with "disk full", deletions with "read-only". `setFailing(on)` switches every write at once.
 */
export function failingStorage(): {
  storage: StorageAdapter;
  fail: StorageFailures;
  setFailing(on: boolean): void;
} {
  const inner = createMemoryStorage();
  const fail: StorageFailures = { getItem: false, setItem: false, compareAndSet: false, removeItem: false };
  const refuse = (message: string) => Promise.reject(new Error(message));
  const storage: StorageAdapter = {
    ...inner,
    name: "failing",
    getItem: (key) => (fail.getItem ? refuse("disk unplugged") : inner.getItem(key)),
    setItem: (key, value) => (fail.setItem ? refuse("disk full") : inner.setItem(key, value)),
    compareAndSet: (key, expectedVersion, value) =>
      fail.compareAndSet ? refuse("disk full") : inner.compareAndSet(key, expectedVersion, value),
    removeItem: (key) => (fail.removeItem ? refuse("read-only") : inner.removeItem(key)),
  };
  const setFailing = (on: boolean): void => {
    fail.setItem = on;
    fail.compareAndSet = on;
    fail.removeItem = on;
  };
  return { storage, fail, setFailing };
}
