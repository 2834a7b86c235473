import { PelbiotError } from "@pelbiot/core";
import type { EnvelopeAlgorithm } from "../../internal/envelope-cipher";
import type { WrappedKey } from "../key-provider";

/** Content-encryption algorithms accepted by `APICredentialsManager`. */
export type CredentialEncryptionAlgorithm = EnvelopeAlgorithm;

/** The `format` marker of every stored credential record. */
export const RECORD_FORMAT = "pelbiot.credential";
/**
 * The record layout version this code writes and reads. Version 2 added `generation` and `mac` (the authenticated
 * version state); version 1 records carry neither and are refused.
 */
export const RECORD_FORMAT_VERSION = 2;

/** One encrypted version of a credential: a self-describing envelope. */
export interface StoredEnvelope {
  version: number;
  algorithm: CredentialEncryptionAlgorithm;
  wrappedKey: WrappedKey;
  iv: string;
  ciphertext: string;
  tag: string;
  createdAt: number;
  encryptedAt: number;
  validUntil: number | null;
}

/** What is persisted per (provider, user): every still-valid version, newest last. */
export interface StoredCredentialRecord {
  format: typeof RECORD_FORMAT;
  formatVersion: typeof RECORD_FORMAT_VERSION;
  provider: string;
  userId: string;
  currentVersion: number;
  versions: StoredEnvelope[];
  /** Bumped by every write; a rollback checkpoint outside the record remembers the highest one seen. */
  generation: number;
  /** HMAC-SHA-256 (base64) over every other field, under the integrity state key. */
  mac: string;
}

const ALGORITHMS: readonly string[] = ["aes-256-gcm", "aes-256-cbc"];

function malformed(what: string): PelbiotError {
  return new PelbiotError(
    "INTEGRITY_ERROR",
    `Stored credential record is malformed (${what}); it was altered or written by an incompatible version.`,
  );
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Checks the shape of a record read from storage and that it belongs to the (provider, user) it was read for, so a
 * record copied under another key is refused before any key is touched.
 */
export function checkRecord(value: unknown, provider: string, userId: string): StoredCredentialRecord {
  if (typeof value !== "object" || value === null) throw malformed("not an object");
  const record = value as Partial<StoredCredentialRecord>;
  if (record.format !== RECORD_FORMAT) throw malformed("unknown format");
  if ((record.formatVersion as number | undefined) === 1) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "Stored credential record has format version 1, written before records were authenticated; its version state " +
        "cannot be trusted. Store the credential again (deleteCredentials() then storeCredentials()).",
    );
  }
  if (record.formatVersion !== RECORD_FORMAT_VERSION) {
    throw malformed(`format version ${String(record.formatVersion)} is not ${RECORD_FORMAT_VERSION}`);
  }
  if (record.provider !== provider || record.userId !== userId) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "Stored credential record belongs to another provider or user; it was moved or altered.",
    );
  }
  if (!Number.isInteger(record.currentVersion) || !Array.isArray(record.versions) || record.versions.length === 0) {
    throw malformed("no versions");
  }
  if (!Number.isSafeInteger(record.generation) || (record.generation as number) < 1 || !isString(record.mac)) {
    throw malformed("no generation or authentication tag");
  }
  for (const envelope of record.versions as unknown[]) {
    const candidate = envelope as Partial<StoredEnvelope> | null;
    const wrapped = candidate?.wrappedKey as Partial<WrappedKey> | undefined;
    const ok =
      typeof candidate === "object" &&
      candidate !== null &&
      Number.isInteger(candidate.version) &&
      ALGORITHMS.includes(candidate.algorithm as string) &&
      isString(candidate.iv) &&
      isString(candidate.ciphertext) &&
      isString(candidate.tag) &&
      isTime(candidate.createdAt) &&
      isTime(candidate.encryptedAt) &&
      (candidate.validUntil === null || isTime(candidate.validUntil)) &&
      typeof wrapped === "object" &&
      wrapped !== null &&
      isString(wrapped.keyId) &&
      isString(wrapped.keyVersion) &&
      isString(wrapped.ciphertext);
    if (!ok) throw malformed("an envelope lacks a field");
  }
  if (!record.versions.some((envelope) => envelope.version === record.currentVersion)) {
    throw malformed("the current version is missing");
  }
  return record as StoredCredentialRecord;
}

/** The associated data that binds an envelope's ciphertext to its algorithm, provider, user and version. */
export function envelopeAssociatedData(
  algorithm: CredentialEncryptionAlgorithm,
  provider: string,
  userId: string,
  version: number,
): Buffer {
  return Buffer.from(JSON.stringify(["pelbiot.credential/v1", algorithm, provider, userId, version]));
}

/** The key-wrapping context of an envelope: the same binding, authenticated by the key provider. */
export function envelopeKeyContext(provider: string, userId: string, version: number): Record<string, string> {
  return { purpose: "pelbiot.credential", provider, userId, version: String(version) };
}
