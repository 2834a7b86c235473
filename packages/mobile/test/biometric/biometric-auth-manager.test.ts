import { createManualClock, createMemoryStorage, type ManualClock, PelbiotError } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { BiometricAuthManager } from "../../src/biometric/biometric-auth-manager";
import type { BiometricRejectionReason } from "../../src/biometric/biometric-auth-manager-types";
import { SoftwareAuthenticator } from "../../src/testing/software-authenticator";

const ORIGIN = "https://app.example.com";
const RP = { rpId: "example.com", rpName: "Example", origins: [ORIGIN] };
const NOW = Date.UTC(2026, 11, 1);

let clock: ManualClock;
let bio: BiometricAuthManager;
let device: SoftwareAuthenticator;

beforeEach(() => {
  clock = createManualClock(NOW);
  bio = new BiometricAuthManager({ ...RP, clock, challengeTtlMs: 60_000 });
  device = new SoftwareAuthenticator({ origin: ORIGIN });
});

async function register(userId = "user-1", modality: "fingerprint" | "face" | "iris" = "fingerprint") {
  const creation = await bio.generateRegistrationOptions(userId, modality);
  return bio.registerBiometric(userId, modality, await device.createCredential(creation));
}

async function expectRegistrationRejected(action: Promise<unknown>, reason: BiometricRejectionReason) {
  const error = await expectPelbiotErrorAsync(action);
  expect(error.details?.reason, error.message).toBe(reason);
  return error;
}

describe("BiometricAuthManager: the guide's calls", () => {
  it("registers a passkey and verifies a login with it", async () => {
    const credential = await register();
    expect(credential).toMatchObject({
      userId: "user-1",
      modality: "fingerprint",
      counter: 0,
      userVerified: true,
      backupEligible: false,
      backedUp: false,
      deviceType: "singleDevice",
      aaguid: "00000000-0000-0000-0000-000000000000",
      transports: ["internal", "hybrid"],
      lastUsedAt: null,
      createdAt: NOW,
    });
    expect(credential.id).toBe(device.credentialIds[0]);
    clock.advance(1000);
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    expect(await bio.verifyBiometric("user-1", "fingerprint", login)).toBe(true);
    const [stored] = await bio.listCredentials("user-1");
    expect(stored).toMatchObject({ counter: 1, lastUsedAt: NOW + 1000 });
  });

  it("asks for a platform authenticator with user verification required, whatever the modality", async () => {
    for (const modality of ["fingerprint", "face", "iris"] as const) {
      const creation = await bio.generateRegistrationOptions("user-1", modality, { userName: "ana@example.com" });
      expect(creation.authenticatorSelection).toMatchObject({
        authenticatorAttachment: "platform",
        userVerification: "required",
      });
      expect(creation.rp).toEqual({ id: "example.com", name: "Example" });
      expect(creation.user.name).toBe("ana@example.com");
      // The user handle is random, never the app's user id, and stable for the user.
      expect(creation.user.id).not.toContain("user-1");
      expect(creation.attestation).toBe("none");
    }
    const first = await bio.generateRegistrationOptions("user-1", "face");
    const second = await bio.generateRegistrationOptions("user-1", "face");
    expect(second.user.id).toBe(first.user.id);
    expect(second.challenge).not.toBe(first.challenge);
    expect((await bio.generateAuthenticationOptions()).userVerification).toBe("required");
  });

  it("lists the user's credentials in allowCredentials and excludeCredentials", async () => {
    const credential = await register();
    const request = await bio.generateAuthenticationOptions("user-1");
    expect(request.allowCredentials?.map((entry) => entry.id)).toEqual([credential.id]);
    const creation = await bio.generateRegistrationOptions("user-1", "face");
    expect(creation.excludeCredentials?.map((entry) => entry.id)).toEqual([credential.id]);
  });

  it("logs in usernameless: a challenge without a user is answered by the user's discoverable credential", async () => {
    await register();
    const login = await device.getAssertion(await bio.generateAuthenticationOptions());
    expect(await bio.verifyBiometric("user-1", "fingerprint", login)).toBe(true);
  });

  it("emits events for registration, login, refusal and revocation", async () => {
    const seen: string[] = [];
    bio.on("credential_registered", (event) => seen.push(`registered ${event.modality}`));
    bio.on("biometric_verified", (event) => seen.push(`verified ${event.userId}`));
    bio.on("biometric_rejected", (event) => seen.push(`rejected ${event.reason}`));
    bio.on("credential_revoked", (event) => seen.push(`revoked ${event.userId}`));
    const credential = await register("user-1", "face");
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    await bio.verifyBiometric("user-1", "face", login);
    await bio.verifyBiometric("user-1", "face", login);
    await bio.revokeCredential("user-1", credential.id);
    expect(seen).toEqual(["registered face", "verified user-1", "rejected challenge_replayed", "revoked user-1"]);
  });
});

