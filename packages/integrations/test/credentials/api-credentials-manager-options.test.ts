import { createLogger, createMemoryStorage, type LogRecord } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it, vi } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { type AuditEntry, verifyAuditChain } from "../../src/credentials/verify-audit-chain";
import { createHarness, snapshot } from "./helpers";

const WEEK = 7 * 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

function withoutKeyVariable<T>(run: () => T, nodeEnv?: string): T {
  vi.stubEnv("PELBIOT_CREDENTIAL_KEYS", "");
  if (nodeEnv !== undefined) vi.stubEnv("NODE_ENV", nodeEnv);
  try {
    return run();
  } finally {
    vi.unstubAllEnvs();
  }
}

describe("APICredentialsManager constructor options", () => {
  it("rejects an unknown or misspelt option, listing the accepted ones", () => {
    const issues = captureValidationIssues(
      () => new APICredentialsManager({ keyProvider: createEphemeralKeyProvider(), rotationIntervall: WEEK } as never),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^options\.rotationIntervall: "rotationIntervall" is not a known option/);
    expect(issues[0]).toContain('did you mean "rotationInterval"');
    expect(issues[0]).toContain("rotationIntervalMs");
  });

  it("names the validator after the constructor", () => {
    const error = expectPelbiotError(() => new APICredentialsManager({ maxAuditLogSize: 0 }), "VALIDATION_ERROR");
    expect(error.message).toMatch(/^Invalid input to APICredentialsManager constructor: options\.maxAuditLogSize/);
  });

  it("accepts rotationIntervalMs, with the guide's rotationInterval as an alias", async () => {
    for (const options of [{ rotationIntervalMs: WEEK }, { rotationInterval: WEEK }]) {
      const { creds, clock } = createHarness(options);
      await creds.storeCredentials("stripe", "k", "s", "user-1");
      await clock.advanceAsync(WEEK);
      expect((await creds.getRotationStatus())[0]).toMatchObject({ due: true, dueAt: clock.now() });
    }
  });

  it("rejects a duration given under both names", () => {
    const issues = captureValidationIssues(
      () =>
        new APICredentialsManager({
          keyProvider: createEphemeralKeyProvider(),
          rotationInterval: WEEK,
          rotationIntervalMs: WEEK,
          rotationOverlap: HOUR,
          rotationOverlapMs: HOUR,
        }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^options\.rotationIntervalMs: .*not both.*rotationInterval/),
      expect.stringMatching(/^options\.rotationOverlapMs: .*not both.*rotationOverlap/),
    ]);
  });

  it("accepts rotationOverlapMs and a per-call overlapMs", async () => {
    const { creds, clock } = createHarness({ rotationOverlapMs: 2 * HOUR });
    await creds.storeCredentials("stripe", "k1", "s1", "user-1");
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "k2", apiSecret: "s2" });
    expect((await creds.getCredentials("stripe", "user-1", { version: 1 })).validUntil).toBe(clock.now() + 2 * HOUR);
    await creds.rotateCredentials("stripe", "user-1", { apiKey: "k3", apiSecret: "s3" }, { overlapMs: HOUR });
    expect((await creds.getCredentials("stripe", "user-1", { version: 2 })).validUntil).toBe(clock.now() + HOUR);
    await expect(
      creds.rotateCredentials("stripe", "user-1", { apiKey: "k4", apiSecret: "s4" }, { overlap: 1, overlapMs: 1 }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("rejects unknown per-call option keys", async () => {
    const { creds } = createHarness();
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    await expect(creds.getCredentials("stripe", "user-1", { versoin: 1 } as never)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringContaining('options.versoin: "versoin" is not a known option (did you mean "version"?)'),
    });
  });

  it("stores under keyPrefix so two managers share one adapter", async () => {
    const storage = createMemoryStorage();
    const tenantA = createHarness({ storage, keyPrefix: "tenant-a:" });
    const tenantB = createHarness({ storage, keyPrefix: "tenant-b:" });
    await tenantA.creds.storeCredentials("stripe", "sk_a", "secret-a", "user-1");
    await tenantB.creds.storeCredentials("stripe", "sk_b", "secret-b", "user-1");
    expect(Object.keys(await snapshot(storage)).sort()).toEqual([
      "tenant-a:credentials-checkpoint:stripe/user-1",
      "tenant-a:credentials-integrity:root-key",
      "tenant-a:credentials:stripe/user-1",
      "tenant-b:credentials-checkpoint:stripe/user-1",
      "tenant-b:credentials-integrity:root-key",
      "tenant-b:credentials:stripe/user-1",
    ]);
    expect((await tenantA.creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_a");
    expect((await tenantB.creds.getRotationStatus()).map((status) => status.userId)).toEqual(["user-1"]);
    const chain = tenantA.creds.exportAuditLog();
    const keyProvider = tenantA.keyProvider;
    expect(await verifyAuditChain(chain, { keyProvider, storage, keyPrefix: "tenant-a:" })).toMatchObject({
      valid: true,
    });
  });

  it("checks the ports the same way as every class", () => {
    const issues = captureValidationIssues(
      () =>
        new APICredentialsManager({
          keyProvider: createEphemeralKeyProvider(),
          clock: {} as never,
          logger: { info: () => undefined } as never,
          storage: {} as never,
          keyPrefix: 7 as never,
        }),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      "options.clock",
      "options.logger",
      "options.storage",
      "options.keyPrefix",
    ]);
  });
});

describe("APICredentialsManager environment option", () => {
  it("uses an ephemeral key in development, with a warning, when no key is configured", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "debug" });
    const creds = withoutKeyVariable(() => new APICredentialsManager({ environment: "development", logger }));
    await creds.storeCredentials("stripe", "sk_live_dev", "dev-secret", "user-1");
    expect((await creds.getCredentials("stripe", "user-1")).reveal().apiKey).toBe("sk_live_dev");
    expect(records.filter((record) => record.level === "warn")).toEqual([
      expect.objectContaining({ message: expect.stringContaining("ephemeral key") }),
    ]);
  });

  it("never falls back in production, or when NODE_ENV is production", () => {
    const production = withoutKeyVariable(() =>
      expectPelbiotError(() => new APICredentialsManager({ environment: "production" }), "CONFIGURATION_ERROR"),
    );
    expect(production.message).toContain("PELBIOT_CREDENTIAL_KEYS");
    withoutKeyVariable(
      () => expectPelbiotError(() => new APICredentialsManager({ environment: "development" }), "CONFIGURATION_ERROR"),
      "production",
    );
    withoutKeyVariable(() => expectPelbiotError(() => new APICredentialsManager(), "CONFIGURATION_ERROR"));
  });

  it("rejects an unknown environment", () => {
    expect(captureValidationIssues(() => new APICredentialsManager({ environment: "dev" as never }))).toEqual([
      expect.stringMatching(/^options\.environment: must be one of "development", "test", "production"/),
    ]);
  });
});

describe("APICredentialsManager audit_entry event", () => {
  it("emits every audit entry, and a throwing listener is logged, not fatal", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "debug" });
    const { creds } = createHarness({ logger });
    const seen: AuditEntry[] = [];
    creds.on("audit_entry", (entry) => seen.push(entry));
    creds.on("audit_entry", () => {
      throw new Error("sink down");
    });
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    await creds.getCredentials("stripe", "user-1");
    expect(seen.map((entry) => [entry.sequence, entry.action])).toEqual([
      [1, "store"],
      [2, "read"],
    ]);
    expect(records.filter((record) => record.level === "error")).toHaveLength(2);
  });
});
