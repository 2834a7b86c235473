import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listQuarantinedRecords, type StorageAdapter } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterEach, describe, expect, it } from "vitest";
import type { CredentialRecordDamaged } from "../../src/credentials/api-credentials-manager";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { createHarness, KEY_V1, KEY_V2 } from "../credentials/helpers";

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createStorage(): Promise<{ directory: string; storage: StorageAdapter }> {
  const directory = await mkdtemp(join(tmpdir(), "credentials-damaged-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const storage = createFileStorage({ directory, fsync: false });
  cleanups.push(async () => storage.dispose?.());
  return { directory, storage };
}

/** Overwrites the record file of `credentials:stripe/<userId>` (`:` and `/` are `%3a` and `%2f` in file names). */
async function damage(directory: string, userId: string, text: string): Promise<void> {
  const file = (await readdir(directory)).find((name) => name.endsWith(`%2f${userId}.json`));
  if (file === undefined) throw new Error(`no credential file for ${userId}`);
  await writeFile(join(directory, file), text);
}

describe("APICredentialsManager over a damaged record file", () => {
  it("reports the rotation status of the intact credentials", async () => {
    const { directory, storage } = await createStorage();
    const { creds } = createHarness({ storage });
    await creds.storeCredentials("stripe", "sk_live_a", "secret-a", "user-a");
    await creds.storeCredentials("stripe", "sk_live_b", "secret-b", "user-b");
    await damage(directory, "user-a", "");

    const seen: CredentialRecordDamaged[] = [];
    creds.on("record_damaged", (event) => seen.push(event));
    expect((await creds.getRotationStatus()).map((status) => status.userId)).toEqual(["user-b"]);
    expect((await listQuarantinedRecords(storage)).map((record) => record.storageKey)).toEqual([
      "credentials:stripe/user-a",
    ]);
    expect(seen).toEqual([
      expect.objectContaining({ provider: "stripe", userId: "user-a", quarantineKey: expect.any(String) }),
    ]);
    expect((await creds.getCredentials("stripe", "user-b")).reveal().apiKey).toBe("sk_live_b");
  });

  it("rewrapAll goes on past a damaged record, counts it and emits record_damaged", async () => {
    const { directory, storage } = await createStorage();
    const { creds } = createHarness({ storage });
    for (const userId of ["user-a", "user-b", "user-c"]) {
      await creds.storeCredentials("stripe", `sk_live_${userId}`, `secret-${userId}`, userId);
    }
    await damage(directory, "user-b", '{"format":"pelbiot.credential","versi');

    const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v2" });
    const next = createHarness({ storage, keyProvider });
    const seen: CredentialRecordDamaged[] = [];
    next.creds.on("record_damaged", (event) => seen.push(event));
    const report = await next.creds.rewrapAll();

    expect(report).toMatchObject({ keyVersion: "v2", total: 2, rewrapped: 2, failed: 0, damaged: 1 });
    const quarantined = await listQuarantinedRecords(storage);
    expect(quarantined.map((record) => record.storageKey)).toEqual(["credentials:stripe/user-b"]);
    expect(seen).toEqual([
      {
        provider: "stripe",
        userId: "user-b",
        key: "stripe/user-b",
        quarantineKey: quarantined[0]?.quarantineKey,
        code: "INTEGRITY_ERROR",
        message: expect.stringContaining("damaged"),
      },
    ]);
    // The others moved to v2: a keyring holding only v2 reads them.
    const onlyV2 = createHarness({
      storage,
      keyProvider: createLocalKeyProvider({ keys: { v2: KEY_V2 }, current: "v2" }),
    });
    for (const userId of ["user-a", "user-c"]) {
      expect((await onlyV2.creds.getCredentials("stripe", userId)).reveal().apiKey).toBe(`sk_live_${userId}`);
    }
    // Quarantined, so a second run finds nothing damaged and nothing left to move.
    expect(await next.creds.rewrapAll()).toMatchObject({ total: 2, alreadyCurrent: 2, damaged: 0 });
  });
});
