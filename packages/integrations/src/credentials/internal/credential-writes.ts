import { type Clock, PelbiotError } from "@pelbiot/core";
import type { KeyEnvelopeScheme } from "../../internal/key-envelope";
import type { CredentialRotationValues } from "../api-credentials-manager-types";
import { recordKey } from "./credential-arguments";
import { type DecodedSecrets, isReadable, openEnvelope, sealEnvelope } from "./credential-envelopes";
import {
  type CredentialEncryptionAlgorithm,
  RECORD_FORMAT,
  RECORD_FORMAT_VERSION,
  type StoredCredentialRecord,
  type StoredEnvelope,
} from "./credential-record";
import { type CredentialStore, credentialNotFound } from "./credential-store";
import type { RecordIntegrity } from "./record-integrity";
import { RollbackCheckpoints } from "./rollback-checkpoints";

/** What the writing operations of a manager work with. */
export interface WriteParts {
  readonly scheme: KeyEnvelopeScheme;
  readonly algorithm: CredentialEncryptionAlgorithm;
  readonly clock: Clock;
  readonly store: CredentialStore;
  readonly integrity: RecordIntegrity;
}

/** A record as written, with the envelope and secrets of the version the call returns. */
export interface WrittenVersion {
  readonly record: StoredCredentialRecord;
  readonly envelope: StoredEnvelope;
  readonly secrets: DecodedSecrets;
}

/**
 * Writes a new credential as version 1, above any tombstone of a deleted one.
 *
 * @throws {PelbiotError} CONFLICT when the credential exists.
 */
export async function createRecord(
  parts: WriteParts,
  provider: string,
  userId: string,
  secrets: DecodedSecrets,
): Promise<WrittenVersion> {
  const { integrity } = parts;
  const key = recordKey(provider, userId);
  const now = parts.clock.now();
  const envelope = await sealEnvelope(parts.scheme, parts.algorithm, { provider, userId, version: 1 }, secrets, {
    createdAt: now,
    encryptedAt: now,
  });
  // After a deletion the tombstone holds the last generation: the new record starts above it.
  const generation = ((await integrity.checkpoints.read(key))?.generation ?? 0) + 1;
  const record = integrity.seal({
    format: RECORD_FORMAT,
    formatVersion: RECORD_FORMAT_VERSION,
    provider,
    userId,
    currentVersion: 1,
    versions: [envelope],
    generation,
  });
  if (!(await parts.store.records.setIfAbsent(key, record))) {
    throw new PelbiotError(
      "CONFLICT",
      `User ${JSON.stringify(userId)} already has a ${provider} credential; call rotateCredentials() to replace ` +
        "it, or deleteCredentials() first.",
      { details: { provider, userId } },
    );
  }
  await integrity.checkpoints.advance(key, generation, false);
  return { record, envelope, secrets };
}

/**
 * Rotates a credential in one atomic write: with `next`, a new version (the current one stays readable for
 * `overlapMs`); without, the current version re-encrypted under a fresh data key. Retired versions are pruned.
 *
 * @throws {PelbiotError} NOT_FOUND when absent; INTEGRITY_ERROR when edited, rolled back or not decryptable.
 */
export async function rotateRecord(
  parts: WriteParts,
  provider: string,
  userId: string,
  next: CredentialRotationValues | undefined,
  overlapMs: number,
): Promise<WrittenVersion> {
  const { integrity, scheme, algorithm } = parts;
  const key = recordKey(provider, userId);
  const checkpoint = await integrity.checkpoints.read(key);
  let result: { envelope: StoredEnvelope; secrets: DecodedSecrets } | undefined;
  const written = await parts.store.records.update(key, async (stored) => {
    if (stored === undefined) throw credentialNotFound(provider, userId);
    const record = integrity.verify(stored, provider, userId);
    RollbackCheckpoints.assertCurrent(checkpoint, record.generation);
    const now = parts.clock.now();
    const current = record.versions.find((envelope) => envelope.version === record.currentVersion)!;
    if (next === undefined) {
      const secrets = await openEnvelope(scheme, provider, userId, current);
      const target = { provider, userId, version: current.version };
      const envelope = await sealEnvelope(scheme, algorithm, target, secrets, {
        createdAt: current.createdAt,
        encryptedAt: now,
      });
      result = { envelope, secrets };
      const versions = record.versions.map((candidate) => (candidate === current ? envelope : candidate));
      return integrity.reseal(record, { versions: versions.filter((item) => isReadable(item, now)) });
    }
    const version = Math.max(...record.versions.map((envelope) => envelope.version)) + 1;
    const secrets = { apiKey: next.apiKey, apiSecret: next.apiSecret };
    const times = { createdAt: now, encryptedAt: now };
    const envelope = await sealEnvelope(scheme, algorithm, { provider, userId, version }, secrets, times);
    result = { envelope, secrets };
    const retired = { ...current, validUntil: now + overlapMs };
    const versions = [...record.versions.map((item) => (item === current ? retired : item)), envelope];
    return integrity.reseal(record, {
      currentVersion: version,
      versions: versions.filter((item) => isReadable(item, now)),
    });
  });
  if (written !== undefined) await integrity.checkpoints.advance(key, written.generation, false);
  if (written === undefined || result === undefined) throw credentialNotFound(provider, userId);
  return { record: written, ...result };
}

/**
 * Deletes a credential, tombstone first, so a copy of the record written back later is refused.
 *
 * @param onFound - Called with the current version of the record found, for the audit entry.
 * @throws {PelbiotError} NOT_FOUND when absent.
 */
export async function deleteRecord(
  parts: Pick<WriteParts, "store" | "integrity">,
  provider: string,
  userId: string,
  onFound: (currentVersion: number | null) => void,
): Promise<void> {
  const key = recordKey(provider, userId);
  const stored = await parts.store.records.get(key);
  if (stored === undefined) throw credentialNotFound(provider, userId);
  onFound(typeof stored.currentVersion === "number" ? stored.currentVersion : null);
  // The tombstone goes first: if the deletion is interrupted, the record left behind is already refused.
  await parts.integrity.checkpoints.markDeleted(key, stored.generation);
  let found = false;
  await parts.store.records.update(key, (latest) => {
    found = latest !== undefined;
    return undefined;
  });
  if (!found) throw credentialNotFound(provider, userId);
}
