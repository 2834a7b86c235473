import { describe, expectTypeOf, it } from "vitest";
import {
  APICredentialsManager,
  type APICredentialsManagerOptions,
  type CredentialRecordDamaged,
  type RewrapReport,
  type RotationStatus,
} from "../../src/credentials/api-credentials-manager";
import type { Credential, CredentialSecrets } from "../../src/credentials/credential";
import {
  type AuditChain,
  type AuditEntry,
  type AuditVerification,
  verifyAuditChain,
} from "../../src/credentials/verify-audit-chain";

describe("APICredentialsManager types", () => {
  it("types the guide's calls", () => {
    const creds = new APICredentialsManager({
      encryptionAlgorithm: "aes-256-gcm",
      rotationInterval: 1,
      maxAuditLogSize: 1,
    });
    expectTypeOf(
      creds.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1"),
    ).resolves.toEqualTypeOf<Credential>();
    expectTypeOf(creds.getCredentials("stripe", "user-1")).resolves.toEqualTypeOf<Credential>();
    expectTypeOf(creds.rotateCredentials("stripe", "user-1")).resolves.toEqualTypeOf<Credential>();
    expectTypeOf(creds.getAuditLog("user-1")).resolves.toEqualTypeOf<AuditEntry[]>();
    expectTypeOf(creds.getRotationStatus()).resolves.toEqualTypeOf<RotationStatus[]>();
  });

  it("verifies an exported chain only with its key provider and storage", () => {
    const creds = new APICredentialsManager();
    expectTypeOf(creds.exportAuditLog()).toEqualTypeOf<AuditChain>();
    expectTypeOf(verifyAuditChain).parameter(1).toHaveProperty("keyProvider");
    expectTypeOf(verifyAuditChain).returns.resolves.toEqualTypeOf<AuditVerification>();
    // @ts-expect-error: the chain is keyed, so the old one-argument call is refused
    void verifyAuditChain(creds.exportAuditLog());
  });

  it("accepts only the two supported algorithms", () => {
    expectTypeOf<"aes-256-cbc">().toMatchTypeOf<NonNullable<APICredentialsManagerOptions["encryptionAlgorithm"]>>();
    // @ts-expect-error: unauthenticated or weaker modes are not accepted
    new APICredentialsManager({ encryptionAlgorithm: "aes-128-ecb" });
  });

  it("exposes secrets only through reveal()", () => {
    expectTypeOf<Credential["reveal"]>().returns.toEqualTypeOf<CredentialSecrets>();
    expectTypeOf<Credential>().not.toHaveProperty("apiKey");
    expectTypeOf<Credential>().not.toHaveProperty("apiSecret");
  });

  it("types the events and the shaped options", () => {
    const creds = new APICredentialsManager({
      rotationIntervalMs: 1,
      rotationOverlapMs: 0,
      environment: "development",
    });
    creds.on("audit_entry", (entry) => expectTypeOf(entry).toEqualTypeOf<AuditEntry>());
    creds.on("record_damaged", (event) => expectTypeOf(event).toEqualTypeOf<CredentialRecordDamaged>());
    // @ts-expect-error: not an event of the manager
    creds.on("record_damagd", () => undefined);
    // @ts-expect-error: only the three environments
    new APICredentialsManager({ environment: "staging" });
    expectTypeOf(creds.rewrapAll({ adoptLegacyRecords: true })).resolves.toEqualTypeOf<RewrapReport>();
    expectTypeOf<RewrapReport["damaged"]>().toEqualTypeOf<number>();
  });
});
