import { randomBytes } from "node:crypto";
import { expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createEnvKeyProvider } from "../../src/credentials/env-key-provider";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { createHarness, KEY_V1, readRaw, writeRaw } from "./helpers";

/** A random key whose base64 form contains `character`, so it can be rewritten into the URL-safe alphabet. */
function keyContaining(character: "+" | "/"): string {
  for (;;) {
    const key = randomBytes(32).toString("base64");
    if (key.includes(character)) return key;
  }
}

/** The same 32 bytes, with the two unused trailing bits of the last base64 digit set. */
function withTrailingBits(key: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const last = key.length - 2; // 44 characters: 43 digits and one "=".
  const digit = alphabet.indexOf(key[last]!);
  return `${key.slice(0, last)}${alphabet[digit | 0b11]!}=`;
}

const PATTERN = randomBytes(8);

describe("key material: entropy and canonical base64", () => {
  const weakKeys: Array<[string, string | Uint8Array]> = [
    ["all zeros (base64)", Buffer.alloc(32).toString("base64")],
    ["all zeros (bytes)", new Uint8Array(32)],
    ["one byte repeated", Buffer.alloc(32, 0xa7)],
    ["an 8-byte pattern repeated", Buffer.concat(Array.from({ length: 4 }, () => PATTERN))],
    ["a password as bytes", Buffer.from("correct horse battery staple!!!!").toString("base64")],
  ];

  it.each(weakKeys)("rejects a low-entropy key: %s", (_name, key) => {
    const error = expectPelbiotError(
      () => createLocalKeyProvider({ keys: { v1: key }, current: "v1" }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/options\.keys\.v1: must be random/);
    const text = typeof key === "string" ? key : Buffer.from(key).toString("base64");
    const envError = expectPelbiotError(
      () => createEnvKeyProvider({ env: { PELBIOT_CREDENTIAL_KEYS: `v1=${text}` } }),
      "CONFIGURATION_ERROR",
    );
    expect(envError.message).toMatch(/must be random/);
    expect(envError.message).not.toContain(text);
  });

  const urlSafe = keyContaining("+");
  const nonCanonical: Array<[string, string]> = [
    ["a line break inside", `${KEY_V1.slice(0, 20)}\n${KEY_V1.slice(20)}`],
    ["a space inside", `${KEY_V1.slice(0, 20)} ${KEY_V1.slice(20)}`],
    ["missing padding", KEY_V1.replace(/=+$/, "")],
    ["extra padding", `${KEY_V1}=`],
    ["the URL-safe alphabet", urlSafe.replaceAll("+", "-").replaceAll("/", "_")],
    ["non-zero trailing bits", withTrailingBits(KEY_V1)],
  ];

  it.each(nonCanonical)("rejects key text with %s, which decodes to the same bytes leniently", (_name, text) => {
    expect(Buffer.from(text, "base64").length).toBe(32);
    const error = expectPelbiotError(
      () => createLocalKeyProvider({ keys: { v1: text }, current: "v1" }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("options.keys.v1: must be canonical base64");
    expect(error.message).not.toContain(text);
  });

  it("still accepts canonical random keys, as text or bytes", async () => {
    const provider = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: randomBytes(32) }, current: "v2" });
    expect(await provider.getCurrentKeyVersion()).toBe("v2");
  });
});

describe("envelopes: canonical base64 only", () => {
  const edits: Array<[string, (text: string) => string]> = [
    ["a line break", (text) => `${text.slice(0, 8)}\n${text.slice(8)}`],
    ["a stray character", (text) => `${text.slice(0, 8)}*${text.slice(8)}`],
    ["set trailing bits", (text) => (text.endsWith("==") ? text : withTrailingBits(text))],
  ];

  it.each(edits)("fails with INTEGRITY_ERROR when the stored tag holds %s", async (_name, edit) => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_canonical", "secret", "user-1");
    const record = await readRaw(storage, "stripe", "user-1");
    // The GCM tag is 16 bytes: 22 digits and "==", so its last digit carries 4 unused bits.
    const tag = record.versions[0]!.tag;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const trailing = `${tag.slice(0, 21)}${alphabet[alphabet.indexOf(tag[21]!) | 0b1111]!}==`;
    const edited = _name === "set trailing bits" ? trailing : edit(tag);
    expect(edited).not.toBe(tag);
    expect(Buffer.from(edited, "base64").equals(Buffer.from(tag, "base64"))).toBe(true);
    record.versions[0]!.tag = edited;
    await writeRaw(storage, "stripe", "user-1", record);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });

  it("fails with INTEGRITY_ERROR when the wrapped data key is not canonical base64", async () => {
    const { creds, storage } = createHarness();
    await creds.storeCredentials("stripe", "sk_live_canonical", "secret", "user-1");
    const record = await readRaw(storage, "stripe", "user-1");
    const wrapped = record.versions[0]!.wrappedKey.ciphertext;
    record.versions[0]!.wrappedKey.ciphertext = `${wrapped.slice(0, 10)}\n${wrapped.slice(10)}`;
    await writeRaw(storage, "stripe", "user-1", record);
    await expectPelbiotErrorAsync(creds.getCredentials("stripe", "user-1"), "INTEGRITY_ERROR");
  });
});

