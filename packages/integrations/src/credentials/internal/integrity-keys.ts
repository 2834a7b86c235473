import { hkdfSync } from "node:crypto";
import { createJsonStore, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { takeRandomBytes } from "../../internal/random-pool";
import type { KeyContext, KeyProvider, WrappedKey } from "../key-provider";

/**
 * The MAC keys behind the credential records' version state, the rollback checkpoints and the audit chain. Both are
 * derived by HKDF-SHA-256 from one random root key that is stored only wrapped by the {@link KeyProvider}, so nobody
 * without the key-encryption key can compute them, and neither is ever used to encrypt anything.
 */
export interface IntegrityKeys {
  /** HMAC-SHA-256 key over each record's version state and each rollback checkpoint. */
  readonly stateKey: Buffer;
  /** HMAC-SHA-256 key of the audit chain. */
  readonly auditKey: Buffer;
}

/**
 * Where the wrapped root key lives in the credentials storage, after the manager's `keyPrefix` (outside the
 * `credentials:` prefix of records).
 */
export const INTEGRITY_PREFIX = "credentials-integrity:";
const ROOT_KEY_NAME = "root-key";
const ROOT_KEY_BYTES = 32;
const ROOT_KEY_FORMAT = "pelbiot.credential-integrity-key";
const ROOT_KEY_CONTEXT: KeyContext = { purpose: "pelbiot.credential-integrity-root" };
// Distinct HKDF labels: the two keys are independent of each other and of every data key.
const STATE_KEY_INFO = Buffer.from("pelbiot.credentials record-state hmac-sha-256 key");
const AUDIT_KEY_INFO = Buffer.from("pelbiot.credentials audit-chain hmac-sha-256 key");
const EMPTY_SALT = Buffer.alloc(0);

interface StoredRootKey {
  format: typeof ROOT_KEY_FORMAT;
  formatVersion: 1;
  wrappedKey: WrappedKey;
}

function rootKeyStore(storage: StorageAdapter, keyPrefix: string) {
  return createJsonStore<StoredRootKey>(storage, { prefix: `${keyPrefix}${INTEGRITY_PREFIX}` });
}

function checkStoredRootKey(value: unknown): StoredRootKey {
  const stored = value as Partial<StoredRootKey> | null;
  const wrapped = stored?.wrappedKey as Partial<WrappedKey> | undefined;
  const ok =
    typeof stored === "object" &&
    stored !== null &&
    stored.format === ROOT_KEY_FORMAT &&
    stored.formatVersion === 1 &&
    typeof wrapped?.keyId === "string" &&
    typeof wrapped.keyVersion === "string" &&
    typeof wrapped.ciphertext === "string";
  if (!ok) throw new PelbiotError("INTEGRITY_ERROR", "The stored credential integrity key is malformed.");
  return stored as StoredRootKey;
}

function deriveFromRoot(root: Buffer): IntegrityKeys {
  if (root.length !== ROOT_KEY_BYTES) {
    throw new PelbiotError("INTEGRITY_ERROR", "The unwrapped credential integrity key has the wrong length.");
  }
  return {
    stateKey: Buffer.from(hkdfSync("sha256", root, EMPTY_SALT, STATE_KEY_INFO, 32)),
    auditKey: Buffer.from(hkdfSync("sha256", root, EMPTY_SALT, AUDIT_KEY_INFO, 32)),
  };
}

async function deriveKeys(keyProvider: KeyProvider, stored: StoredRootKey): Promise<IntegrityKeys> {
  const root = Buffer.from(await keyProvider.unwrapKey(stored.wrappedKey, ROOT_KEY_CONTEXT));
  try {
    return deriveFromRoot(root);
  } finally {
    root.fill(0);
  }
}

/**
 * Loads the integrity keys of a credentials storage, creating (and wrapping) the root key on first use. Several
 * managers sharing the storage agree on one root key: creation is `setIfAbsent`, and the loser reads the winner's.
 *
 * @throws {PelbiotError} INTEGRITY_ERROR when the stored root key is malformed or does not unwrap.
 */
export async function loadOrCreateIntegrityKeys(
  keyProvider: KeyProvider,
  storage: StorageAdapter,
  keyPrefix = "",
): Promise<IntegrityKeys> {
  const store = rootKeyStore(storage, keyPrefix);
  const existing = await store.get(ROOT_KEY_NAME);
  if (existing !== undefined) return deriveKeys(keyProvider, checkStoredRootKey(existing));
  const root = takeRandomBytes(ROOT_KEY_BYTES);
  try {
    const wrappedKey = await keyProvider.wrapKey(root, ROOT_KEY_CONTEXT);
    const created: StoredRootKey = { format: ROOT_KEY_FORMAT, formatVersion: 1, wrappedKey };
    // The new key is derived from directly; only when another manager stored its key first is that one unwrapped.
    if (await store.setIfAbsent(ROOT_KEY_NAME, created)) return deriveFromRoot(root);
  } finally {
    root.fill(0);
  }
  return deriveKeys(keyProvider, checkStoredRootKey(await store.get(ROOT_KEY_NAME)));
}

/**
 * Loads the integrity keys of a credentials storage without creating them, for verifying an archived audit chain.
 *
 * @returns The keys, or `undefined` when the storage holds no integrity key.
 */
export async function loadIntegrityKeys(
  keyProvider: KeyProvider,
  storage: StorageAdapter,
  keyPrefix = "",
): Promise<IntegrityKeys | undefined> {
  const existing = await rootKeyStore(storage, keyPrefix).get(ROOT_KEY_NAME);
  return existing === undefined ? undefined : deriveKeys(keyProvider, checkStoredRootKey(existing));
}

/**
 * Moves the wrapped root key to the key provider's current key version (part of `rewrapAll()`), so retiring an old
 * key-encryption key never strands it.
 *
 * @returns Whether it was rewrapped (`false` when absent or already current).
 */
export async function rewrapIntegrityKey(
  keyProvider: KeyProvider,
  storage: StorageAdapter,
  keyVersion: string,
  keyPrefix = "",
): Promise<boolean> {
  let moved = false;
  await rootKeyStore(storage, keyPrefix).update(ROOT_KEY_NAME, async (current) => {
    moved = false;
    if (current === undefined) return undefined;
    const stored = checkStoredRootKey(current);
    if (stored.wrappedKey.keyVersion === keyVersion) return stored;
    let wrappedKey: WrappedKey;
    if (keyProvider.rewrapKey !== undefined) {
      wrappedKey = await keyProvider.rewrapKey(stored.wrappedKey, ROOT_KEY_CONTEXT);
    } else {
      const root = await keyProvider.unwrapKey(stored.wrappedKey, ROOT_KEY_CONTEXT);
      try {
        wrappedKey = await keyProvider.wrapKey(root, ROOT_KEY_CONTEXT);
      } finally {
        root.fill(0);
      }
    }
    moved = true;
    return { ...stored, wrappedKey };
  });
  return moved;
}
