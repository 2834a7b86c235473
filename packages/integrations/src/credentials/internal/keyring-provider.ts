import { createCipheriv, createDecipheriv } from "node:crypto";
import { PelbiotError, type Validator } from "@pelbiot/core";
import { decodeCanonicalBase64 } from "../../internal/canonical-base64";
import { takeRandomBytes } from "../../internal/random-pool";
import type { KeyContext, KeyProvider, WrappedKey } from "../key-provider";

/** Length of every key-encryption key, in bytes (AES-256). */
export const KEY_ENCRYPTION_KEY_BYTES = 32;

/** What a key version name may look like. */
export const KEY_VERSION_PATTERN = {
  regex: /^[A-Za-z0-9._-]{1,64}$/,
  description: "1-64 letters, digits, '.', '_' or '-'",
};

/** Fewest distinct byte values a key may hold; 32 random bytes have about 30, a repeated pattern far fewer. */
export const MIN_DISTINCT_KEY_BYTES = 16;

// The two ways a "key" is usually not random: a short pattern repeated (all zeros, "abab…") leaves few distinct byte
// values; a password or a hex/base64 string pasted as raw bytes is all printable ASCII. A random 32-byte key trips
// either rule with probability below 1e-13.
function lowEntropyReason(bytes: Buffer): string | undefined {
  if (new Set(bytes).size < MIN_DISTINCT_KEY_BYTES) {
    return `must be random: it holds fewer than ${MIN_DISTINCT_KEY_BYTES} distinct byte values (all zeros or a repeated pattern)`;
  }
  if (bytes.every((byte) => byte >= 0x20 && byte <= 0x7e)) {
    return "must be random bytes, not text: every byte is printable ASCII (a password or an encoded string?)";
  }
  return undefined;
}

/**
 * Decodes and checks one key: canonical base64 (or bytes), exactly 32 bytes, and not visibly low-entropy. Records an
 * issue (never the key material) when it is unusable.
 */
export function decodeKeyEncryptionKey(validator: Validator, path: string, value: unknown): Buffer | undefined {
  let bytes: Buffer | undefined;
  if (typeof value === "string") {
    bytes = decodeCanonicalBase64(value);
  } else if (value instanceof Uint8Array) {
    bytes = Buffer.from(value);
  }
  if (bytes === undefined) {
    validator.fail(
      path,
      "must be canonical base64 (standard alphabet, '=' padding, no whitespace) or a Uint8Array holding 32 random bytes",
    );
    return undefined;
  }
  if (bytes.length !== KEY_ENCRYPTION_KEY_BYTES) {
    validator.fail(path, `must hold exactly ${KEY_ENCRYPTION_KEY_BYTES} bytes, got ${bytes.length}`);
    return undefined;
  }
  const weakness = lowEntropyReason(bytes);
  if (weakness !== undefined) {
    bytes.fill(0);
    validator.fail(path, `${weakness}; generate one with \`openssl rand -base64 32\``);
    return undefined;
  }
  return bytes;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

// Sorted so the same context always authenticates the same way, whatever order the caller built it in.
function associatedData(keyId: string, keyVersion: string, context: KeyContext): Buffer {
  const entries = Object.keys(context)
    .sort()
    .map((name) => [name, context[name]]);
  return Buffer.from(JSON.stringify(["pelbiot.key-wrap/v1", keyId, keyVersion, entries]));
}

function unwrapFailure(message: string, keyVersion: string, cause?: unknown): PelbiotError {
  return new PelbiotError("INTEGRITY_ERROR", message, {
    details: { keyVersion },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A {@link KeyProvider} over key-encryption keys held in this process (already validated: 32 bytes each). Key
 * material stays in this closure, so neither `util.inspect` nor `JSON.stringify` of the provider can reveal it.
 */
export function createKeyringProvider(
  name: string,
  keyId: string,
  keys: ReadonlyMap<string, Buffer>,
  current: string,
): KeyProvider {
  const currentKey = keys.get(current);
  if (currentKey === undefined)
    throw new PelbiotError("INTERNAL_ERROR", "The current key version is not in the keyring.");

  return {
    specificationVersion: "v1",
    name,
    async getCurrentKeyVersion() {
      return current;
    },
    async wrapKey(dataKey, context) {
      const iv = takeRandomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(keyId, current, context));
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      const ciphertext = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
      return { keyId, keyVersion: current, ciphertext };
    },
    async unwrapKey(wrapped: WrappedKey, context) {
      const key = keys.get(wrapped.keyVersion);
      if (key === undefined || wrapped.keyId !== keyId) {
        throw unwrapFailure(
          `The data key was wrapped with key ${JSON.stringify(wrapped.keyId)} version ` +
            `${JSON.stringify(wrapped.keyVersion)}, which this ${name} keyring does not hold; add that version to the ` +
            "keyring (keep retired versions until rewrapAll() has moved every record) or check the record for tampering.",
          wrapped.keyVersion,
        );
      }
      const blob = typeof wrapped.ciphertext === "string" ? decodeCanonicalBase64(wrapped.ciphertext) : undefined;
      if (blob === undefined) {
        throw unwrapFailure("The wrapped data key is not canonical base64.", wrapped.keyVersion);
      }
      if (blob.length <= IV_BYTES + TAG_BYTES) {
        throw unwrapFailure("The wrapped data key is truncated.", wrapped.keyVersion);
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, blob.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(keyId, wrapped.keyVersion, context));
        decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
        return Buffer.concat([decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]);
      } catch (error) {
        throw unwrapFailure(
          `The wrapped data key failed authentication under key version ${JSON.stringify(wrapped.keyVersion)}: it was ` +
            "altered, copied from another credential, or wrapped with a different key.",
          wrapped.keyVersion,
          error,
        );
      }
    },
  };
}
