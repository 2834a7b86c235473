import { inspect } from "node:util";
import { createMemoryStorage, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it, vi } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { createHarness, KEY_V1, KEY_V2, readRaw, snapshot } from "./helpers";

const WEEK = 7 * 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

describe("APICredentialsManager: the guide's contract", () => {
  it("runs as written with a key from the environment", async () => {
    vi.stubEnv("PELBIOT_CREDENTIAL_KEYS", `v1=${KEY_V1}`);
    try {
      const creds = new APICredentialsManager({
        encryptionAlgorithm: "aes-256-gcm",
        rotationInterval: 7 * 24 * 60 * 60 * 1000,
        maxAuditLogSize: 10000,
      });
      await creds.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1");
      const credential = await creds.getCredentials("stripe", "user-1");
      expect(credential.reveal()).toEqual({ apiKey: "sk_live_xxx", apiSecret: "secret" });
      expect(credential).toMatchObject({ provider: "stripe", userId: "user-1", version: 1, keyVersion: "v1" });
      await creds.rotateCredentials("stripe", "user-1");
      const auditLog = await creds.getAuditLog("user-1");
      expect(auditLog.map((entry) => [entry.action, entry.result])).toEqual([
        ["store", "success"],
        ["read", "success"],
        ["reencrypt", "success"],
      ]);
      expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_xxx");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses to start without a key instead of generating one", () => {
    vi.stubEnv("PELBIOT_CREDENTIAL_KEYS", "");
    try {
      expect(() => new APICredentialsManager()).toThrowError(
        expect.objectContaining({
          code: "CONFIGURATION_ERROR",
          message: expect.stringContaining("PELBIOT_CREDENTIAL_KEYS"),
        }),
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("accepts the guide's aes-256-cbc as authenticated CBC + HMAC and reads it back", async () => {
    const { creds, storage } = createHarness({ encryptionAlgorithm: "aes-256-cbc" });
    await creds.storeCredentials("stripe", "sk_live_cbc", "cbc-secret", "user-1");
    const raw = await readRaw(storage, "stripe", "user-1");
    expect(raw.versions[0]).toMatchObject({ algorithm: "aes-256-cbc" });
    expect(Buffer.from(raw.versions[0]!.tag, "base64")).toHaveLength(32);
    expect(Buffer.from(raw.versions[0]!.iv, "base64")).toHaveLength(16);
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiSecret).toBe("cbc-secret");
  });

  it("rejects any other algorithm with CONFIGURATION_ERROR", () => {
    for (const algorithm of ["aes-128-gcm", "aes-256-ecb", "des", "AES-256-GCM", ""]) {
      expect(
        () =>
          new APICredentialsManager({
            encryptionAlgorithm: algorithm as "aes-256-gcm",
            keyProvider: createEphemeralKeyProvider(),
          }),
      ).toThrowError(expect.objectContaining({ code: "CONFIGURATION_ERROR" }));
    }
  });

  it("reports every malformed option at once", () => {
    const issues = captureValidationIssues(
      () =>
        new APICredentialsManager({
          keyProvider: createEphemeralKeyProvider(),
          rotationInterval: -1,
          maxAuditLogSize: 0.5,
          rotationOverlap: Number.NaN,
        }),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      "options.rotationInterval",
      "options.rotationOverlap",
      "options.maxAuditLogSize",
    ]);
  });
});

describe("APICredentialsManager: failures of the ports", () => {
  it("lets only PelbiotErrors out of listings when the storage fails", async () => {
    const memory = createMemoryStorage();
    let failing = false;
    const storage: StorageAdapter = {
      ...memory,
      keys: async (prefix) => {
        if (failing) throw new Error("disk gone");
        return memory.keys(prefix);
      },
    };
    const { creds } = createHarness({ storage });
    await creds.storeCredentials("stripe", "sk_live_a", "secret-a", "user-1");
    failing = true;
    const status = await expectPelbiotErrorAsync(creds.getRotationStatus(), "PROVIDER_ERROR");
    expect(status.message).not.toContain("disk gone");
    await expectPelbiotErrorAsync(creds.rewrapAll(), "PROVIDER_ERROR");
  });
});

describe("APICredentialsManager: envelopes", () => {
  it("stores a self-describing envelope and never the plaintext", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "whsec_topsecretvalue", "user-1");
    const everything = JSON.stringify(await snapshot(storage));
    expect(everything).not.toContain("4eC39HqLyjWDarjtT1zdp7dc");
    expect(everything).not.toContain("topsecretvalue");
    const raw = await readRaw(storage, "stripe", "user-1");
    expect(raw).toMatchObject({ format: "pelbiot.credential", formatVersion: 2, currentVersion: 1, generation: 1 });
    const envelope = raw.versions[0]!;
    expect(envelope).toMatchObject({ version: 1, algorithm: "aes-256-gcm", validUntil: null });
    expect(envelope.wrappedKey).toMatchObject({ keyId: "local", keyVersion: "v1" });
    expect(Buffer.from(envelope.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(envelope.tag, "base64")).toHaveLength(16);
  });

  it("uses a fresh data key and IV for every credential, even with identical values", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "same-key", "same-secret", "user-1");
    await creds.storeCredentials("stripe", "same-key", "same-secret", "user-2");
    const first = (await readRaw(storage, "stripe", "user-1")).versions[0]!;
    const second = (await readRaw(storage, "stripe", "user-2")).versions[0]!;
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.wrappedKey.ciphertext).not.toBe(second.wrappedKey.ciphertext);
  });

  it("refuses to overwrite an existing credential with CONFLICT, leaving it intact and audited", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_first", "first", "user-1");
    const before = await snapshot(storage);
    await expect(creds.storeCredentials("stripe", "sk_live_second", "second", "user-1")).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await snapshot(storage)).toEqual(before);
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_first");
    const log = await creds.getAuditLog("user-1");
    expect(log[1]).toMatchObject({ action: "store", result: "failure", errorCode: "CONFLICT" });
  });

  it("persists through the storage adapter: a second manager with the same key reads the credential", async () => {
    const first = createHarness();
    await first.creds.storeCredentials("twilio", "AC123", "auth-token", "user 1/ü");
    const second = createHarness({ storage: first.storage });
    expect((await second.creds.getCredentials("twilio", "user 1/ü")).reveal()).toEqual({
      apiKey: "AC123",
      apiSecret: "auth-token",
    });
  });

  it("cannot read with a different key-encryption key", async () => {
    const first = createHarness();
    await first.creds.storeCredentials("stripe", "sk_live_a", "b", "user-1");
    const other = createHarness({ storage: first.storage, keyProvider: createEphemeralKeyProvider() });
    await expect(other.creds.getCredentials("stripe", "user-1")).rejects.toMatchObject({ code: "INTEGRITY_ERROR" });
  });

  it("deletes a credential and reports NOT_FOUND afterwards", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_a", "b", "user-1");
    await creds.deleteCredentials("stripe", "user-1", { actor: "admin" });
    // Only the integrity root key and the deletion's tombstone checkpoint remain.
    expect(Object.keys(await snapshot(storage)).sort()).toEqual([
      "credentials-checkpoint:stripe/user-1",
      "credentials-integrity:root-key",
    ]);
    await expect(creds.getCredentials("stripe", "user-1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(creds.deleteCredentials("stripe", "user-1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const log = await creds.getAuditLog("user-1");
    expect(log.map((entry) => `${entry.action}:${entry.result}:${entry.actor}`)).toEqual([
      "store:success:system",
      "delete:success:admin",
      "read:failure:system",
      "delete:failure:system",
    ]);
  });
});

