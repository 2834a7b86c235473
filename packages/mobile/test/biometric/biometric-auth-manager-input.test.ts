import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, PelbiotError } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import {
  captureValidationIssues,
  captureValidationIssuesAsync,
  expectPelbiotError,
  expectPelbiotErrorAsync,
} from "@pelbiot/core/testing";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { BiometricAuthManager } from "../../src/biometric/biometric-auth-manager";
import { SoftwareAuthenticator } from "../../src/testing/software-authenticator";

const ORIGIN = "https://example.com";
const RP = { rpId: "example.com", rpName: "Example", origins: [ORIGIN] };

let bio: BiometricAuthManager;
let device: SoftwareAuthenticator;

beforeEach(() => {
  bio = new BiometricAuthManager({ ...RP, clock: createManualClock(Date.UTC(2026, 0, 1)) });
  device = new SoftwareAuthenticator({ origin: ORIGIN });
});

describe("BiometricAuthManager constructor", () => {
  it("requires the relying party and names every problem", () => {
    expect(captureValidationIssues(() => new BiometricAuthManager(undefined as never))).toEqual([
      'options: is required: { rpId, rpName, origins }, e.g. { rpId: "example.com", rpName: "Example", origins: ["https://example.com"] }',
    ]);
    const issues = captureValidationIssues(
      () => new BiometricAuthManager({ rpId: "https://example.com/", rpName: "", origins: [] } as never),
    );
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^options\.rpId: must be a domain name/);
    expect(issues[1]).toMatch(/^options\.rpName:/);
    expect(issues[2]).toMatch(/^options\.origins:/);
  });

  it("rejects a misspelt option and suggests the right one", () => {
    const [issue] = captureValidationIssues(() => new BiometricAuthManager({ ...RP, challengeTtl: 1000 } as never));
    expect(issue).toMatch(/challengeTtl/);
    expect(issue).toMatch(/challengeTtlMs/);
  });

  it("accepts https origins, http on localhost and app origins; refuses plain http and paths", () => {
    const issues = captureValidationIssues(
      () =>
        new BiometricAuthManager({
          rpId: "example.com",
          rpName: "Example",
          origins: ["http://example.com", "https://example.com/login", "ftp://example.com", 42],
        } as never),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      "options.origins.0",
      "options.origins.1",
      "options.origins.2",
      "options.origins.3",
    ]);
    const local = new BiometricAuthManager({
      rpId: "localhost",
      rpName: "Dev",
      origins: ["http://localhost:3000", "android:apk-key-hash:2jmj7l5rSw0yVb_vlWAYkK_YBwk"],
    });
    expect(local).toBeInstanceOf(BiometricAuthManager);
  });

  it("refuses origins that are not on rpId with CONFIGURATION_ERROR", () => {
    const error = expectPelbiotError(
      () => new BiometricAuthManager({ rpId: "example.com", rpName: "Example", origins: ["https://example.org"] }),
      "CONFIGURATION_ERROR",
    );
    expect(error.message).toContain("https://example.org");
    // Subdomains of the rpId are fine.
    expect(
      () => new BiometricAuthManager({ rpId: "example.com", rpName: "E", origins: ["https://login.example.com"] }),
    ).not.toThrow();
  });
});

describe("BiometricAuthManager: raw biometric data is refused, with the reason", () => {
  const samples: Array<[string, unknown]> = [
    ["a byte buffer", new Uint8Array([1, 2, 3, 4])],
    ["a Node buffer", Buffer.from("fingerprint minutiae")],
    ["a base64 string", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"],
    ["an embedding", [0.12, -0.4, 0.98]],
    ["a template object", { template: "AAECAw==", quality: 87 }],
    ["a face embedding object", { faceEmbedding: [0.1, 0.2] }],
    ["an iris code", { irisCode: "ff00ff00" }],
  ];
  for (const [label, sample] of samples) {
    it(`refuses ${label} in registerBiometric and verifyBiometric`, async () => {
      const [issue] = await captureValidationIssuesAsync(() => bio.registerBiometric("user-1", "fingerprint", sample));
      expect(issue).toMatch(/^response: .*looks like raw biometric data/);
      expect(issue).toMatch(/never accepts or stores biometrics/);
      expect(issue).toMatch(/cannot be changed like a password/);
      const [again] = await captureValidationIssuesAsync(() => bio.verifyBiometric("user-1", "face", sample));
      expect(again).toMatch(/raw biometric data/);
    });
  }
});

describe("BiometricAuthManager: malformed arguments", () => {
  it("names each malformed field of a response", async () => {
    const issues = await captureValidationIssuesAsync(() =>
      bio.registerBiometric("user-1", "fingerprint", {
        id: "abc",
        rawId: "abd",
        type: "password",
        response: { clientDataJSON: "not base64!", attestationObject: 7 },
      }),
    );
    expect(issues).toEqual([
      "response.rawId: must equal response.id (both are the credential id in base64url)",
      'response.type: must be "public-key" (a WebAuthn PublicKeyCredential), got string "password"',
      "response.response.clientDataJSON: must be base64url text (A–Z, a–z, 0–9, '-' and '_')",
      "response.response.attestationObject: must be a string, got number 7",
    ]);
  });

  it("reports undecodable client data and authenticator data", async () => {
    const response = await device.createCredential(await bio.generateRegistrationOptions("user-1", "face"));
    const garbled = {
      ...response,
      response: { ...response.response, clientDataJSON: "bm90IGpzb24", attestationObject: "AAAA" },
    };
    const issues = await captureValidationIssuesAsync(() => bio.registerBiometric("user-1", "face", garbled));
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      "response.response.clientDataJSON",
      "response.response.attestationObject",
    ]);
  });

  it("checks user ids, modalities and labels", async () => {
    expect(await captureValidationIssuesAsync(() => bio.generateRegistrationOptions("", "thumb" as never))).toEqual([
      "userId: must be a non-empty string",
      'modality: must be one of "fingerprint", "face", "iris", got string "thumb"',
    ]);
    const [lone] = await captureValidationIssuesAsync(() => bio.listCredentials("user-\ud800"));
    expect(lone).toMatch(/well-formed/);
    const [unknownKey] = await captureValidationIssuesAsync(() =>
      bio.generateRegistrationOptions("user-1", "face", { username: "x" } as never),
    );
    expect(unknownKey).toMatch(/username.*userName/);
    const [label] = await captureValidationIssuesAsync(() => bio.renameCredential("user-1", "abc", "   "));
    expect(label).toMatch(/^label:/);
  });

  it("leaves the challenge usable when a call is rejected for malformed input", async () => {
    const response = await device.createCredential(await bio.generateRegistrationOptions("user-1", "face"));
    await expectPelbiotErrorAsync(bio.registerBiometric("user-1", "thumb" as never, response), "VALIDATION_ERROR");
    const credential = await bio.registerBiometric("user-1", "face", response);
    expect(credential.modality).toBe("face");
  });
});

