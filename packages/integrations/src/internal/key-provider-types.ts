// The key provider contract, here so the shared envelope helpers in this folder need nothing from credentials/;
// credentials/key-provider.ts re-exports it as the public API.

/**
 * A data key wrapped (encrypted) by a key-encryption key. The `ciphertext` is opaque to the credentials manager: it
 * is whatever the {@link KeyProvider} returned (a local AES-GCM blob, a Vault transit `vault:v3:…` string, an AWS KMS
 * `CiphertextBlob` in base64), and is only ever handed back to the same kind of provider.
 *
 * @example
 * ```ts
 * const wrapped: WrappedKey = { keyId: "credentials", keyVersion: "v2", ciphertext: "q83v…" };
 * ```
 */
export interface WrappedKey {
  /** Which key-encryption key wrapped the data key: a keyring name, a Vault transit key name or a KMS key ARN. */
  readonly keyId: string;
  /** The version of that key; compared with {@link KeyProvider.getCurrentKeyVersion} to find records to rewrap. */
  readonly keyVersion: string;
  /** The wrapped data key as text (base64 or the provider's own string form). */
  readonly ciphertext: string;
}

/**
 * Non-secret context bound to a wrapped data key, passed unchanged to wrap and unwrap. Providers must authenticate it
 * (AES-GCM associated data, Vault transit `context`, KMS `EncryptionContext`), so a wrapped key copied to another
 * credential fails to unwrap.
 *
 * @example
 * ```ts
 * const context: KeyContext = { provider: "stripe", userId: "user-1" };
 * ```
 */
export type KeyContext = Readonly<Record<string, string>>;

/**
 * Wraps and unwraps the per-credential data keys of {@link APICredentialsManager} with a key-encryption key (KEK)
 * that never leaves the provider. Shaped after Vault transit (`encrypt`/`decrypt`/`rewrap`, versioned keys) and
 * AWS KMS (`Encrypt`/`Decrypt`/`ReEncrypt` with an encryption context), so adapters for both are thin: every method
 * is async and the wrapped form is an opaque string plus the key version that produced it.
 *
 * Implementations throw `PelbiotError` `INTEGRITY_ERROR` when a wrapped key fails authentication (altered, wrong
 * context or wrong key version) and `PROVIDER_ERROR` when the remote service fails.
 *
 * @example
 * ```ts
 * const keyProvider: KeyProvider = createLocalKeyProvider({ keys: { v1: process.env.KEK_V1 ?? "" }, current: "v1" });
 * const wrapped = await keyProvider.wrapKey(dataKey, { provider: "stripe", userId: "user-1" });
 * ```
 */
export interface KeyProvider {
  /** Contract version; changes only in a major release. */
  readonly specificationVersion: "v1";
  /** A short name for logs and errors, e.g. `"local"`, `"vault-transit"`, `"aws-kms"`. */
  readonly name: string;
  /**
   * The key version that {@link KeyProvider.wrapKey} uses right now.
   *
   * @returns The current key version, e.g. `"v2"`.
   */
  getCurrentKeyVersion(): Promise<string>;
  /**
   * Encrypts a data key under the current key-encryption key.
   *
   * @param dataKey - The plaintext data key (32 bytes). The caller wipes it afterwards; do not keep a reference.
   * @param context - Context to authenticate with the wrapped key.
   * @returns The wrapped key with the key id and version used.
   */
  wrapKey(dataKey: Uint8Array, context: KeyContext): Promise<WrappedKey>;
  /**
   * Decrypts a data key wrapped by {@link KeyProvider.wrapKey}, with whichever key version wrapped it.
   *
   * @param wrapped - What `wrapKey` returned.
   * @param context - The same context that was passed to `wrapKey`.
   * @returns The plaintext data key.
   * @throws {PelbiotError} INTEGRITY_ERROR when the wrapped key, its version or the context do not authenticate.
   */
  unwrapKey(wrapped: WrappedKey, context: KeyContext): Promise<Uint8Array>;
  /**
   * Optional capability: re-encrypts a wrapped key under the current key version without exposing the data key to
   * the caller (Vault transit `rewrap`, KMS `ReEncrypt`). When absent, the manager unwraps and wraps again.
   *
   * @param wrapped - A wrapped key, possibly under an older key version.
   * @param context - The context it was wrapped with.
   * @returns The key wrapped under the current version.
   */
  rewrapKey?(wrapped: WrappedKey, context: KeyContext): Promise<WrappedKey>;
}
