import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { createHarness, flipBit, KEY_V1, KEY_V2, type RawRecord, readRaw, writeRaw } from "./helpers";

/** Rewrites a stored record the way releases before authenticated records wrote it: format 1, no generation, no MAC. */
async function downgradeToFormat1(harness: ReturnType<typeof createHarness>, userId: string): Promise<void> {
  const { storage } = harness;
  const { generation: _generation, mac: _mac, ...legacy } = await readRaw(storage, "stripe", userId);
  await writeRaw(storage, "stripe", userId, { ...legacy, formatVersion: 1 } as RawRecord);
  // Earlier releases wrote no rollback checkpoints either.
  await storage.removeItem(`credentials-checkpoint:stripe/${userId}`);
}

describe("records written by earlier releases (format 1)", () => {
  it("are refused by default, and rewrapAll reports them as failures", async () => {
    const harness = createHarness();
    await harness.creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await downgradeToFormat1(harness, "user-1");
    const error = await expectPelbiotErrorAsync(harness.creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    expect(error.message).toContain("adoptLegacyRecords");
    expect(await harness.creds.rewrapAll()).toMatchObject({ adopted: 0, failed: 1 });
  });

  it("are adopted by rewrapAll({ adoptLegacyRecords: true }) once every version decrypts", async () => {
    const harness = createHarness({ rotationOverlapMs: 60 * 60 * 1000 });
    await harness.creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await harness.creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new-secret" });
    await harness.creds.storeCredentials("stripe", "sk_live_two", "two-secret", "user-2");
    await downgradeToFormat1(harness, "user-1");

    const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v2" });
    const next = createHarness({ storage: harness.storage, keyProvider });
    const report = await next.creds.rewrapAll({ adoptLegacyRecords: true, actor: "migration" });
    expect(report).toMatchObject({ total: 2, adopted: 1, rewrapped: 2, failed: 0, failures: [] });

    const adopted = await readRaw(harness.storage, "stripe", "user-1");
    expect(adopted).toMatchObject({ formatVersion: 2, currentVersion: 2, generation: 1 });
    expect(adopted.versions.map((envelope) => envelope.wrappedKey.keyVersion)).toEqual(["v2", "v2"]);
    expect((await next.creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_new");
    expect((await next.creds.getCredentials("stripe", "user-1", { version: 1 })).reveal().apiKey).toBe("sk_live_old");
    expect(await next.creds.getAuditLog("user-1")).toContainEqual(
      expect.objectContaining({ action: "rewrap", result: "success", actor: "migration" }),
    );
    // Adopted records are protected from then on: the format-1 copy written back is refused.
    await writeRaw(harness.storage, "stripe", "user-1", adopted);
    await next.creds.rotateCredentials("stripe", "user-1");
    await writeRaw(harness.storage, "stripe", "user-1", adopted);
    await expectPelbiotErrorAsync(next.creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("never adopts a format-1 record whose envelope does not decrypt", async () => {
    const harness = createHarness();
    await harness.creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await downgradeToFormat1(harness, "user-1");
    const legacy = await readRaw(harness.storage, "stripe", "user-1");
    legacy.versions[0]!.ciphertext = flipBit(legacy.versions[0]!.ciphertext, 3);
    await writeRaw(harness.storage, "stripe", "user-1", legacy);

    const report = await harness.creds.rewrapAll({ adoptLegacyRecords: true });
    expect(report).toMatchObject({ adopted: 0, failed: 1 });
    expect(report.failures).toEqual([
      expect.objectContaining({ provider: "stripe", userId: "user-1", code: "INTEGRITY_ERROR" }),
    ]);
    expect(await readRaw(harness.storage, "stripe", "user-1")).toEqual(legacy);
  });
});
