import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CredentialEncryptionAlgorithm } from "../../src/credentials/api-credentials-manager";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { createHarness, flipBit, KEY_V1, KEY_V2, type RawRecord, readRaw, writeRaw } from "./helpers";

const ALGORITHMS: CredentialEncryptionAlgorithm[] = ["aes-256-gcm", "aes-256-cbc"];

// Any code point but lone surrogates, built directly: fast-check's "binary" unit takes seconds to initialise.
const codePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0x10ffff }),
  )
  .map((value) => String.fromCodePoint(value));

describe.each(ALGORITHMS)("credential envelopes with %s", (encryptionAlgorithm) => {
  it("round-trips any key and secret (property)", async () => {
    const { creds } = createHarness({ encryptionAlgorithm });
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 300, unit: codePoint }),
        fc.string({ minLength: 1, maxLength: 300, unit: codePoint }),
        fc.string({ minLength: 1, maxLength: 40 }),
        async (apiKey, apiSecret, userId) => {
          counter += 1;
          const user = `${userId}#${counter}`;
          await creds.storeCredentials("stripe", apiKey, apiSecret, user);
          expect((await creds.getCredentials("stripe", user)).reveal()).toEqual({ apiKey, apiSecret });
        },
      ),
      { seed: 20260101, numRuns: 60 },
    );
  });

  it.each(["iv", "ciphertext", "tag"] as const)(
    "fails with INTEGRITY_ERROR when any bit of the %s flips (property)",
    async (field) => {
      const { creds, storage } = createHarness({ encryptionAlgorithm });
      await creds.storeCredentials("stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "s".repeat(100), "user-1");
      const original = await readRaw(storage, "stripe", "user-1");
      const bits = Buffer.from(original.versions[0]![field], "base64").length * 8;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bits - 1 }), async (bit) => {
          const tampered = structuredClone(original);
          tampered.versions[0]![field] = flipBit(original.versions[0]![field], bit);
          await writeRaw(storage, "stripe", "user-1", tampered);
          await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
        }),
        { seed: 7, numRuns: 80 },
      );
      await writeRaw(storage, "stripe", "user-1", original);
      expect((await creds.getCredentials("stripe", "user-1")).reveal().apiSecret).toBe("s".repeat(100));
    },
  );

  it("fails with INTEGRITY_ERROR when a bit of the wrapped data key flips", async () => {
    const { creds, storage } = createHarness({ encryptionAlgorithm });
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    const original = await readRaw(storage, "stripe", "user-1");
    for (const bit of [0, 95, 96, 300, 479]) {
      const tampered = structuredClone(original);
      tampered.versions[0]!.wrappedKey.ciphertext = flipBit(original.versions[0]!.wrappedKey.ciphertext, bit);
      await writeRaw(storage, "stripe", "user-1", tampered);
      await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    }
  });

  it("fails with INTEGRITY_ERROR when a record is swapped between users or providers", async () => {
    const { creds, storage } = createHarness({ encryptionAlgorithm });
    await creds.storeCredentials("stripe", "sk_live_alice", "alice", "alice");
    await creds.storeCredentials("stripe", "sk_live_mallory", "mallory", "mallory");
    await creds.storeCredentials("twilio", "AC_alice", "alice-twilio", "alice");
    const alice = await readRaw(storage, "stripe", "alice");
    const aliceTwilio = await readRaw(storage, "twilio", "alice");

    // The whole record copied under another key.
    await writeRaw(storage, "stripe", "mallory", alice);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "mallory"), "INTEGRITY_ERROR");
    // The copy relabelled to look like Mallory's: the ciphertext and wrapped key are still bound to Alice.
    await writeRaw(storage, "stripe", "mallory", { ...alice, userId: "mallory" });
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "mallory"), "INTEGRITY_ERROR");
    // Alice's Twilio envelope placed in her Stripe record.
    const crossProvider: RawRecord = { ...alice, versions: aliceTwilio.versions };
    await writeRaw(storage, "stripe", "alice", crossProvider);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "alice"), "INTEGRITY_ERROR");
    // An envelope relabelled with another version number.
    await creds.rotateCredentials("twilio", "alice", { apiKey: "AC_alice2", apiSecret: "alice-twilio-2" });
    const rotated = await readRaw(storage, "twilio", "alice");
    rotated.versions[1] = { ...rotated.versions[0]!, version: 2, validUntil: null };
    await writeRaw(storage, "twilio", "alice", rotated);
    await expectPelbiotErrorAsync(creds.getCredentials("twilio", "alice"), "INTEGRITY_ERROR");

    const log = await creds.getAuditLog();
    expect(log.filter((entry) => entry.errorCode === "INTEGRITY_ERROR")).toHaveLength(4);
  });

  it("fails with INTEGRITY_ERROR on a wrong or unknown key version", async () => {
    const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v1" });
    const { creds, storage } = createHarness({ encryptionAlgorithm, keyProvider });
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    const original = await readRaw(storage, "stripe", "user-1");
    for (const keyVersion of ["v2", "v9"]) {
      const tampered = structuredClone(original);
      tampered.versions[0]!.wrappedKey.keyVersion = keyVersion;
      await writeRaw(storage, "stripe", "user-1", tampered);
      await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    }
  });

  it("fails with INTEGRITY_ERROR on a changed algorithm label or a malformed record", async () => {
    const { creds, storage } = createHarness({ encryptionAlgorithm });
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    const original = await readRaw(storage, "stripe", "user-1");
    const other = encryptionAlgorithm === "aes-256-gcm" ? "aes-256-cbc" : "aes-256-gcm";
    const variants: unknown[] = [
      { ...original, versions: [{ ...original.versions[0]!, algorithm: other }] },
      { ...original, formatVersion: 99 },
      { ...original, formatVersion: 1 },
      { ...original, versions: [] },
      { ...original, versions: [{ ...original.versions[0]!, iv: "not base64!" }] },
      { ...original, currentVersion: 3 },
      [1, 2, 3],
    ];
    for (const variant of variants) {
      await storage.setItem("credentials:stripe/user-1", JSON.stringify(variant));
      await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
    }
  });
});
