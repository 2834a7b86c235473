import type { KeyContext, WrappedKey } from "./key-provider-types";

/**
 * A bounded, least-recently-used map from a wrapped data key (and the context it was wrapped under) to the
 * unwrapped data key, so reading a value again skips the key provider's unwrap (a local AES operation, or a round
 * trip to Vault or KMS).
 *
 * The trade-off: while cached, plaintext data keys sit in this process's memory, so a heap dump or a memory
 * disclosure reveals them. Each key opens only its own envelope; the key-encryption key is never cached. Evicted and
 * cleared keys are overwritten with zeros.
 */
export interface DataKeyCache {
  /** Files a copy of `dataKey`; the caller keeps ownership of (and wipes) its own buffer. */
  remember(wrapped: WrappedKey, context: KeyContext, dataKey: Uint8Array): void;
  /** The cached key, refreshed as most recently used, or `undefined`. The buffer is the cache's: never modify it. */
  recall(wrapped: WrappedKey, context: KeyContext): Buffer | undefined;
  /** Wipes and drops every cached key. */
  clear(): void;
  /** How many keys are cached. */
  readonly size: number;
}

// The context is part of the cache key: a wrapped key copied to another record must still go to the provider, which
// authenticates the context, instead of finding the key here.
function cacheKey(wrapped: WrappedKey, context: KeyContext): string {
  const names = Object.keys(context).sort();
  let key = `${wrapped.keyId}\u0000${wrapped.keyVersion}\u0000${wrapped.ciphertext}`;
  for (const name of names) key += `\u0000${name}\u0000${context[name]}`;
  return key;
}

/**
 * Creates a {@link DataKeyCache} holding at most `maxEntries` keys.
 *
 * @param maxEntries - The bound; the least recently used key is wiped and dropped beyond it.
 * @returns The cache.
 */
export function createDataKeyCache(maxEntries: number): DataKeyCache {
  // A Map iterates in insertion order, so re-inserting on use makes its first entry the least recently used.
  const entries = new Map<string, Buffer>();
  return {
    remember(wrapped, context, dataKey) {
      if (maxEntries <= 0) return;
      const key = cacheKey(wrapped, context);
      entries.get(key)?.fill(0);
      entries.delete(key);
      entries.set(key, Buffer.from(dataKey));
      while (entries.size > maxEntries) {
        const [oldest, value] = entries.entries().next().value as [string, Buffer];
        value.fill(0);
        entries.delete(oldest);
      }
    },
    recall(wrapped, context) {
      const key = cacheKey(wrapped, context);
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    clear() {
      for (const value of entries.values()) value.fill(0);
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