describe("BiometricAuthManager: every refusal has its own reason", () => {
  it("refuses a replayed registration", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const response = await device.createCredential(creation);
    await bio.registerBiometric("user-1", "fingerprint", response);
    const error = await expectRegistrationRejected(
      bio.registerBiometric("user-1", "fingerprint", response),
      "challenge_replayed",
    );
    expect(error.code).toBe("CONFLICT");
  });

  it("refuses a replayed login", async () => {
    await register();
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    expect(await bio.verifyBiometric("user-1", "fingerprint", login)).toBe(true);
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", login)).toMatchObject({
      verified: false,
      reason: "challenge_replayed",
      code: "CONFLICT",
    });
  });

  it("refuses an expired challenge, for registration and login", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const response = await device.createCredential(creation);
    clock.advance(60_000);
    const error = await expectRegistrationRejected(
      bio.registerBiometric("user-1", "fingerprint", response),
      "challenge_expired",
    );
    expect(error.code).toBe("TIMEOUT");
    await register();
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    clock.advance(59_999);
    expect(await bio.verifyBiometric("user-1", "fingerprint", login)).toBe(true);
    const late = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    clock.advance(60_000);
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", late)).toMatchObject({
      reason: "challenge_expired",
    });
  });

  it("refuses a challenge it never issued", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const forged = await device.createCredential(creation, { challenge: "bm90LWlzc3VlZC1oZXJl" });
    const error = await expectRegistrationRejected(
      bio.registerBiometric("user-1", "fingerprint", forged),
      "challenge_unknown",
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("refuses a challenge issued to another user or for another modality", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    await expectRegistrationRejected(
      bio.registerBiometric("user-2", "fingerprint", await device.createCredential(creation)),
      "challenge_mismatch",
    );
    const other = await bio.generateRegistrationOptions("user-1", "fingerprint");
    await expectRegistrationRejected(
      bio.registerBiometric("user-1", "iris", await device.createCredential(other)),
      "challenge_mismatch",
    );
  });

  it("refuses a response from another origin or a cross-origin frame", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const phished = await device.createCredential(creation, { origin: "https://examp1e.com" });
    await expectRegistrationRejected(bio.registerBiometric("user-1", "fingerprint", phished), "origin_mismatch");
    await register();
    const framed = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { crossOrigin: true });
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", framed)).toMatchObject({
      reason: "origin_mismatch",
      code: "INTEGRITY_ERROR",
    });
  });

  it("refuses a response signed for another relying party id", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const response = await device.createCredential(creation, { rpId: "evil.example" });
    await expectRegistrationRejected(bio.registerBiometric("user-1", "fingerprint", response), "rp_id_mismatch");
    await register();
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { rpId: "other.com" });
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", login)).toMatchObject({
      reason: "rp_id_mismatch",
    });
  });

  it("refuses a response whose clientDataJSON.type is the other ceremony's", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const response = await device.createCredential(creation, { type: "webauthn.get" });
    await expectRegistrationRejected(bio.registerBiometric("user-1", "fingerprint", response), "type_mismatch");
  });

  it("refuses a registration or login without user verification or presence", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const unverified = await device.createCredential(creation, { userVerified: false });
    await expectRegistrationRejected(
      bio.registerBiometric("user-1", "fingerprint", unverified),
      "user_verification_missing",
    );
    await register();
    const noUv = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { userVerified: false });
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", noUv)).toMatchObject({
      reason: "user_verification_missing",
    });
    const noUp = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { userPresent: false });
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", noUp)).toMatchObject({
      reason: "user_presence_missing",
    });
  });

  it("refuses a counter that does not grow, and leaves the stored counter as it was", async () => {
    await register();
    const first = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { counter: 7 });
    expect(await bio.verifyBiometric("user-1", "fingerprint", first)).toBe(true);
    const cloned = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { counter: 7 });
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", cloned)).toMatchObject({
      reason: "counter_regression",
    });
    const older = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { counter: 3 });
    expect(await bio.verifyBiometric("user-1", "fingerprint", older)).toBe(false);
    expect((await bio.listCredentials("user-1"))[0]?.counter).toBe(7);
  });

  it("accepts a counter that stays 0, as passkeys that do not count send", async () => {
    device = new SoftwareAuthenticator({ origin: ORIGIN, countsSignatures: false });
    await register();
    for (let login = 0; login < 3; login += 1) {
      const response = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
      expect(await bio.verifyBiometric("user-1", "fingerprint", response)).toBe(true);
    }
  });

  it("refuses an unknown credential, another user's credential, and one registered for another modality", async () => {
    const stranger = new SoftwareAuthenticator({ origin: ORIGIN });
    await stranger.createCredential(await bio.generateRegistrationOptions("user-9", "fingerprint"));
    const unknown = await stranger.getAssertion(await bio.generateAuthenticationOptions());
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", unknown)).toMatchObject({
      reason: "unknown_credential",
      code: "NOT_FOUND",
    });
    await register("user-1", "face");
    const faceLogin = await device.getAssertion(await bio.generateAuthenticationOptions());
    expect(await bio.verifyBiometricDetailed("user-2", "face", faceLogin)).toMatchObject({
      reason: "unknown_credential",
    });
    const asIris = await device.getAssertion(await bio.generateAuthenticationOptions());
    expect(await bio.verifyBiometricDetailed("user-1", "iris", asIris)).toMatchObject({
      reason: "unknown_credential",
    });
  });

  it("refuses a tampered signature", async () => {
    await register();
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    const other = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    const tampered = { ...login, response: { ...login.response, signature: other.response.signature } };
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", tampered)).toMatchObject({
      reason: "verification_failed",
      code: "INTEGRITY_ERROR",
    });
  });

  it("refuses registering the same credential id twice, even for another user", async () => {
    const credential = await register();
    const creation = await bio.generateRegistrationOptions("user-2", "fingerprint");
    const copy = await new SoftwareAuthenticator({ origin: ORIGIN }).createCredential(creation, {
      credentialId: credential.id,
    });
    const error = await expectRegistrationRejected(
      bio.registerBiometric("user-2", "fingerprint", copy),
      "credential_already_registered",
    );
    expect(error.code).toBe("CONFLICT");
    expect(await bio.listCredentials("user-2")).toEqual([]);
    // Once revoked, the id is free again.
    await bio.revokeCredential("user-1", credential.id);
    const again = await bio.generateRegistrationOptions("user-2", "fingerprint");
    const reused = await new SoftwareAuthenticator({ origin: ORIGIN }).createCredential(again, {
      credentialId: credential.id,
    });
    expect((await bio.registerBiometric("user-2", "fingerprint", reused)).id).toBe(credential.id);
  });

  it("refuses a response whose id is not the attested credential id", async () => {
    const creation = await bio.generateRegistrationOptions("user-1", "fingerprint");
    const response = await device.createCredential(creation);
    const stitched = { ...response, id: "c3RpdGNoZWQtaWQ", rawId: "c3RpdGNoZWQtaWQ" };
    await expectRegistrationRejected(bio.registerBiometric("user-1", "fingerprint", stitched), "verification_failed");
    expect(await bio.listCredentials("user-1")).toEqual([]);
  });

  it("stops at maxCredentialsPerUser with LIMIT_EXCEEDED", async () => {
    bio = new BiometricAuthManager({ ...RP, clock, maxCredentialsPerUser: 1 });
    await register();
    const creation = await bio.generateRegistrationOptions("user-1", "face");
    const error = await expectRegistrationRejected(
      bio.registerBiometric("user-1", "face", await device.createCredential(creation)),
      "credential_limit",
    );
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ limit: 1, got: 2 });
  });
});

