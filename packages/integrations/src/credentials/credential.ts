import { inspect } from "node:util";
import type { CredentialEncryptionAlgorithm } from "./internal/credential-record";
import { maskSecret } from "./mask-secret";

/**
 * The plaintext secrets of a credential, as returned by {@link Credential.reveal}.
 *
 * @example
 * ```ts
 * const { apiKey, apiSecret }: CredentialSecrets = credential.reveal();
 * ```
 */
export interface CredentialSecrets {
  /** The API key as stored. */
  readonly apiKey: string;
  /** The API secret as stored. */
  readonly apiSecret: string;
}

/**
 * Everything {@link Credential} shows: metadata and masked secrets, never the secrets themselves.
 *
 * @example
 * ```ts
 * const metadata: CredentialMetadata = credential.toJSON();
 * ```
 */
export interface CredentialMetadata {
  /** The third-party provider, e.g. `"stripe"`. */
  readonly provider: string;
  /** The user the credential belongs to. */
  readonly userId: string;
  /** Credential version, starting at 1 and raised by every rotation with new values. */
  readonly version: number;
  /** Whether this is the current version (older ones are only valid during the rotation overlap). */
  readonly current: boolean;
  /** Content-encryption algorithm of the stored envelope. */
  readonly algorithm: CredentialEncryptionAlgorithm;
  /** Id of the key-encryption key that wraps this version's data key. */
  readonly keyId: string;
  /** Version of that key-encryption key. */
  readonly keyVersion: string;
  /** When this version's values were stored (epoch milliseconds). */
  readonly createdAt: number;
  /** When this version was last encrypted with a fresh data key (epoch milliseconds). */
  readonly encryptedAt: number;
  /** End of the rotation overlap for a superseded version (epoch milliseconds); `null` for the current version. */
  readonly validUntil: number | null;
  /** The API key masked with {@link maskSecret}, e.g. `sk_live_…p7dc`. */
  readonly maskedApiKey: string;
  /** The API secret masked with {@link maskSecret}. */
  readonly maskedApiSecret: string;
}

/**
 * A decrypted credential. Its enumerable fields are metadata and masked values only, so it is safe to log,
 * `JSON.stringify` or `util.inspect`; the secrets live in a private field and come out only through
 * {@link Credential.reveal}, which makes every use of the plaintext explicit and easy to find in review.
 *
 * Instances are created by `APICredentialsManager`; application code does not construct them.
 *
 * @example
 * ```ts
 * const credential = await creds.getCredentials("stripe", "user-1");
 * console.log(credential); // Credential { provider: 'stripe', …, maskedApiKey: 'sk_live_…p7dc' }
 * const stripe = new Stripe(credential.reveal().apiKey);
 * ```
 */
export class Credential implements CredentialMetadata {
  readonly provider: string;
  readonly userId: string;
  readonly version: number;
  readonly current: boolean;
  readonly algorithm: CredentialEncryptionAlgorithm;
  readonly keyId: string;
  readonly keyVersion: string;
  readonly createdAt: number;
  readonly encryptedAt: number;
  readonly validUntil: number | null;
  readonly maskedApiKey: string;
  readonly maskedApiSecret: string;
  readonly #secrets: CredentialSecrets;

  /**
   * @param metadata - Everything but the masked values, which are computed here.
   * @param secrets - The plaintext, kept in a private field.
   */
  constructor(metadata: Omit<CredentialMetadata, "maskedApiKey" | "maskedApiSecret">, secrets: CredentialSecrets) {
    this.provider = metadata.provider;
    this.userId = metadata.userId;
    this.version = metadata.version;
    this.current = metadata.current;
    this.algorithm = metadata.algorithm;
    this.keyId = metadata.keyId;
    this.keyVersion = metadata.keyVersion;
    this.createdAt = metadata.createdAt;
    this.encryptedAt = metadata.encryptedAt;
    this.validUntil = metadata.validUntil;
    this.maskedApiKey = maskSecret(secrets.apiKey);
    this.maskedApiSecret = maskSecret(secrets.apiSecret);
    this.#secrets = Object.freeze({ apiKey: secrets.apiKey, apiSecret: secrets.apiSecret });
    Object.freeze(this);
  }

  /**
   * Returns the plaintext secrets. The only way to read them.
   *
   * @returns The API key and secret.
   * @example
   * ```ts
   * const { apiKey } = credential.reveal();
   * ```
   */
  reveal(): CredentialSecrets {
    return this.#secrets;
  }

  /**
   * The JSON form: metadata and masked values only.
   *
   * @returns A plain object without secrets.
   */
  toJSON(): CredentialMetadata {
    return {
      provider: this.provider,
      userId: this.userId,
      version: this.version,
      current: this.current,
      algorithm: this.algorithm,
      keyId: this.keyId,
      keyVersion: this.keyVersion,
      createdAt: this.createdAt,
      encryptedAt: this.encryptedAt,
      validUntil: this.validUntil,
      maskedApiKey: this.maskedApiKey,
      maskedApiSecret: this.maskedApiSecret,
    };
  }

  /**
   * What `util.inspect` and `console.log` show: the masked JSON form, whatever inspect options are used.
   *
   * @returns The masked form, labelled `Credential`.
   */
  [inspect.custom](): string {
    return `Credential ${inspect(this.toJSON())}`;
  }
}
