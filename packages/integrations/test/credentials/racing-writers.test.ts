import { createMemoryStorage, type StorageAdapter } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { KEY_V1, readRaw, writeRaw } from "./helpers";

/**
 * A storage through which a reader sees another process write between its read of a record and its rollback check:
 * the first read of `key` after `arm()` returns the stored value, then runs `between` before handing it back.
 */
function racingStorage(inner: StorageAdapter, key: string) {
  let pending: (() => Promise<unknown>) | undefined;
  const storage: StorageAdapter = {
    ...inner,
    async getItem(requested) {
      const value = await inner.getItem(requested);
      const between = requested === key ? pending : undefined;
      if (between !== undefined) {
        pending = undefined;
        await between();
      }
      return value;
    },
  };
  return { storage, arm: (between: () => Promise<unknown>) => (pending = between) };
}

function managers() {
  const shared = createMemoryStorage();
  const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
  const racing = racingStorage(shared, "credentials:stripe/user-1");
  const reader = new APICredentialsManager({ storage: racing.storage, keyProvider });
  const writer = new APICredentialsManager({ storage: shared, keyProvider });
  return { shared, reader, writer, arm: racing.arm };
}

describe("APICredentialsManager with a writer in another process", () => {
  // Regression: the reader used to take the checkpoint the writer had just moved for proof of a rollback.
  it("a read that races a rotation returns the new version instead of INTEGRITY_ERROR", async () => {
    const { reader, writer, arm } = managers();
    await writer.storeCredentials("stripe", "key-1", "secret-1", "user-1");
    arm(() => writer.rotateCredentials("stripe", "user-1", { apiKey: "key-2", apiSecret: "secret-2" }));
    const read = await reader.getCredentials("stripe", "user-1");
    expect(read.version).toBe(2);
    expect(read.reveal()).toEqual({ apiKey: "key-2", apiSecret: "secret-2" });
    expect(await reader.getRotationStatus()).toHaveLength(1);
  });

  it("a read that races a delete reports NOT_FOUND", async () => {
    const { reader, writer, arm } = managers();
    await writer.storeCredentials("stripe", "key-1", "secret-1", "user-1");
    arm(() => writer.deleteCredentials("stripe", "user-1"));
    await expectPelbiotErrorAsync(() => reader.getCredentials("stripe", "user-1"), "NOT_FOUND");
  });

  it("a record written back from an older copy is still refused, also when read again", async () => {
    const { shared, reader, writer } = managers();
    await writer.storeCredentials("stripe", "key-1", "secret-1", "user-1");
    const old = await readRaw(shared, "stripe", "user-1");
    await writer.rotateCredentials("stripe", "user-1", { apiKey: "key-2", apiSecret: "secret-2" });
    await writeRaw(shared, "stripe", "user-1", old);
    await expectPelbiotErrorAsync(() => reader.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    expect(await reader.getRotationStatus()).toEqual([]);
  });
});
