import { randomBytes } from "node:crypto";
import { createManualClock, createMemoryStorage, type ManualClock, type StorageAdapter } from "@pelbiot/core";
import {
  APICredentialsManager,
  type APICredentialsManagerOptions,
} from "../../src/credentials/api-credentials-manager";
import type { KeyProvider } from "../../src/credentials/key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";

export const KEY_V1 = randomBytes(32).toString("base64");
export const KEY_V2 = randomBytes(32).toString("base64");

export interface Harness {
  creds: APICredentialsManager;
  storage: StorageAdapter;
  clock: ManualClock;
  keyProvider: KeyProvider;
}

/** A manager over memory storage, a manual clock starting at 2026-01-01 and a v1 local keyring. */
export function createHarness(options: APICredentialsManagerOptions = {}): Harness {
  const storage = options.storage ?? createMemoryStorage();
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const keyProvider = options.keyProvider ?? createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
  const creds = new APICredentialsManager({ clock, ...options, storage, keyProvider });
  return { creds, storage, clock, keyProvider };
}

/** Everything in a storage adapter, for before/after comparisons. */
export async function snapshot(storage: StorageAdapter): Promise<Record<string, string | null>> {
  const result: Record<string, string | null> = {};
  for (const key of await storage.keys()) result[key] = await storage.getItem(key);
  return result;
}

/** Reads and parses the raw stored record of a credential. */
export async function readRaw(storage: StorageAdapter, provider: string, userId: string): Promise<RawRecord> {
  const text = await storage.getItem(`credentials:${provider}/${encodeURIComponent(userId)}`);
  if (text === null) throw new Error("no record");
  return JSON.parse(text) as RawRecord;
}

/** Writes a raw record back. */
export async function writeRaw(storage: StorageAdapter, provider: string, userId: string, record: RawRecord) {
  await storage.setItem(`credentials:${provider}/${encodeURIComponent(userId)}`, JSON.stringify(record));
}

export interface RawEnvelope {
  version: number;
  algorithm: string;
  iv: string;
  ciphertext: string;
  tag: string;
  wrappedKey: { keyId: string; keyVersion: string; ciphertext: string };
  createdAt: number;
  encryptedAt: number;
  validUntil: number | null;
}

export interface RawRecord {
  format: string;
  formatVersion: number;
  provider: string;
  userId: string;
  currentVersion: number;
  versions: RawEnvelope[];
  generation: number;
  mac: string;
}

/** Flips one bit of a base64 field. */
export function flipBit(base64: string, bit: number): string {
  const bytes = Buffer.from(base64, "base64");
  const index = Math.floor(bit / 8) % bytes.length;
  bytes[index] = bytes[index]! ^ (1 << (bit % 8));
  return bytes.toString("base64");
}
