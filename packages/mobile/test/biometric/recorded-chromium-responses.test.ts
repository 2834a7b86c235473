import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createManualClock, createMemoryStorage, type StorageAdapter } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { BiometricAuthManager } from "../../src/biometric/biometric-auth-manager";

// Responses Chromium's virtual authenticator produced for a BiometricAuthManager (see the file's recordedWith); the
// challenges they answer are put back into storage in the manager's own layout, so they verify as on the day.
const recorded = JSON.parse(readFileSync(new URL("../fixtures/chromium-passkey.json", import.meta.url), "utf8"));
const NOW = Date.UTC(2026, 11, 1);
const PREFIX = "pelbiot:biometric:";

async function seededStorage(): Promise<StorageAdapter> {
  const storage = createMemoryStorage();
  const challenge = (ceremony: string, modality: string | null) =>
    JSON.stringify({ ceremony, userId: recorded.userId, modality, expiresAt: NOW + 60_000, consumed: false });
  await storage.setItem(
    `${PREFIX}challenge:${recorded.registrationOptions.challenge}`,
    challenge("registration", "fingerprint"),
  );
  await storage.setItem(
    `${PREFIX}challenge:${recorded.authenticationOptions.challenge}`,
    challenge("authentication", null),
  );
  const userKey = createHash("sha256").update(recorded.userId).digest("base64url");
  await storage.setItem(`${PREFIX}user:${userKey}`, JSON.stringify({ handle: recorded.registrationOptions.user.id }));
  return storage;
}

async function manager(origins: string[] = [recorded.origin]): Promise<BiometricAuthManager> {
  return new BiometricAuthManager({
    rpId: recorded.rpId,
    rpName: "PELBIOT test",
    origins,
    storage: await seededStorage(),
    clock: createManualClock(NOW),
  });
}

describe("recorded Chromium passkey responses", () => {
  it("register and verify, with Chromium's AAGUID, transports, backup flags and counter", async () => {
    const bio = await manager();
    const credential = await bio.registerBiometric(recorded.userId, "fingerprint", recorded.registrationResponse);
    expect(credential).toMatchObject({
      id: recorded.registrationResponse.id,
      aaguid: "01020304-0506-0708-0102-030405060708",
      transports: ["internal"],
      backupEligible: true,
      backedUp: true,
      deviceType: "multiDevice",
      userVerified: true,
    });
    const result = await bio.verifyBiometricDetailed(recorded.userId, "fingerprint", recorded.authenticationResponse);
    expect(result).toMatchObject({ verified: true, credential: { counter: 2, lastUsedAt: NOW } });
    expect(
      await bio.verifyBiometricDetailed(recorded.userId, "fingerprint", recorded.authenticationResponse),
    ).toMatchObject({ verified: false, reason: "challenge_replayed" });
  });

  it("refuse the same browser responses when the relying party lists another origin", async () => {
    const bio = await manager(["http://localhost:1"]);
    const error = await expectPelbiotErrorAsync(
      bio.registerBiometric(recorded.userId, "fingerprint", recorded.registrationResponse),
      "INTEGRITY_ERROR",
    );
    expect(error.details?.reason).toBe("origin_mismatch");
  });

  it("refuse a login for a user who never registered the credential", async () => {
    const bio = await manager();
    expect(
      await bio.verifyBiometricDetailed(recorded.userId, "fingerprint", recorded.authenticationResponse),
    ).toMatchObject({ verified: false, reason: "unknown_credential" });
  });
});