// Generous limits: CI shares two cores between many test workers, and these run dozens of real signatures.
describe("BiometricAuthManager: invariants", { timeout: 30_000 }, () => {
  it("accepts exactly one of many concurrent uses of one login response", async () => {
    await bio.registerBiometric(
      "user-1",
      "iris",
      await device.createCredential(await bio.generateRegistrationOptions("user-1", "iris")),
    );
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    const results = await Promise.all(
      Array.from({ length: 8 }, () => bio.verifyBiometricDetailed("user-1", "iris", login)),
    );
    expect(results.filter((result) => result.verified)).toHaveLength(1);
    expect(
      new Set(results.filter((result) => !result.verified).map((result) => !result.verified && result.reason)),
    ).toEqual(new Set(["challenge_replayed"]));
  });

  it("never verifies a login whose signed bytes were altered anywhere", async () => {
    await bio.registerBiometric(
      "user-1",
      "fingerprint",
      await device.createCredential(await bio.generateRegistrationOptions("user-1", "fingerprint")),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("clientDataJSON", "authenticatorData", "signature"),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (field, position, mask) => {
          const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
          const bytes = Buffer.from(login.response[field], "base64url");
          const index = position % bytes.length;
          bytes[index] = (bytes[index] ?? 0) ^ mask;
          const altered = { ...login, response: { ...login.response, [field]: bytes.toString("base64url") } };
          const outcome = await bio
            .verifyBiometricDetailed("user-1", "fingerprint", altered)
            .catch((error: unknown) => {
              // A flipped byte may break the JSON or the authenticator data's structure: refused as malformed.
              expect(PelbiotError.is(error, "VALIDATION_ERROR")).toBe(true);
              return { verified: false };
            });
          expect(outcome.verified).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
  // Regression: the verifier beneath read r and s out of a loose parse, so a changed sequence tag or length still
  // verified (found by the property above, about once in ten runs).
  it("refuses an ES256 signature whose DER wrapper was changed, with r and s intact", async () => {
    await bio.registerBiometric(
      "user-1",
      "fingerprint",
      await device.createCredential(await bio.generateRegistrationOptions("user-1", "fingerprint")),
    );
    for (const [index, mask] of [
      [0, 0x80],
      [1, 0x01],
      [1, 0x63],
    ] as const) {
      const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
      const bytes = Buffer.from(login.response.signature, "base64url");
      bytes[index] = (bytes[index] ?? 0) ^ mask;
      const altered = { ...login, response: { ...login.response, signature: bytes.toString("base64url") } };
      const outcome = await bio.verifyBiometricDetailed("user-1", "fingerprint", altered);
      expect(outcome).toMatchObject({ verified: false, reason: "verification_failed" });
    }
    const login = await device.getAssertion(await bio.generateAuthenticationOptions("user-1"));
    expect((await bio.verifyBiometricDetailed("user-1", "fingerprint", login)).verified).toBe(true);
  });
});

describe("BiometricAuthManager on file storage shared by two managers", { timeout: 30_000 }, () => {
  it("consumes a challenge once even when both managers race with the same response", async () => {
    const directory = mkdtempSync(join(tmpdir(), "pelbiot-biometric-"));
    try {
      const managers = [0, 1].map(
        () => new BiometricAuthManager({ ...RP, storage: createFileStorage({ directory, fsync: false }) }),
      );
      const [first, second] = managers as [BiometricAuthManager, BiometricAuthManager];
      const creation = await first.generateRegistrationOptions("user-1", "face");
      await second.registerBiometric("user-1", "face", await device.createCredential(creation));
      // The files hold public keys and challenges only.
      const stored = readdirSync(directory).map((file) => readFileSync(join(directory, file), "utf8"));
      expect(stored.join("\n")).not.toMatch(/privateKey|"d":/);
      const login = await device.getAssertion(await second.generateAuthenticationOptions("user-1"));
      const results = await Promise.all([
        first.verifyBiometricDetailed("user-1", "face", login),
        second.verifyBiometricDetailed("user-1", "face", login),
        first.verifyBiometricDetailed("user-1", "face", login),
        second.verifyBiometricDetailed("user-1", "face", login),
      ]);
      expect(results.filter((result) => result.verified)).toHaveLength(1);
      expect((await first.listCredentials("user-1"))[0]?.counter).toBe(1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
