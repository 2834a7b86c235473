import { createHmac, timingSafeEqual } from "node:crypto";
import { PelbiotError } from "@pelbiot/core";
import { decodeCanonicalBase64 } from "../../internal/canonical-base64";
import type { StoredCredentialRecord } from "./credential-record";

/** A record before its MAC is computed. */
export type UnsealedRecord = Omit<StoredCredentialRecord, "mac">;

const MAC_BYTES = 32;

// Every field, in a fixed order: the version state (current version, validity windows, timestamps, generation) and,
// for good measure, the envelopes themselves, so any edit of a stored record is detected before a key is touched.
function canonicalState(record: UnsealedRecord): string {
  return JSON.stringify([
    "pelbiot.credential-state/v1",
    record.format,
    record.formatVersion,
    record.provider,
    record.userId,
    record.generation,
    record.currentVersion,
    record.versions.map((envelope) => [
      envelope.version,
      envelope.algorithm,
      envelope.wrappedKey.keyId,
      envelope.wrappedKey.keyVersion,
      envelope.wrappedKey.ciphertext,
      envelope.iv,
      envelope.ciphertext,
      envelope.tag,
      envelope.createdAt,
      envelope.encryptedAt,
      envelope.validUntil,
    ]),
  ]);
}

function recordMac(stateKey: Buffer, record: UnsealedRecord): Buffer {
  return createHmac("sha256", stateKey).update(canonicalState(record)).digest();
}

/**
 * Adds the MAC of a record's full state under the integrity state key.
 *
 * @returns The record as stored.
 */
export function sealRecord(stateKey: Buffer, record: UnsealedRecord): StoredCredentialRecord {
  return { ...record, mac: recordMac(stateKey, record).toString("base64") };
}

/**
 * Checks a record's MAC in constant time.
 *
 * @throws {PelbiotError} INTEGRITY_ERROR when any field was edited, or the record was sealed under another key.
 */
export function verifyRecordSeal(stateKey: Buffer, record: StoredCredentialRecord): void {
  const { mac, ...unsealed } = record;
  const given = decodeCanonicalBase64(mac);
  const expected = recordMac(stateKey, unsealed);
  if (given === undefined || given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "Stored credential record failed authentication: its version state (current version, validity, timestamps) " +
        "or an envelope was edited, or it was written with another key provider.",
    );
  }
}