describe("validation messages never echo a value that may be a secret", () => {
  const SECRET = "sk_live_51HzLEAKME";

  const calls: Array<[string, (creds: APICredentialsManager) => Promise<unknown>]> = [
    ["options.version", (creds) => creds.getCredentials("stripe", "user-1", { version: SECRET as never })],
    [
      "options.overlap",
      (creds) => creds.rotateCredentials("stripe", "user-1", undefined, { overlap: SECRET as never }),
    ],
    ["options itself", (creds) => creds.deleteCredentials("stripe", "user-1", SECRET as never)],
    ["next itself", (creds) => creds.rotateCredentials("stripe", "user-1", SECRET as never)],
    ["the filter", (creds) => creds.getRotationStatus(SECRET as never)],
    ["rewrapAll's onProgress", (creds) => creds.rewrapAll({ onProgress: SECRET as never })],
  ];

  it.each(calls)("describes a secret passed as %s by its length only", async (_name, call) => {
    const { creds } = createHarness();
    const error = await expectPelbiotErrorAsync(call(creds), "VALIDATION_ERROR");
    expect(error.message).not.toContain("LEAKME");
    expect(error.message).toContain(`string of length ${SECRET.length}`);
  });

  it("does not echo a secret passed as encryptionAlgorithm or as a key version name", () => {
    const algorithmError = expectPelbiotError(
      () =>
        new APICredentialsManager({
          encryptionAlgorithm: SECRET as never,
          keyProvider: createEphemeralKeyProvider(),
        }),
      "CONFIGURATION_ERROR",
    );
    expect(algorithmError.message).not.toContain("LEAKME");
    const keyNameError = expectPelbiotError(
      () => createLocalKeyProvider({ keys: { [`${SECRET}/x`]: KEY_V1, v1: KEY_V1 }, current: "v1" }),
      "VALIDATION_ERROR",
    );
    expect(keyNameError.message).not.toContain("LEAKME");
  });
});

describe("ids with a lone surrogate", () => {
  const LONE = ["\uD800", "user-\uDC00", "a\uD83D"];
  const calls: Array<[string, (creds: APICredentialsManager, id: string) => Promise<unknown>]> = [
    ["storeCredentials", (creds, id) => creds.storeCredentials("stripe", "k", "s", id)],
    ["getCredentials", (creds, id) => creds.getCredentials("stripe", id)],
    ["rotateCredentials", (creds, id) => creds.rotateCredentials("stripe", id)],
    ["deleteCredentials", (creds, id) => creds.deleteCredentials("stripe", id)],
    ["getRotationStatus", (creds, id) => creds.getRotationStatus({ userId: id })],
    ["getAuditLog", (creds, id) => creds.getAuditLog(id)],
    ["an actor", (creds, id) => creds.getCredentials("stripe", "user-1", { actor: id })],
  ];

  it.each(calls)("%s rejects it with VALIDATION_ERROR, not a URIError", async (_name, call) => {
    const { creds } = createHarness();
    for (const id of LONE) {
      const error = await expectPelbiotErrorAsync(call(creds, id), "VALIDATION_ERROR");
      expect(error.message).toContain("lone UTF-16 surrogate");
    }
  });

  it("key providers reject it in keyId with VALIDATION_ERROR", () => {
    const local = expectPelbiotError(
      () => createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1", keyId: "ring\uD800" }),
      "VALIDATION_ERROR",
    );
    expect(local.message).toContain("options.keyId: must be well-formed Unicode");
    expectPelbiotError(
      () => createEnvKeyProvider({ env: { PELBIOT_CREDENTIAL_KEYS: `v1=${KEY_V1}` }, keyId: "ring\uDC00" }),
      "VALIDATION_ERROR",
    );
  });

  it("still accepts a proper surrogate pair", async () => {
    const { creds } = createHarness();
    await creds.storeCredentials("stripe", "k", "s", "user-😀");
    expect((await creds.getCredentials("stripe", "user-😀")).reveal().apiKey).toBe("k");
  });
});