describe("APICredentialsManager: bad input", () => {
  const badCalls: Array<[string, (creds: APICredentialsManager) => Promise<unknown>]> = [
    ["empty provider", (creds) => creds.storeCredentials("", "k", "s", "user-1")],
    ["provider with a slash", (creds) => creds.storeCredentials("str/ipe", "k", "s", "user-1")],
    ["empty apiKey", (creds) => creds.storeCredentials("stripe", "", "s", "user-1")],
    ["numeric apiSecret", (creds) => creds.storeCredentials("stripe", "k", 42 as unknown as string, "user-1")],
    ["empty userId", (creds) => creds.storeCredentials("stripe", "k", "s", "")],
    ["huge apiKey", (creds) => creds.storeCredentials("stripe", "k".repeat(70_000), "s", "user-1")],
    ["bad actor", (creds) => creds.storeCredentials("stripe", "k", "s", "user-1", { actor: "" })],
    ["rotation without apiSecret", (creds) => creds.rotateCredentials("stripe", "user-1", { apiKey: "x" } as never)],
    ["negative overlap", (creds) => creds.rotateCredentials("stripe", "user-1", undefined, { overlap: -5 })],
    ["version 0", (creds) => creds.getCredentials("stripe", "user-1", { version: 0 })],
    ["null options", (creds) => creds.deleteCredentials("stripe", "user-1", null as never)],
    ["bad progress callback", (creds) => creds.rewrapAll({ onProgress: "x" as never })],
  ];

  for (const [name, call] of badCalls) {
    it(`rejects ${name} with VALIDATION_ERROR and changes nothing`, async () => {
      const { creds, storage } = createHarness();
      await creds.storeCredentials("stripe", "sk_live_original", "original", "user-1");
      const before = await snapshot(storage);
      const auditBefore = await creds.getAuditLog();
      await expect(call(creds)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      expect(await snapshot(storage)).toEqual(before);
      expect(await creds.getAuditLog()).toEqual(auditBefore);
    });
  }

  it("never echoes a rejected secret in the error message", async () => {
    const { creds } = createHarness();
    const error = await creds
      .storeCredentials("bad provider!", "sk_live_LEAKME", "LEAKME-too", "user-1")
      .catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain("LEAKME");
    const rotation = await creds
      .rotateCredentials("stripe", "user-1", { apiKey: "sk_live_LEAKME", apiSecret: 7 as unknown as string })
      .catch((caught: unknown) => caught);
    expect(PelbiotError.is(rotation, "VALIDATION_ERROR")).toBe(true);
    expect(JSON.stringify(rotation)).not.toContain("LEAKME");
    expect(inspect(rotation)).not.toContain("LEAKME");
  });
});

describe("APICredentialsManager: rotation", () => {
  it("keeps the previous version readable for the overlap on the manual clock, then retires it", async () => {
    const { creds, clock } = createHarness({ rotationOverlap: 2 * HOUR });
    await creds.storeCredentials("stripe", "sk_live_old", "old", "user-1");
    const rotated = await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new" });
    expect(rotated).toMatchObject({ version: 2, current: true });

    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_new");
    const previous = await creds.getCredentials("stripe", "user-1", { version: 1 });
    expect(previous).toMatchObject({ current: false, validUntil: Date.UTC(2026, 0, 1) + 2 * HOUR });
    expect(previous.reveal().apiKey).toBe("sk_live_old");

    await clock.advanceAsync(2 * HOUR - 1);
    expect((await creds.getCredentials("stripe", "user-1", { version: 1 })).reveal().apiSecret).toBe("old");
    await clock.advanceAsync(1);
    await expect(creds.getCredentials("stripe", "user-1", { version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await creds.getRotationStatus())[0]?.previousVersions).toEqual([]);
  });

  it("prunes retired versions on the next write and honours a per-call overlap of 0", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "k1", "s1", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "k2", apiSecret: "s2" }, { overlap: 0 });
    await expect(creds.getCredentials("stripe", "user-1", { version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await readRaw(storage, "stripe", "user-1")).versions.map((envelope) => envelope.version)).toEqual([2]);
  });

  it("re-encrypts under a fresh data key without values, keeping version and values", async () => {
    const { creds, storage, clock } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_same", "same", "user-1");
    const before = (await readRaw(storage, "stripe", "user-1")).versions[0]!;
    await clock.advanceAsync(1000);
    const after = await creds.rotateCredentials("stripe", "user-1");
    const raw = (await readRaw(storage, "stripe", "user-1")).versions[0]!;
    expect(after).toMatchObject({ version: 1, createdAt: before.createdAt, encryptedAt: before.createdAt + 1000 });
    expect(raw.wrappedKey.ciphertext).not.toBe(before.wrappedKey.ciphertext);
    expect(raw.ciphertext).not.toBe(before.ciphertext);
    expect((await creds.getCredentials("stripe", "user-1")).reveal()).toEqual({
      apiKey: "sk_live_same",
      apiSecret: "same",
    });
  });

  it("re-encrypts under the key provider's current key version", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v2" });
    const next = createHarness({ storage, keyProvider });
    expect(await next.creds.rotateCredentials("stripe", "user-1")).toMatchObject({ keyVersion: "v2" });
    expect((await readRaw(storage, "stripe", "user-1")).versions[0]!.wrappedKey.keyVersion).toBe("v2");
  });

  it("reports credentials due for rotation by rotationInterval on the clock", async () => {
    const { creds, clock } = createHarness({ rotationInterval: WEEK });
    const start = clock.now();
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    await clock.advanceAsync(3 * 24 * HOUR);
    await creds.storeCredentials("twilio", "k", "s", "user-2");
    await clock.advanceAsync(4 * 24 * HOUR - 1);
    let status = await creds.getRotationStatus();
    expect(status.map((item) => [item.provider, item.due])).toEqual([
      ["stripe", false],
      ["twilio", false],
    ]);
    await clock.advanceAsync(1);
    status = await creds.getRotationStatus();
    expect(status[0]).toMatchObject({
      provider: "stripe",
      due: true,
      dueAt: start + WEEK,
      version: 1,
      keyVersion: "v1",
    });
    expect(status[1]).toMatchObject({ provider: "twilio", due: false });
    expect(await creds.getRotationStatus({ userId: "user-2" })).toHaveLength(1);

    await creds.rotateCredentials("stripe", "user-1", { apiKey: "k2", apiSecret: "s2" });
    expect((await creds.getRotationStatus({ provider: "stripe" }))[0]).toMatchObject({
      due: false,
      version: 2,
      previousVersions: [1],
    });
  });

  it("reports NOT_FOUND when rotating a missing credential, and audits it", async () => {
    const { creds } = createHarness();
    await expect(creds.rotateCredentials("stripe", "nobody")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await creds.getAuditLog("nobody")).toMatchObject([
      { action: "reencrypt", result: "failure", errorCode: "NOT_FOUND" },
    ]);
  });
});

