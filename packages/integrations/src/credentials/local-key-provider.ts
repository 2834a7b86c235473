import { createValidator } from "@pelbiot/core";
import { createKeyringProvider, decodeKeyEncryptionKey, KEY_VERSION_PATTERN } from "./internal/keyring-provider";
import { checkWellFormed } from "./internal/well-formed";
import type { KeyProvider } from "./key-provider";

/**
 * Options of {@link createLocalKeyProvider}.
 *
 * @example
 * ```ts
 * const options: LocalKeyProviderOptions = { keys: { v1: oldKeyBase64, v2: newKeyBase64 }, current: "v2" };
 * ```
 */
export interface LocalKeyProviderOptions {
  /**
   * The keyring: key version → 32-byte key-encryption key, as base64 text or bytes. Keep retired versions here until
   * `rewrapAll()` has moved every record to the current one.
   */
  keys: Readonly<Record<string, string | Uint8Array>>;
  /** The version new data keys are wrapped with; must be one of `keys`. */
  current: string;
  /**
   * Name of the keyring, stored with every wrapped key and authenticated with it.
   * @default "local"
   */
  keyId?: string;
}

/**
 * Creates the default {@link KeyProvider}: a keyring of AES-256 key-encryption keys held in this process, which wraps
 * each data key with AES-256-GCM (random 96-bit IV, the key id, version and credential context as associated data).
 * Rotate by adding a version and making it `current`, then run `APICredentialsManager.rewrapAll()`.
 *
 * Generate a key with `openssl rand -base64 32` and keep it in your secret manager; never commit it.
 *
 * @param options - The keyring and its current version.
 * @returns A key provider.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when a key is not 32 bytes, a version name is malformed or
 * `current` is not in the keyring (the message never contains key material).
 * @example
 * ```ts
 * const keyProvider = createLocalKeyProvider({ keys: { v1: process.env.CREDENTIALS_KEK_V1 ?? "" }, current: "v1" });
 * const creds = new APICredentialsManager({ keyProvider });
 * ```
 */
export function createLocalKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  const validator = createValidator("createLocalKeyProvider", { redactStrings: true });
  if (!validator.object("options", options)) validator.done();
  const { keys, current, keyId = "local" } = options;
  const keyring = new Map<string, Buffer>();
  if (validator.object("options.keys", keys)) {
    const versions = Object.keys(keys);
    validator.check(versions.length > 0, "options.keys", "must hold at least one key version");
    for (const [index, version] of versions.entries()) {
      // A malformed name is reported by position: a key pasted in the name's place must not reach the message.
      if (!validator.string(`options.keys.${index} (name)`, version, { pattern: KEY_VERSION_PATTERN })) continue;
      const bytes = decodeKeyEncryptionKey(validator, `options.keys.${version}`, keys[version]);
      if (bytes !== undefined) keyring.set(version, bytes);
    }
  }
  if (validator.string("options.current", current, { pattern: KEY_VERSION_PATTERN }) && validator.issues.length === 0) {
    validator.check(keyring.has(current), "options.current", "must name one of the versions in options.keys");
  }
  if (validator.string("options.keyId", keyId, { maxLength: 256 })) checkWellFormed(validator, "options.keyId", keyId);
  validator.done();
  return createKeyringProvider("local", keyId, keyring, current);
}
