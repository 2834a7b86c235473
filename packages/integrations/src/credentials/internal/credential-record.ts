import { PelbiotError } from "@pelbiot/core";
import type { EnvelopeAlgorithm } from "../../internal/envelope-cipher";
import type { WrappedKey } from "../key-provider";

/** Content-encryption algorithms accepted by `APICredentialsManager`. */
export type CredentialEncryptionAlgorithm = EnvelopeAlgorithm;

/** The `format` marker of every stored credential record. */
export const RECORD_FORMAT = "pelbiot.credential";
/**
 * The record layout version this code writes and reads. Version 2 added `generation` and `mac` (the authenticated
 * version state); version 1 records carry neither and are refused unless adopted explicitly.
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

/** The format version of records written before records were authenticated. */
export const LEGACY_RECORD_FORMAT_VERSION = 1;

/** A record as releases before authenticated records wrote it: no generation, no MAC. */
export type LegacyCredentialRecord = Omit<StoredCredentialRecord, "formatVersion" | "generation" | "mac"> & {
  formatVersion: typeof LEGACY_RECORD_FORMAT_VERSION;
};

/** Whether a stored value claims to be a format-1 record (its shape is not checked). */
export function isLegacyRecord(value: unknown): boolean {
  const record = value as Partial<StoredCredentialRecord> | null;
  return (
    typeof record === "object" &&
    record !== null &&
    record.format === RECORD_FORMAT &&
    (record.formatVersion as number | undefined) === LEGACY_RECORD_FORMAT_VERSION
  );
}

/**
 * Checks the shape of a record read from storage and that it belongs to the (provider, user) it was read for, so a
 * record copied under another key is refused before any key is touched.
 */
export function checkRecord(value: unknown, provider: string, userId: string): StoredCredentialRecord {
  if (isLegacyRecord(value)) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "Stored credential record has format version 1, written before records were authenticated; its version state " +
        "cannot be trusted. Adopt such records with rewrapAll({ adoptLegacyRecords: true }) while you trust the " +
        "storage, or store the credential again (deleteCredentials() then storeCredentials()).",
    );
  }
  const record = checkCommonShape(value, provider, userId, RECORD_FORMAT_VERSION);
  if (!Number.isSafeInteger(record.generation) || (record.generation as number) < 1 || !isString(record.mac)) {
    throw malformed("no generation or authentication tag");
  }
  return record as StoredCredentialRecord;
}

/**
 * Checks the shape and owner of a format-1 record, for adoption. Nothing in it is authenticated yet: only a
 * successful decryption of every envelope (done by the caller) shows its envelopes are genuine.
 */
export function checkLegacyRecord(value: unknown, provider: string, userId: string): LegacyCredentialRecord {
  return checkCommonShape(value, provider, userId, LEGACY_RECORD_FORMAT_VERSION) as unknown as LegacyCredentialRecord;
}

function checkCommonShape(
  value: unknown,
  provider: string,
  userId: string,
  formatVersion: number,
): Partial<StoredCredentialRecord> {
  if (typeof value !== "object" || value === null) throw malformed("not an object");
  const record = value as Partial<StoredCredentialRecord>;
  if (record.format !== RECORD_FORMAT) throw malformed("unknown format");
  if ((record.formatVersion as number | undefined) !== formatVersion) {
    throw malformed(`format version ${String(record.formatVersion)} is not ${formatVersion}`);
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
  for (const envelope of record.versions as unknown[]) {
    if (!isEnvelope(envelope)) throw malformed("an envelope lacks a field");
  }
  if (!record.versions.some((envelope) => envelope.version === record.currentVersion)) {
    throw malformed("the current version is missing");
  }
  return record;
}

function isEnvelope(value: unknown): value is StoredEnvelope {
  const candidate = value as Partial<StoredEnvelope> | null;
  const wrapped = candidate?.wrappedKey as Partial<WrappedKey> | undefined;
  return (
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
    isString(wrapped.ciphertext)
  );
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
