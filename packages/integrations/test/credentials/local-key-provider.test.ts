import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createEnvKeyProvider } from "../../src/credentials/env-key-provider";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { KEY_V1, KEY_V2 } from "./helpers";

const CONTEXT = { provider: "stripe", userId: "user-1" };

describe("createLocalKeyProvider", () => {
  it("wraps under the current version and unwraps any version in the keyring", async () => {
    const dataKey = randomBytes(32);
    const old = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
    const rotated = createLocalKeyProvider({ keys: { v1: KEY_V1, v2: Buffer.from(KEY_V2, "base64") }, current: "v2" });
    const wrappedV1 = await old.wrapKey(dataKey, CONTEXT);
    expect(wrappedV1).toMatchObject({ keyId: "local", keyVersion: "v1" });
    expect(await rotated.getCurrentKeyVersion()).toBe("v2");
    expect(Buffer.from(await rotated.unwrapKey(wrappedV1, CONTEXT))).toEqual(dataKey);
    const wrappedV2 = await rotated.wrapKey(dataKey, CONTEXT);
    expect(wrappedV2.keyVersion).toBe("v2");
    await expect(old.unwrapKey(wrappedV2, CONTEXT)).rejects.toMatchObject({ code: "INTEGRITY_ERROR" });
  });

  it("authenticates the context, whatever order its fields were given in", async () => {
    const provider = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
    const wrapped = await provider.wrapKey(randomBytes(32), CONTEXT);
    await expect(provider.unwrapKey(wrapped, { userId: "user-1", provider: "stripe" })).resolves.toHaveLength(32);
    await expect(provider.unwrapKey(wrapped, { ...CONTEXT, userId: "user-2" })).rejects.toMatchObject({
      code: "INTEGRITY_ERROR",
    });
    await expect(provider.unwrapKey({ ...wrapped, keyId: "other" }, CONTEXT)).rejects.toMatchObject({
      code: "INTEGRITY_ERROR",
    });
    await expect(provider.unwrapKey({ ...wrapped, ciphertext: "AAAA" }, CONTEXT)).rejects.toMatchObject({
      code: "INTEGRITY_ERROR",
    });
  });

  it("reports every bad key without echoing key material", () => {
    const shortKey = randomBytes(16).toString("base64");
    const error = expectPelbiotError(
      () => createLocalKeyProvider({ keys: { v1: shortKey, "bad version!": KEY_V1, v3: "%%%" }, current: "v4" }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("options.keys.v1: must hold exactly 32 bytes, got 16");
    // A malformed version name is reported by position only: it may be a key pasted in the wrong place.
    expect(error.message).toContain("options.keys.1 (name): must be 1-64 letters");
    expect(error.message).not.toContain("bad version!");
    expect(error.message).toContain("options.keys.v3: must be canonical base64");
    expect(error.message).not.toContain(shortKey);
    expect(
      expectPelbiotError(() => createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v2" }), "VALIDATION_ERROR")
        .message,
    ).toContain("options.current: must name one of the versions");
    expectPelbiotError(() => createLocalKeyProvider({ keys: {}, current: "v1" }), "VALIDATION_ERROR");
  });

  it("keeps key material out of inspect and JSON", () => {
    const provider = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
    const hex = Buffer.from(KEY_V1, "base64").toString("hex").slice(0, 16);
    for (const text of [inspect(provider, { showHidden: true, depth: 10 }), JSON.stringify(provider)]) {
      expect(text).not.toContain(KEY_V1);
      expect(text).not.toContain(hex);
    }
  });
});

describe("createEnvKeyProvider", () => {
  it("reads version=key pairs, the last one current", async () => {
    const provider = createEnvKeyProvider({ env: { PELBIOT_CREDENTIAL_KEYS: ` v1=${KEY_V1} , v2=${KEY_V2} ` } });
    expect(await provider.getCurrentKeyVersion()).toBe("v2");
    const older = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
    const wrapped = await older.wrapKey(randomBytes(32), CONTEXT);
    await expect(provider.unwrapKey(wrapped, CONTEXT)).resolves.toHaveLength(32);
  });

  it("throws CONFIGURATION_ERROR for a missing or malformed variable, never showing the key", () => {
    expectPelbiotError(() => createEnvKeyProvider({ env: {} }), "CONFIGURATION_ERROR");
    expect(
      expectPelbiotError(
        () => createEnvKeyProvider({ variable: "MY_KEYS", env: { MY_KEYS: "  " } }),
        "CONFIGURATION_ERROR",
      ).message,
    ).toContain("MY_KEYS");
    const short = randomBytes(31).toString("base64");
    for (const text of [`v1=${short}`, `${KEY_V1}`, `v1=${KEY_V1},v1=${KEY_V2}`, "v1="]) {
      const error = expectPelbiotError(
        () => createEnvKeyProvider({ env: { PELBIOT_CREDENTIAL_KEYS: text } }),
        "CONFIGURATION_ERROR",
      );
      expect(error.message).not.toContain(short);
      expect(error.message).not.toContain(KEY_V1);
    }
  });
});

describe("createEphemeralKeyProvider", () => {
  it("round-trips within one provider and is unreadable by another", async () => {
    const first = createEphemeralKeyProvider();
    const dataKey = randomBytes(32);
    const wrapped = await first.wrapKey(dataKey, CONTEXT);
    expect(first.name).toBe("ephemeral");
    expect(Buffer.from(await first.unwrapKey(wrapped, CONTEXT))).toEqual(dataKey);
    await expect(createEphemeralKeyProvider().unwrapKey(wrapped, CONTEXT)).rejects.toMatchObject({
      code: "INTEGRITY_ERROR",
    });
  });
});
