import { createJsonStore, type JsonStore, type StorageAdapter } from "@pelbiot/core";
import { generateUserID, isoBase64URL, toHash } from "@simplewebauthn/server/helpers";
import type { BiometricCredential } from "./biometric-auth-manager-types";

interface UserRecord {
  /** The opaque WebAuthn user handle (base64url): random, so the authenticator never learns the app's user id. */
  readonly handle: string;
}

interface OwnerRecord {
  readonly userId: string;
}

/**
 * Credentials (public keys only) per user. Keys are SHA-256 digests of the user id and credential id, so any id
 * fits the storage key limit, and listing one user's credentials is one prefix scan. An owner index claimed with
 * set-if-absent keeps a credential id from being registered twice, even by racing processes.
 */
export class CredentialStore {
  readonly #users: JsonStore<UserRecord>;
  readonly #owners: JsonStore<OwnerRecord>;
  readonly #storage: StorageAdapter;
  readonly #prefix: string;

  constructor(storage: StorageAdapter, keyPrefix: string) {
    this.#storage = storage;
    this.#prefix = keyPrefix;
    this.#users = createJsonStore<UserRecord>(storage, { prefix: `${keyPrefix}user:` });
    this.#owners = createJsonStore<OwnerRecord>(storage, { prefix: `${keyPrefix}owner:` });
  }

  /** The user's WebAuthn user handle, created on first use. */
  async userHandle(userId: string): Promise<string> {
    const key = await digest(userId);
    const existing = await this.#users.get(key);
    if (existing !== undefined) return existing.handle;
    const handle = isoBase64URL.fromBuffer(await generateUserID());
    // Two racing first registrations must agree on one handle: the loser reads the winner's.
    if (await this.#users.setIfAbsent(key, { handle })) return handle;
    return (await this.#users.get(key))?.handle ?? handle;
  }

  /** The user's handle if they ever started a registration. */
  async findUserHandle(userId: string): Promise<string | undefined> {
    return (await this.#users.get(await digest(userId)))?.handle;
  }

  /** The user's credentials, oldest first. */
  async list(userId: string): Promise<BiometricCredential[]> {
    const entries = await (await this.#credentials(userId)).entries();
    return entries.map(([, credential]) => credential).sort((left, right) => left.createdAt - right.createdAt);
  }

  /** One of the user's credentials, or `undefined` when the user has no credential with that id. */
  async get(userId: string, credentialId: string): Promise<BiometricCredential | undefined> {
    return (await this.#credentials(userId)).get(await digest(credentialId));
  }

  /** Stores a new credential; `false` when the credential id is already registered (to anyone). */
  async add(credential: BiometricCredential): Promise<boolean> {
    const ownerKey = await digest(credential.id);
    if (!(await this.#owners.setIfAbsent(ownerKey, { userId: credential.userId }))) return false;
    await (await this.#credentials(credential.userId)).set(ownerKey, credential);
    return true;
  }

  /**
   * Rewrites a credential with `change(current)` atomically (compare-and-set, retried on a race); returns the new
   * record, or `undefined` when it does not exist.
   */
  async update(
    userId: string,
    credentialId: string,
    change: (current: BiometricCredential) => BiometricCredential,
  ): Promise<BiometricCredential | undefined> {
    const store = await this.#credentials(userId);
    return store.update(await digest(credentialId), (current) => (current === undefined ? undefined : change(current)));
  }

  /** Deletes a credential and frees its id; `false` when the user has no such credential. */
  async remove(userId: string, credentialId: string): Promise<boolean> {
    const key = await digest(credentialId);
    const store = await this.#credentials(userId);
    if ((await store.get(key)) === undefined) return false;
    await store.delete(key);
    await this.#owners.delete(key);
    return true;
  }

  async #credentials(userId: string): Promise<JsonStore<BiometricCredential>> {
    return createJsonStore<BiometricCredential>(this.#storage, {
      prefix: `${this.#prefix}credential:${await digest(userId)}:`,
    });
  }
}

// SHA-256 in base64url: 43 characters whatever the id, and no character a storage adapter must escape.
async function digest(text: string): Promise<string> {
  return isoBase64URL.fromBuffer(await toHash(text));
}
