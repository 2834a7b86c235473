import { randomBytes } from "node:crypto";
import { createMemoryStorage, PelbiotError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import type { KeyProvider } from "../../src/credentials/key-provider";
import { createDataKeyCache } from "../../src/internal/data-key-cache";
import { takeRandomBytes } from "../../src/internal/random-pool";
import { flipBit, readRaw, writeRaw } from "../credentials/helpers";

const wrapped = (ciphertext: string) => ({ keyId: "local", keyVersion: "v1", ciphertext });

function countingProvider(): { provider: KeyProvider; unwraps: () => number } {
  const inner = createEphemeralKeyProvider();
  let unwraps = 0;
  return {
    provider: {
      ...inner,
      async unwrapKey(key, context) {
        unwraps += 1;
        return inner.unwrapKey(key, context);
      },
    },
    unwraps: () => unwraps,
  };
}

describe("createDataKeyCache", () => {
  it("keeps copies, files them under the context too, and evicts the least recently used with zeros", () => {
    const cache = createDataKeyCache(2);
    const original = randomBytes(32);
    cache.remember(wrapped("a"), { user: "1" }, original);
    original.fill(7);
    const first = cache.recall(wrapped("a"), { user: "1" });
    expect(first?.equals(Buffer.alloc(32, 7))).toBe(false);
    expect(cache.recall(wrapped("a"), { user: "2" })).toBeUndefined();
    expect(cache.recall({ ...wrapped("a"), keyVersion: "v2" }, { user: "1" })).toBeUndefined();

    cache.remember(wrapped("b"), {}, randomBytes(32));
    cache.recall(wrapped("a"), { user: "1" }); // "a" is now the most recently used
    cache.remember(wrapped("c"), {}, randomBytes(32));
    expect(cache.size).toBe(2);
    expect(cache.recall(wrapped("b"), {})).toBeUndefined();
    expect(cache.recall(wrapped("a"), { user: "1" })).toBe(first);

    const third = cache.recall(wrapped("c"), {});
    cache.clear();
    expect(cache.size).toBe(0);
    expect(first?.every((byte) => byte === 0)).toBe(true);
    expect(third?.every((byte) => byte === 0)).toBe(true);
  });

  it("context key order does not matter", () => {
    const cache = createDataKeyCache(4);
    cache.remember(wrapped("a"), { provider: "stripe", userId: "u" }, randomBytes(32));
    expect(cache.recall(wrapped("a"), { userId: "u", provider: "stripe" })).toBeDefined();
  });
});

describe("takeRandomBytes", () => {
  it("never hands out the same bytes twice across pool refills", () => {
    const seen = new Set<string>();
    for (let index = 0; index < 1_000; index += 1) seen.add(takeRandomBytes(12).toString("hex"));
    expect(seen.size).toBe(1_000);
    expect(takeRandomBytes(5_000)).toHaveLength(5_000);
  });
});

describe("APICredentialsManager: dataKeyCacheSize", () => {
  it("is off by default: every read unwraps through the key provider", async () => {
    const { provider, unwraps } = countingProvider();
    const creds = new APICredentialsManager({ keyProvider: provider });
    await creds.storeCredentials("stripe", "sk_live_1", "secret", "user-1");
    await creds.getCredentials("stripe", "user-1");
    await creds.getCredentials("stripe", "user-1");
    expect(unwraps()).toBe(2);
    expect(creds.clearKeyCache()).toBe(0);
  });

  it("skips the unwrap for cached keys, and clearKeyCache() sends reads back to the provider", async () => {
    const { provider, unwraps } = countingProvider();
    const creds = new APICredentialsManager({ keyProvider: provider, dataKeyCacheSize: 10 });
    await creds.storeCredentials("stripe", "sk_live_1", "secret", "user-1");
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_1");
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiSecret).toBe("secret");
    expect(unwraps()).toBe(0);
    expect(creds.clearKeyCache()).toBe(1);
    await creds.getCredentials("stripe", "user-1");
    expect(unwraps()).toBe(1);
  });

  it("still detects tampering and moved records with a warm cache", async () => {
    const { provider } = countingProvider();
    const shared = createMemoryStorage();
    const cached = new APICredentialsManager({ keyProvider: provider, dataKeyCacheSize: 10, storage: shared });
    await cached.storeCredentials("stripe", "sk_live_1", "secret", "user-1");
    await cached.storeCredentials("stripe", "sk_live_2", "secret", "user-2");
    const record = await readRaw(shared, "stripe", "user-1");
    const envelope = record.versions[0]!;
    envelope.ciphertext = flipBit(envelope.ciphertext, 9);
    await writeRaw(shared, "stripe", "user-1", record);
    await expect(cached.getCredentials("stripe", "user-1")).rejects.toSatisfy((error: unknown) =>
      PelbiotError.is(error, "INTEGRITY_ERROR"),
    );

    // user-2's envelope, wrapped key included, copied under user-1: the cache is keyed by context, so it misses and
    // the provider refuses; the content would fail its associated data anyway.
    const other = await readRaw(shared, "stripe", "user-2");
    await writeRaw(shared, "stripe", "user-1", { ...other, userId: "user-1" });
    await expect(cached.getCredentials("stripe", "user-1")).rejects.toSatisfy((error: unknown) =>
      PelbiotError.is(error, "INTEGRITY_ERROR"),
    );
  });

  it("rejects a malformed size", () => {
    expect(
      () => new APICredentialsManager({ keyProvider: createEphemeralKeyProvider(), dataKeyCacheSize: -1 }),
    ).toThrow(/dataKeyCacheSize/);
  });
});