describe("APICredentialsManager: key-encryption key rotation", () => {
  async function seed(count: number) {
    const harness = createHarness();
    for (let index = 0; index < count; index += 1) {
      await harness.creds.storeCredentials("stripe", `sk_live_${index}`, `secret-${index}`, `user-${index}`);
    }
    const keyProvider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v2" });
    return { ...harness, next: createHarness({ storage: harness.storage, keyProvider }) };
  }

  it("rewraps every record to the current version, reporting progress, and is idempotent", async () => {
    const { storage, next } = await seed(5);
    const ciphertextsBefore = await Promise.all(
      [0, 1, 2, 3, 4].map(async (index) => (await readRaw(storage, "stripe", `user-${index}`)).versions[0]!.ciphertext),
    );
    const progress: number[] = [];
    const report = await next.creds.rewrapAll({ onProgress: (step) => progress.push(step.processed) });
    expect(report).toMatchObject({
      keyVersion: "v2",
      total: 5,
      rewrapped: 5,
      alreadyCurrent: 0,
      failed: 0,
      failures: [],
    });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    for (const index of [0, 1, 2, 3, 4]) {
      const raw = await readRaw(storage, "stripe", `user-${index}`);
      expect(raw.versions[0]!.wrappedKey.keyVersion).toBe("v2");
      expect(raw.versions[0]!.ciphertext).toBe(ciphertextsBefore[index]);
    }
    // A keyring holding only v2 proves nothing still needs v1.
    const onlyV2 = createHarness({
      storage,
      keyProvider: createLocalKeyProvider({ keys: { v2: KEY_V2 }, current: "v2" }),
    });
    expect((await onlyV2.creds.getCredentials("stripe", "user-3")).reveal().apiKey).toBe("sk_live_3");
    expect(await next.creds.rewrapAll()).toMatchObject({ rewrapped: 0, alreadyCurrent: 5 });
  });

  it("resumes after a crash mid-run: a second run finishes the rest", async () => {
    const { next } = await seed(6);
    const crash = new Error("process killed");
    await expect(
      next.creds.rewrapAll({
        onProgress: (step) => {
          if (step.processed === 2) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const resumed = await next.creds.rewrapAll();
    expect(resumed).toMatchObject({ total: 6, alreadyCurrent: 2, rewrapped: 4, failed: 0 });
  });

  it("stops between records when aborted", async () => {
    const { next } = await seed(3);
    const controller = new AbortController();
    const run = next.creds.rewrapAll({
      signal: controller.signal,
      onProgress: (step) => {
        if (step.processed === 1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    expect(await next.creds.rewrapAll()).toMatchObject({ alreadyCurrent: 1, rewrapped: 2 });
  });

  it("reports per-record failures and moves the others", async () => {
    const { storage, next } = await seed(3);
    const raw = await readRaw(storage, "stripe", "user-1");
    raw.versions[0]!.wrappedKey.ciphertext = Buffer.alloc(60, 1).toString("base64");
    await storage.setItem("credentials:stripe/user-1", JSON.stringify(raw));
    const report = await next.creds.rewrapAll();
    expect(report).toMatchObject({ rewrapped: 2, failed: 1 });
    expect(report.failures).toEqual([
      expect.objectContaining({ provider: "stripe", userId: "user-1", code: "INTEGRITY_ERROR" }),
    ]);
    expect((await readRaw(storage, "stripe", "user-1")).versions[0]!.wrappedKey.keyVersion).toBe("v1");
    expect(await next.creds.getAuditLog("user-1")).toContainEqual(
      expect.objectContaining({ action: "rewrap", result: "failure", errorCode: "INTEGRITY_ERROR" }),
    );
  });

  it("reports a record that is JSON but not an object as a failure and moves the others", async () => {
    const { storage, next } = await seed(2);
    await storage.setItem("credentials:stripe/user-0", "null");
    const report = await next.creds.rewrapAll();
    expect(report).toMatchObject({ total: 2, rewrapped: 1, failed: 1, damaged: 0 });
    expect(report.failures).toEqual([
      expect.objectContaining({ provider: "stripe", userId: "user-0", code: "INTEGRITY_ERROR" }),
    ]);
  });

  it("uses the provider's rewrapKey capability when present", async () => {
    const { storage } = await seed(1);
    const base = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: KEY_V2 }, current: "v2" });
    const rewrapKey = vi.fn(async (wrapped: Parameters<typeof base.unwrapKey>[0], context: Record<string, string>) =>
      base.wrapKey(await base.unwrapKey(wrapped, context), context),
    );
    const withCapability = createHarness({ storage, keyProvider: { ...base, rewrapKey } });
    expect(await withCapability.creds.rewrapAll()).toMatchObject({ rewrapped: 1 });
    // Once for the root of the integrity keys, once for the credential.
    expect(rewrapKey).toHaveBeenCalledTimes(2);
    expect(rewrapKey.mock.calls[0]?.[1]).toEqual({ purpose: "pelbiot.credential-integrity-root" });
    expect(rewrapKey.mock.calls[1]?.[1]).toEqual({
      purpose: "pelbiot.credential",
      provider: "stripe",
      userId: "user-0",
      version: "1",
    });
  });
});
