import { createHash, createPublicKey, verify } from "node:crypto";
import { captureValidationIssues, captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { decode } from "cbor2";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../src/testing/software-authenticator";

// Read back with an independent CBOR decoder and node:crypto, never with the library the authenticator encodes with.
const CREATION = {
  challenge: "Y2hhbGxlbmdlLWNyZWF0ZQ",
  rp: { id: "example.com", name: "Example" },
  user: { id: "dXNlci1oYW5kbGU", name: "ana", displayName: "Ana" },
  pubKeyCredParams: [{ type: "public-key" as const, alg: -7 }],
};
const REQUEST = { challenge: "Y2hhbGxlbmdlLWdldA", rpId: "example.com" };

interface AttestationObject {
  fmt: string;
  attStmt: Map<unknown, unknown> | Record<string, unknown>;
  authData: Uint8Array;
}

function readAuthenticatorData(bytes: Uint8Array) {
  const view = Buffer.from(bytes);
  return {
    rpIdHash: view.subarray(0, 32),
    flags: view[32] ?? 0,
    counter: view.readUInt32BE(33),
    rest: view.subarray(37),
  };
}

function sha256(data: string | Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}

describe("SoftwareAuthenticator", () => {
  it("creates a credential with none attestation and well-formed authenticator data", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: "https://example.com", backupEligible: true });
    const response = await authenticator.createCredential(CREATION);
    expect(response.type).toBe("public-key");
    expect(response.rawId).toBe(response.id);
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString("utf8"));
    expect(clientData).toEqual({
      type: "webauthn.create",
      challenge: CREATION.challenge,
      origin: "https://example.com",
      crossOrigin: false,
    });
    const attestation = decode(Buffer.from(response.response.attestationObject, "base64url")) as AttestationObject;
    expect(attestation.fmt).toBe("none");
    const authData = readAuthenticatorData(attestation.authData);
    expect(authData.rpIdHash.equals(sha256("example.com"))).toBe(true);
    // UP | UV | BE | AT
    expect(authData.flags).toBe(0x01 | 0x04 | 0x08 | 0x40);
    expect(authData.counter).toBe(0);
    expect(authData.rest.subarray(0, 16).equals(Buffer.alloc(16))).toBe(true);
    const idLength = authData.rest.readUInt16BE(16);
    const credentialId = authData.rest.subarray(18, 18 + idLength);
    expect(credentialId.toString("base64url")).toBe(response.id);
    const cose = decode(authData.rest.subarray(18 + idLength)) as Map<number, unknown>;
    expect([cose.get(1), cose.get(3), cose.get(-1)]).toEqual([2, -7, 1]);
    expect((cose.get(-2) as Uint8Array).length).toBe(32);
    expect((cose.get(-3) as Uint8Array).length).toBe(32);
  });

  it("signs assertions that node:crypto verifies with the COSE public key, with a growing counter", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: "https://example.com" });
    const created = await authenticator.createCredential(CREATION);
    const attestation = decode(Buffer.from(created.response.attestationObject, "base64url")) as AttestationObject;
    const rest = readAuthenticatorData(attestation.authData).rest;
    const cose = decode(rest.subarray(18 + rest.readUInt16BE(16))) as Map<number, Uint8Array>;
    const publicKey = createPublicKey({
      format: "jwk",
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(cose.get(-2) as Uint8Array).toString("base64url"),
        y: Buffer.from(cose.get(-3) as Uint8Array).toString("base64url"),
      },
    });
    for (const expectedCounter of [1, 2]) {
      const assertion = await authenticator.getAssertion(REQUEST);
      expect(assertion.id).toBe(created.id);
      expect(assertion.response.userHandle).toBe(CREATION.user.id);
      const authData = Buffer.from(assertion.response.authenticatorData, "base64url");
      const parsed = readAuthenticatorData(authData);
      expect(parsed.flags).toBe(0x01 | 0x04);
      expect(parsed.counter).toBe(expectedCounter);
      const clientData = Buffer.from(assertion.response.clientDataJSON, "base64url");
      expect(JSON.parse(clientData.toString("utf8"))).toMatchObject({
        type: "webauthn.get",
        challenge: REQUEST.challenge,
      });
      const signed = Buffer.concat([authData, sha256(clientData)]);
      const signature = Buffer.from(assertion.response.signature, "base64url");
      expect(verify("sha256", signed, publicKey, signature)).toBe(true);
      signed[0] = (signed[0] ?? 0) ^ 1;
      expect(verify("sha256", signed, publicKey, signature)).toBe(false);
    }
  });

  it("applies overrides for negative tests, and BS sticks once set", async () => {
    const authenticator = new SoftwareAuthenticator({ backupEligible: true, countsSignatures: false });
    await authenticator.createCredential(CREATION);
    const falsified = await authenticator.getAssertion(REQUEST, {
      rpId: "evil.example",
      userVerified: false,
      backedUp: true,
      origin: "https://evil.example",
    });
    const parsed = readAuthenticatorData(Buffer.from(falsified.response.authenticatorData, "base64url"));
    expect(parsed.rpIdHash.equals(sha256("evil.example"))).toBe(true);
    expect(parsed.flags).toBe(0x01 | 0x08 | 0x10);
    expect(parsed.counter).toBe(0);
    const next = await authenticator.getAssertion(REQUEST);
    expect(readAuthenticatorData(Buffer.from(next.response.authenticatorData, "base64url")).flags).toBe(
      0x01 | 0x04 | 0x08 | 0x10,
    );
  });

  it("validates its options and arguments", async () => {
    expect(captureValidationIssues(() => new SoftwareAuthenticator({ backedUp: true, orign: "x" } as never))).toEqual([
      expect.stringMatching(/^options\.orign: .*did you mean "origin"/),
      expect.stringMatching(/^options\.backedUp: needs backupEligible: true/),
    ]);
    const authenticator = new SoftwareAuthenticator();
    expect(
      await captureValidationIssuesAsync(() => authenticator.createCredential({ ...CREATION, challenge: 5 } as never)),
    ).toEqual(["creationOptions.challenge: must be a string, got number 5"]);
    await expectPelbiotErrorAsync(authenticator.getAssertion(REQUEST), "NOT_FOUND");
    await expectPelbiotErrorAsync(authenticator.getAssertion(REQUEST, { counter: -1 } as never), "VALIDATION_ERROR");
  });
});
