import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { PelbiotError } from "@pelbiot/core";
import { decodeCanonicalBase64 } from "./canonical-base64";
import { takeRandomBytes } from "./random-pool";

/** The content-encryption algorithms an envelope (a credential, a webhook secret) may use. */
export type EnvelopeAlgorithm = "aes-256-gcm" | "aes-256-cbc";

/** The encrypted parts of one sealed value, all base64. */
export interface SealedPayload {
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const CBC_IV_BYTES = 16;
const HMAC_TAG_BYTES = 32;
/** Size of every data key, for either algorithm (the CBC mode derives its two sub-keys from it). */
export const DATA_KEY_BYTES = 32;

// Domain-separation labels: a key derived for encryption can never be mistaken for the MAC key, and neither
// collides with any other use of the same data key.
const CBC_ENCRYPTION_INFO = Buffer.from("pelbiot.credentials aes-256-cbc encryption key");
const CBC_MAC_INFO = Buffer.from("pelbiot.credentials hmac-sha-256 authentication key");
const EMPTY_SALT = Buffer.alloc(0);

/** Creates a fresh random data key. */
export function generateDataKey(): Buffer {
  return takeRandomBytes(DATA_KEY_BYTES);
}

function integrityError(what: string, cause?: unknown): PelbiotError {
  return new PelbiotError(
    "INTEGRITY_ERROR",
    `${what}: the stored value was altered, moved to another owner, or sealed with another key.`,
    cause === undefined ? {} : { cause },
  );
}

// Only the canonical encoding is accepted: Node's decoder skips stray characters and ignores trailing bits, so
// otherwise several stored texts would open to the same value and an edit could go unnoticed.
function decodeBase64(value: unknown, field: string): Buffer {
  const bytes = typeof value === "string" ? decodeCanonicalBase64(value) : undefined;
  if (bytes === undefined) throw integrityError(`Sealed field ${field} is not canonical base64`);
  return bytes;
}

function deriveCbcKeys(dataKey: Uint8Array): { encryptionKey: Buffer; macKey: Buffer } {
  return {
    encryptionKey: Buffer.from(hkdfSync("sha256", dataKey, EMPTY_SALT, CBC_ENCRYPTION_INFO, 32)),
    macKey: Buffer.from(hkdfSync("sha256", dataKey, EMPTY_SALT, CBC_MAC_INFO, 32)),
  };
}

// The MAC covers the associated data (length-prefixed so it cannot bleed into the IV), the IV and the ciphertext.
function cbcMac(macKey: Buffer, associatedData: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(associatedData.length));
  return createHmac("sha256", macKey).update(length).update(associatedData).update(iv).update(ciphertext).digest();
}

/**
 * Encrypts `plaintext` under `dataKey`, binding it to `associatedData`.
 * GCM: random 96-bit IV, 128-bit tag. CBC: HKDF-derived encryption and MAC keys, random 128-bit IV, then
 * HMAC-SHA-256 over (associated data, IV, ciphertext) — encrypt-then-MAC.
 */
export function seal(
  algorithm: EnvelopeAlgorithm,
  dataKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Buffer,
): SealedPayload {
  if (algorithm === "aes-256-gcm") {
    const iv = takeRandomBytes(GCM_IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: GCM_TAG_BYTES });
    cipher.setAAD(associatedData);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      iv: iv.toString("base64"),
      ciphertext: ciphertext.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
    };
  }
  const { encryptionKey, macKey } = deriveCbcKeys(dataKey);
  const iv = takeRandomBytes(CBC_IV_BYTES);
  const cipher = createCipheriv("aes-256-cbc", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cbcMac(macKey, associatedData, iv, ciphertext);
  return { iv: iv.toString("base64"), ciphertext: ciphertext.toString("base64"), tag: tag.toString("base64") };
}

/**
 * Decrypts a payload sealed by {@link seal}. Every authentication failure becomes `INTEGRITY_ERROR`; for CBC the
 * MAC is checked in constant time before any decryption, so padding errors are never observable.
 */
export function open(
  algorithm: EnvelopeAlgorithm,
  dataKey: Uint8Array,
  sealed: SealedPayload,
  associatedData: Buffer,
): Buffer {
  const iv = decodeBase64(sealed.iv, "iv");
  const ciphertext = decodeBase64(sealed.ciphertext, "ciphertext");
  const tag = decodeBase64(sealed.tag, "tag");
  if (algorithm === "aes-256-gcm") {
    if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
      throw integrityError("Sealed IV or authentication tag has the wrong length");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", dataKey, iv, { authTagLength: GCM_TAG_BYTES });
      decipher.setAAD(associatedData);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch (error) {
      throw integrityError("Sealed value failed AES-256-GCM authentication", error);
    }
  }
  if (iv.length !== CBC_IV_BYTES || tag.length !== HMAC_TAG_BYTES) {
    throw integrityError("Sealed IV or authentication tag has the wrong length");
  }
  const { encryptionKey, macKey } = deriveCbcKeys(dataKey);
  if (!timingSafeEqual(cbcMac(macKey, associatedData, iv, ciphertext), tag)) {
    throw integrityError("Sealed value failed HMAC-SHA-256 authentication");
  }
  try {
    const decipher = createDecipheriv("aes-256-cbc", encryptionKey, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw integrityError("Sealed value could not be decrypted", error);
  }
}
