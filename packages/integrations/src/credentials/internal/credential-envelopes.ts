import { PelbiotError } from "@pelbiot/core";
import { type KeyEnvelopeScheme, openKeyEnvelope, sealKeyEnvelope } from "../../internal/key-envelope";
import { Credential } from "../credential";
import type { KeyProvider, WrappedKey } from "../key-provider";
import { isSecretString } from "./credential-arguments";
import {
  type CredentialEncryptionAlgorithm,
  envelopeAssociatedData,
  envelopeKeyContext,
  type StoredCredentialRecord,
  type StoredEnvelope,
} from "./credential-record";

/** The plaintext of one envelope. */
export interface DecodedSecrets {
  apiKey: string;
  apiSecret: string;
}

/** Whether a version is still readable at `now` (the current one always is; a retired one until `validUntil`). */
export function isReadable(envelope: StoredEnvelope, now: number): boolean {
  return envelope.validUntil === null || now < envelope.validUntil;
}

/**
 * Encrypts one version's secrets under a fresh data key, bound to (algorithm, provider, user, version).
 *
 * @returns The envelope, current (`validUntil: null`).
 */
export async function sealEnvelope(
  scheme: KeyEnvelopeScheme,
  algorithm: CredentialEncryptionAlgorithm,
  target: { provider: string; userId: string; version: number },
  secrets: DecodedSecrets,
  times: { createdAt: number; encryptedAt: number },
): Promise<StoredEnvelope> {
  const { provider, userId, version } = target;
  const plaintext = Buffer.from(JSON.stringify([secrets.apiKey, secrets.apiSecret]));
  try {
    const sealed = await sealKeyEnvelope(
      scheme,
      algorithm,
      plaintext,
      envelopeAssociatedData(algorithm, provider, userId, version),
      envelopeKeyContext(provider, userId, version),
    );
    return { version, algorithm, ...sealed, ...times, validUntil: null };
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Decrypts one envelope of a (provider, user).
 *
 * @throws {PelbiotError} INTEGRITY_ERROR when it fails authentication or its plaintext has an unexpected layout.
 */
export async function openEnvelope(
  scheme: KeyEnvelopeScheme,
  provider: string,
  userId: string,
  envelope: StoredEnvelope,
): Promise<DecodedSecrets> {
  const plaintext = await openKeyEnvelope(
    scheme,
    envelope.algorithm,
    envelope,
    envelopeAssociatedData(envelope.algorithm, provider, userId, envelope.version),
    envelopeKeyContext(provider, userId, envelope.version),
  );
  let decoded: unknown;
  try {
    decoded = JSON.parse(plaintext.toString("utf8"));
  } catch {
    // No cause: a JSON syntax error quotes the text it choked on, which here is the plaintext.
    throw new PelbiotError("INTEGRITY_ERROR", "The decrypted credential is not in the expected format.");
  } finally {
    plaintext.fill(0);
  }
  if (!Array.isArray(decoded) || !isSecretString(decoded[0]) || !isSecretString(decoded[1])) {
    throw new PelbiotError("INTEGRITY_ERROR", "The decrypted credential has an unexpected layout.");
  }
  return { apiKey: decoded[0], apiSecret: decoded[1] };
}

/** Moves an envelope's data key to the key provider's current key version (its ciphertext is unchanged). */
export async function rewrapEnvelopeKey(
  keyProvider: KeyProvider,
  provider: string,
  userId: string,
  envelope: StoredEnvelope,
): Promise<WrappedKey> {
  const context = envelopeKeyContext(provider, userId, envelope.version);
  if (keyProvider.rewrapKey !== undefined) return keyProvider.rewrapKey(envelope.wrappedKey, context);
  const dataKey = await keyProvider.unwrapKey(envelope.wrappedKey, context);
  try {
    return await keyProvider.wrapKey(dataKey, context);
  } finally {
    dataKey.fill(0);
  }
}

/** The public, masked view of one version of a record. */
export function toCredential(
  record: StoredCredentialRecord,
  envelope: StoredEnvelope,
  secrets: DecodedSecrets,
): Credential {
  return new Credential(
    {
      provider: record.provider,
      userId: record.userId,
      version: envelope.version,
      current: envelope.version === record.currentVersion,
      algorithm: envelope.algorithm,
      keyId: envelope.wrappedKey.keyId,
      keyVersion: envelope.wrappedKey.keyVersion,
      createdAt: envelope.createdAt,
      encryptedAt: envelope.encryptedAt,
      validUntil: envelope.validUntil,
    },
    secrets,
  );
}
