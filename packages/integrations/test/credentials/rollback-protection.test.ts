import { createMemoryStorage } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import type { CredentialRecordDamaged } from "../../src/credentials/api-credentials-manager";
import { createHarness, readRaw, snapshot, writeRaw } from "./helpers";

const HOUR = 60 * 60 * 1000;

describe("credential records: authenticated version state and anti-rollback", () => {
  it("fails with INTEGRITY_ERROR when the pre-rotation record is written back", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    const beforeRotation = await readRaw(storage, "stripe", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new-secret" });
    await writeRaw(storage, "stripe", "user-1", beforeRotation);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    await expectPelbiotErrorAsync(creds.rotateCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("getRotationStatus skips a rolled-back record, reports it and lists the others", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await creds.storeCredentials("stripe", "sk_live_two", "two-secret", "user-2");
    const beforeRotation = await readRaw(storage, "stripe", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new-secret" });
    await writeRaw(storage, "stripe", "user-1", beforeRotation);
    const seen: CredentialRecordDamaged[] = [];
    creds.on("record_damaged", (event) => seen.push(event));
    expect((await creds.getRotationStatus()).map((status) => status.userId)).toEqual(["user-2"]);
    expect(seen).toEqual([
      expect.objectContaining({
        provider: "stripe",
        userId: "user-1",
        quarantineKey: undefined,
        code: "INTEGRITY_ERROR",
      }),
    ]);
    // Left in place, so reading it still fails loudly.
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("fails with INTEGRITY_ERROR when a retired version is made readable again (validUntil: null)", async () => {
    const { creds, storage, clock } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new" }, { overlap: HOUR });
    await clock.advanceAsync(HOUR / 2);
    const record = await readRaw(storage, "stripe", "user-1");
    expect(record.versions.map((envelope) => envelope.version)).toEqual([1, 2]);
    record.versions[0]!.validUntil = null;
    await writeRaw(storage, "stripe", "user-1", record);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1", { version: 1 }), "INTEGRITY_ERROR");
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  type RawRecord = Awaited<ReturnType<typeof readRaw>>;
  const edits: Array<[string, (record: RawRecord) => void]> = [
    [
      "currentVersion",
      (record) => {
        record.currentVersion = 1;
      },
    ],
    [
      "createdAt",
      (record) => {
        record.versions[1]!.createdAt += 1;
      },
    ],
    [
      "encryptedAt",
      (record) => {
        record.versions[1]!.encryptedAt -= 1;
      },
    ],
    [
      "validUntil",
      (record) => {
        record.versions[0]!.validUntil = (record.versions[0]!.validUntil ?? 0) + HOUR;
      },
    ],
    [
      "generation",
      (record) => {
        record.generation += 5;
      },
    ],
    [
      "the version list (one dropped)",
      (record) => {
        record.versions.shift();
      },
    ],
  ];

  it.each(edits)("fails with INTEGRITY_ERROR when %s is edited", async (_field, edit) => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new" }, { overlap: HOUR });
    const record = await readRaw(storage, "stripe", "user-1");
    edit(record);
    await writeRaw(storage, "stripe", "user-1", record);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("fails with INTEGRITY_ERROR when a deleted credential is written back", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    const deleted = await readRaw(storage, "stripe", "user-1");
    await creds.deleteCredentials("stripe", "user-1");
    await writeRaw(storage, "stripe", "user-1", deleted);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    // Deleting it again clears it, and a new credential stores and reads normally after the tombstone.
    await creds.deleteCredentials("stripe", "user-1");
    await creds.storeCredentials("stripe", "sk_live_next", "next", "user-1");
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_next");
  });

  it("refuses a record from before re-encryption or rewrapping, too", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_old", "old-secret", "user-1");
    const original = await readRaw(storage, "stripe", "user-1");
    await creds.rotateCredentials("stripe", "user-1");
    await writeRaw(storage, "stripe", "user-1", original);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("detects a rollback of records and checkpoints together only when checkpoints are kept elsewhere", async () => {
    const checkpointStorage = createMemoryStorage();
    const separate = createHarness({ checkpointStorage });
    await separate.creds.storeCredentials("stripe", "sk_live_old", "old", "user-1");
    const wholeStorage = await snapshot(separate.storage);
    await separate.creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new" });
    for (const [key, value] of Object.entries(wholeStorage)) await separate.storage.setItem(key, value!);
    await expectPelbiotErrorAsync(separate.creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");

    // Documented limit: with checkpoints in the same storage, restoring all of it at once goes unnoticed.
    const shared = createHarness();
    await shared.creds.storeCredentials("stripe", "sk_live_old", "old", "user-1");
    const everything = await snapshot(shared.storage);
    await shared.creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new" });
    for (const key of await shared.storage.keys()) await shared.storage.removeItem(key);
    for (const [key, value] of Object.entries(everything)) await shared.storage.setItem(key, value!);
    expect((await shared.creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_old");
  });

  it("lets managers that start together on one storage agree on a single integrity key", async () => {
    const first = createHarness();
    const second = createHarness({ storage: first.storage });
    await Promise.all([
      first.creds.storeCredentials("stripe", "sk_live_a", "a", "user-a"),
      second.creds.storeCredentials("stripe", "sk_live_b", "b", "user-b"),
    ]);
    expect((await first.creds.getCredentials("stripe", "user-b")).reveal().apiKey).toBe("sk_live_b");
    expect((await second.creds.getCredentials("stripe", "user-a")).reveal().apiKey).toBe("sk_live_a");
  });

  it("repairs a checkpoint left behind by an interrupted write and keeps working across managers", async () => {
    const first = createHarness();
    await first.creds.storeCredentials("stripe", "sk_live_a", "a", "user-1");
    await first.creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_b", apiSecret: "b" });
    // As if the process died between the record write and the checkpoint write.
    await first.storage.removeItem("credentials-checkpoint:stripe/user-1");
    const second = createHarness({ storage: first.storage });
    expect((await second.creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_b");
    expect(await first.storage.getItem("credentials-checkpoint:stripe/user-1")).not.toBeNull();
  });

  it("fails with INTEGRITY_ERROR when a checkpoint is forged or the integrity key is replaced", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_a", "a", "user-1");
    const checkpoint = JSON.parse((await storage.getItem("credentials-checkpoint:stripe/user-1"))!);
    await storage.setItem(
      "credentials-checkpoint:stripe/user-1",
      JSON.stringify({ ...checkpoint, generation: checkpoint.generation - 1 }),
    );
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    await storage.setItem("credentials-checkpoint:stripe/user-1", JSON.stringify(checkpoint));
    await storage.removeItem("credentials-integrity:root-key");
    const fresh = createHarness({ storage });
    await expectPelbiotErrorAsync(fresh.creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });
});