describe("BiometricAuthManager: backup flags", () => {
  it("updates backup state on each login instead of refusing it", async () => {
    device = new SoftwareAuthenticator({ origin: ORIGIN, backupEligible: true });
    const credential = await register();
    expect(credential).toMatchObject({ backupEligible: true, backedUp: false, deviceType: "multiDevice" });
    const synced = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { backedUp: true });
    const result = await bio.verifyBiometricDetailed("user-1", "fingerprint", synced);
    expect(result).toMatchObject({ verified: true, credential: { backedUp: true } });
    const unsynced = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"), { backedUp: false });
    expect(await bio.verifyBiometric("user-1", "fingerprint", unsynced)).toBe(true);
    expect((await bio.listCredentials("user-1"))[0]?.backedUp).toBe(false);
  });
});

describe("BiometricAuthManager: list, rename, revoke", () => {
  it("renames and revokes; a revoked credential can no longer log in", async () => {
    const credential = await register();
    const renamed = await bio.renameCredential("user-1", credential.id, "  Work phone ");
    expect(renamed.label).toBe("Work phone");
    expect((await bio.listCredentials("user-1")).map((entry) => entry.label)).toEqual(["Work phone"]);
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    await bio.revokeCredential("user-1", credential.id);
    expect(await bio.listCredentials("user-1")).toEqual([]);
    expect(await bio.verifyBiometricDetailed("user-1", "fingerprint", login)).toMatchObject({
      reason: "unknown_credential",
    });
    await expectPelbiotErrorAsync(bio.revokeCredential("user-1", credential.id), "NOT_FOUND");
    await expectPelbiotErrorAsync(bio.renameCredential("user-1", credential.id, "x"), "NOT_FOUND");
    await expectPelbiotErrorAsync(bio.renameCredential("user-2", "bm9uZQ", "x"), "NOT_FOUND");
  });

  it("keeps users apart: listing one user never shows another's credentials", async () => {
    await register("user-1");
    await register("user-2", "iris");
    expect((await bio.listCredentials("user-1")).map((entry) => entry.userId)).toEqual(["user-1"]);
    expect((await bio.listCredentials("user-2")).map((entry) => entry.modality)).toEqual(["iris"]);
  });

  it("prunes expired challenges, used or not", async () => {
    await register();
    await bio.generateAuthenticationOptions("user-1");
    expect(await bio.pruneExpiredChallenges()).toBe(0);
    clock.advance(60_000);
    expect(await bio.pruneExpiredChallenges()).toBe(2);
  });

  it("shares one storage between two managers: a challenge consumed by one is replayed for the other", async () => {
    const storage = createMemoryStorage();
    const first = new BiometricAuthManager({ ...RP, clock, storage });
    const second = new BiometricAuthManager({ ...RP, clock, storage });
    const creation = await first.generateRegistrationOptions("user-1", "face");
    const response = await device.createCredential(creation);
    await second.registerBiometric("user-1", "face", response);
    expect(await first.listCredentials("user-1")).toHaveLength(1);
    const error = await expectPelbiotErrorAsync(first.registerBiometric("user-1", "face", response), "CONFLICT");
    expect(PelbiotError.is(error)).toBe(true);
  });
});
