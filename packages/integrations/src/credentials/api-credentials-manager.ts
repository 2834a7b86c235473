import {
  type Clock,
  createJsonStore,
  createMemoryStorage,
  createValidator,
  describeType,
  isClock,
  type JsonStore,
  type Logger,
  noopLogger,
  PelbiotError,
  type PelbiotErrorCode,
  type StorageAdapter,
  systemClock,
  toPelbiotError,
  type Validator,
} from "@pelbiot/core";
import { createDataKeyCache } from "../internal/data-key-cache";
import { type KeyEnvelopeScheme, openKeyEnvelope, sealKeyEnvelope } from "../internal/key-envelope";
import { Credential } from "./credential";
import { createEnvKeyProvider } from "./env-key-provider";
import { type AuditEvent, AuditLog } from "./internal/audit-log";
import {
  type CredentialEncryptionAlgorithm,
  envelopeAssociatedData,
  envelopeKeyContext,
  RECORD_FORMAT,
  RECORD_FORMAT_VERSION,
  type StoredCredentialRecord,
  type StoredEnvelope,
} from "./internal/credential-record";
import { rewrapIntegrityKey } from "./internal/integrity-keys";
import { createIntegrityLoader, type RecordIntegrity } from "./internal/record-integrity";
import { RollbackCheckpoints } from "./internal/rollback-checkpoints";
import { checkWellFormed } from "./internal/well-formed";
import type { KeyProvider, WrappedKey } from "./key-provider";
import type { AuditAction, AuditChain, AuditEntry, AuditVerification } from "./verify-audit-chain";

export type { CredentialEncryptionAlgorithm } from "./internal/credential-record";

const DAY_MS = 24 * 60 * 60 * 1000;
const ALGORITHMS: readonly CredentialEncryptionAlgorithm[] = ["aes-256-gcm", "aes-256-cbc"];
const PROVIDER_PATTERN = {
  regex: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  description: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
};
const MAX_USER_ID_LENGTH = 256;
const MAX_SECRET_LENGTH = 64 * 1024;
const MAX_ACTOR_LENGTH = 256;
// Any argument may be a secret passed in the wrong place, so rejected strings are described by length only.
const REDACTED = { redactStrings: true } as const;

/**
 * Options of {@link APICredentialsManager}.
 *
 * @example
 * ```ts
 * const options: APICredentialsManagerOptions = {
 *   keyProvider: createLocalKeyProvider({ keys: { v1: process.env.CREDENTIALS_KEK_V1 ?? "" }, current: "v1" }),
 *   rotationInterval: 7 * 24 * 60 * 60 * 1000,
 * };
 * ```
 */
export interface APICredentialsManagerOptions {
  /**
   * Content encryption of new envelopes. `"aes-256-cbc"` is accepted for compatibility with older configurations
   * and is always authenticated: AES-256-CBC with HMAC-SHA-256 encrypt-then-MAC, with separate encryption and MAC
   * keys derived from the data key by HKDF-SHA-256. Any other value throws `CONFIGURATION_ERROR`. Existing
   * envelopes are read with whichever algorithm they record.
   * @default "aes-256-gcm"
   */
  encryptionAlgorithm?: CredentialEncryptionAlgorithm;
  /**
   * Age (milliseconds) after which a credential is reported as due for rotation by
   * {@link APICredentialsManager.getRotationStatus}, counted from its last rotation or re-encryption.
   * @default 7_776_000_000 (90 days)
   */
  rotationInterval?: number;
  /**
   * How long (milliseconds) the previous version stays readable after a rotation with new values, so callers can
   * switch over. `0` retires it at once.
   * @default 86_400_000 (24 hours)
   */
  rotationOverlap?: number;
  /** Most audit entries kept in memory; older ones are dropped behind a verifiable anchor. @default 10_000 */
  maxAuditLogSize?: number;
  /**
   * Wraps each credential's data key. Defaults to the local keyring read from the `PELBIOT_CREDENTIAL_KEYS`
   * environment variable ({@link createEnvKeyProvider}); when that is not set the constructor throws
   * `CONFIGURATION_ERROR` rather than invent a key. Use `createEphemeralKeyProvider()` in tests.
   * @default createEnvKeyProvider()
   */
  keyProvider?: KeyProvider;
  /**
   * Where encrypted envelopes are persisted (keys prefixed `credentials:`), with the wrapped root of the integrity
   * keys (`credentials-integrity:root-key`). @default createMemoryStorage()
   */
  storage?: StorageAdapter;
  /**
   * Where the anti-rollback checkpoints live (keys prefixed `credentials-checkpoint:`): per credential, the highest
   * record generation written, MACed. A record written back from an older copy (e.g. the pre-rotation record, or a
   * deleted credential) is behind its checkpoint and fails with `INTEGRITY_ERROR`.
   *
   * Detection is only as good as the separation: with the default (the same `storage`), whoever can roll back or
   * delete the checkpoints along with the records (a whole-database restore, or removing a checkpoint key before
   * writing an old record back) is not detected. Point this at storage the record store's writers cannot roll
   * back (another database, an append-only or versioned service) to detect that too. A write whose checkpoint update was interrupted (a crash between the two writes) is repaired on next read.
   * @default the `storage` option
   */
  checkpointStorage?: StorageAdapter;
  /** Source of time for audit entries, overlaps and rotation status. @default systemClock */
  clock?: Clock;
  /** Receives operational logs; never secrets. @default noopLogger */
  logger?: Logger;
  /** The actor recorded in audit entries when a call does not name one. @default "system" */
  defaultActor?: string;
  /**
   * Called with every audit entry as it is appended, e.g. to ship it to durable, append-only storage (the
   * in-memory log is bounded by `maxAuditLogSize` and does not survive a restart). Errors it throws are logged and
   * ignored.
   */
  onAuditEntry?: (entry: AuditEntry) => void;
  /**
   * How many unwrapped data keys to keep in memory, so reading a credential again skips the key provider's unwrap
   * (an AES operation locally, a network round trip with Vault or KMS). `0` turns the cache off.
   *
   * Security trade-off, which is why it is opt-in: while cached, plaintext data keys live in this process's memory,
   * where a heap dump or memory disclosure can reveal them (each opens only its own credential; the key-encryption
   * key is never cached). The cache is bounded, least-recently-used, per manager, and every evicted key is
   * overwritten with zeros; {@link APICredentialsManager.clearKeyCache} wipes it on demand.
   * @default 0
   */
  dataKeyCacheSize?: number;
}

/**
 * Per-call options shared by every operation.
 *
 * @example
 * ```ts
 * await creds.deleteCredentials("stripe", "user-1", { actor: "admin@example.com" });
 * ```
 */
export interface CredentialCallOptions {
  /** Who performs the call, recorded in the audit log. @default the manager's `defaultActor` */
  actor?: string;
}

/**
 * Options of {@link APICredentialsManager.getCredentials}.
 *
 * @example
 * ```ts
 * const previous = await creds.getCredentials("stripe", "user-1", { version: 1, actor: "billing-worker" });
 * ```
 */
export interface GetCredentialsOptions extends CredentialCallOptions {
  /** A specific version, e.g. the previous one during a rotation overlap. @default the current version */
  version?: number;
}

/**
 * New values for {@link APICredentialsManager.rotateCredentials}.
 *
 * @example
 * ```ts
 * const next: CredentialRotationValues = { apiKey: "sk_live_new", apiSecret: "new-secret" };
 * ```
 */
export interface CredentialRotationValues {
  /** The new API key. */
  apiKey: string;
  /** The new API secret. */
  apiSecret: string;
}

/**
 * Options of {@link APICredentialsManager.rotateCredentials}.
 *
 * @example
 * ```ts
 * await creds.rotateCredentials("stripe", "user-1", next, { overlap: 15 * 60 * 1000 });
 * ```
 */
export interface RotateCredentialsOptions extends CredentialCallOptions {
  /** Overrides the manager's `rotationOverlap` for this rotation (milliseconds). @default the manager's */
  overlap?: number;
}

/**
 * One credential's rotation state, from {@link APICredentialsManager.getRotationStatus}.
 *
 * @example
 * ```ts
 * const overdue: RotationStatus[] = (await creds.getRotationStatus()).filter((status) => status.due);
 * ```
 */
export interface RotationStatus {
  /** The provider. */
  readonly provider: string;
  /** The user. */
  readonly userId: string;
  /** The current version. */
  readonly version: number;
  /** When the current values were stored. */
  readonly createdAt: number;
  /** When the current version was last rotated or re-encrypted. */
  readonly lastRotatedAt: number;
  /** When it falls due: `lastRotatedAt + rotationInterval`. */
  readonly dueAt: number;
  /** Whether `dueAt` has passed on the manager's clock. */
  readonly due: boolean;
  /** Key-encryption key version of the current envelope. */
  readonly keyVersion: string;
  /** Versions still readable besides the current one (rotation overlap). */
  readonly previousVersions: readonly number[];
}

/**
 * Filter of {@link APICredentialsManager.getRotationStatus}.
 *
 * @example
 * ```ts
 * await creds.getRotationStatus({ provider: "stripe" });
 * ```
 */
export interface RotationStatusFilter {
  /** Only this user's credentials. */
  userId?: string;
  /** Only this provider's credentials. */
  provider?: string;
}

/**
 * Progress reported by {@link APICredentialsManager.rewrapAll} after each record.
 *
 * @example
 * ```ts
 * const onProgress = (progress: RewrapProgress) => console.log(`${progress.processed}/${progress.total}`);
 * ```
 */
export interface RewrapProgress {
  /** Records found when the run started. */
  readonly total: number;
  /** Records handled so far (rewrapped, already current, gone or failed). */
  readonly processed: number;
  /** Records moved to the current key version. */
  readonly rewrapped: number;
  /** Records that were already on the current key version. */
  readonly alreadyCurrent: number;
  /** Records that could not be rewrapped. */
  readonly failed: number;
}

/**
 * One record {@link APICredentialsManager.rewrapAll} could not move.
 *
 * @example
 * ```ts
 * for (const failure of report.failures) console.error(failure.provider, failure.userId, failure.code);
 * ```
 */
export interface RewrapFailure {
  /** The provider. */
  readonly provider: string;
  /** The user. */
  readonly userId: string;
  /** Error code, e.g. `INTEGRITY_ERROR` for a tampered record or `PROVIDER_ERROR` for a key service outage. */
  readonly code: PelbiotErrorCode;
  /** What went wrong (never a secret). */
  readonly message: string;
}

/**
 * Result of {@link APICredentialsManager.rewrapAll}.
 *
 * @example
 * ```ts
 * const report: RewrapReport = await creds.rewrapAll();
 * ```
 */
export interface RewrapReport extends RewrapProgress {
  /** The key version records were moved to. */
  readonly keyVersion: string;
  /** Every record left unchanged because of an error; re-run after fixing the cause. */
  readonly failures: readonly RewrapFailure[];
}

/**
 * Options of {@link APICredentialsManager.rewrapAll}.
 *
 * @example
 * ```ts
 * await creds.rewrapAll({ signal: AbortSignal.timeout(60_000), actor: "kek-rotation-job" });
 * ```
 */
export interface RewrapAllOptions extends CredentialCallOptions {
  /** Called after each record; an error it throws stops the run (records done so far stay done). */
  onProgress?: (progress: RewrapProgress) => void;
  /** Stops the run between records. */
  signal?: AbortSignal;
}

interface DecodedSecrets {
  apiKey: string;
  apiSecret: string;
}

function isSecretString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_SECRET_LENGTH;
}

// Secrets are checked without echoing them: core's describeType prints short strings, which would leak them.
function checkSecret(validator: Validator, path: string, value: unknown): void {
  validator.check(
    isSecretString(value),
    path,
    `must be a non-empty string of at most ${MAX_SECRET_LENGTH} characters (got ${
      typeof value === "string" ? `a string of length ${value.length}` : typeof value
    })`,
  );
}

function recordKey(provider: string, userId: string): string {
  return `${provider}/${encodeURIComponent(userId)}`;
}

/**
 * Stores third-party API credentials encrypted at rest with envelope encryption, rotates them, and keeps a
 * tamper-evident audit log of every access.
 *
 * Each credential version gets its own random 256-bit data key; the API key and secret are sealed with AES-256-GCM
 * (random 96-bit IV) and associated data binding the ciphertext to (algorithm, provider, user, version), and the data
 * key is wrapped by a key-encryption key from a {@link KeyProvider} (a local keyring by default; Vault transit and
 * AWS KMS adapters fit the same interface). Records are self-describing JSON envelopes in a core `StorageAdapter`.
 * Returned {@link Credential} objects show only masked values; the plaintext comes out only through
 * `credential.reveal()`.
 *
 * Integrity: one random root key, wrapped by the key provider and stored as `credentials-integrity:root-key`, yields
 * by HKDF-SHA-256 two MAC keys. Every record carries a generation and an HMAC-SHA-256 over its whole state (current
 * version, validity windows, timestamps, envelopes), so any edit fails with `INTEGRITY_ERROR`; a checkpoint per
 * credential (see `checkpointStorage`) remembers the highest generation written, so a whole older record written
 * back (the pre-rotation one, or a deleted credential) fails too. The audit log is HMAC-chained under the other key.
 * Not detected: a rollback of the records together with their checkpoints, when both share one storage.
 *
 * Validation errors (`VALIDATION_ERROR`) reject a call before anything happens and are not audited; every other
 * outcome (success, `NOT_FOUND`, `CONFLICT`, `INTEGRITY_ERROR`, key-provider failures) is appended to the audit log.
 *
 * @example
 * ```ts
 * const creds = new APICredentialsManager({ encryptionAlgorithm: "aes-256-gcm", rotationInterval: 7 * 24 * 60 * 60 * 1000, maxAuditLogSize: 10000 });
 * await creds.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1");
 * const credential = await creds.getCredentials("stripe", "user-1");
 * credential.reveal().apiKey; // "sk_live_xxx"
 * await creds.rotateCredentials("stripe", "user-1");
 * const auditLog = await creds.getAuditLog("user-1");
 * ```
 */
export class APICredentialsManager {
  readonly #algorithm: CredentialEncryptionAlgorithm;
  readonly #rotationInterval: number;
  readonly #rotationOverlap: number;
  readonly #keyProvider: KeyProvider;
  readonly #scheme: KeyEnvelopeScheme;
  readonly #store: JsonStore<StoredCredentialRecord>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #defaultActor: string;
  readonly #onAuditEntry: ((entry: AuditEntry) => void) | undefined;
  readonly #audit: AuditLog;
  readonly #storage: StorageAdapter;
  readonly #loadIntegrity: () => Promise<RecordIntegrity>;

  /**
   * @param options - Algorithm, rotation, audit bound, key provider, storage, clock and logger.
   * @throws {PelbiotError} CONFIGURATION_ERROR when `encryptionAlgorithm` is not `aes-256-gcm`/`aes-256-cbc`, or no
   * `keyProvider` is given and `PELBIOT_CREDENTIAL_KEYS` is not set.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when another option is malformed.
   */
  constructor(options: APICredentialsManagerOptions = {}) {
    const {
      encryptionAlgorithm = "aes-256-gcm",
      rotationInterval = 90 * DAY_MS,
      rotationOverlap = DAY_MS,
      maxAuditLogSize = 10_000,
      keyProvider,
      storage = createMemoryStorage(),
      checkpointStorage = storage,
      clock = systemClock,
      logger = noopLogger,
      defaultActor = "system",
      onAuditEntry,
      dataKeyCacheSize = 0,
    } = options ?? {};
    if (!(ALGORITHMS as readonly unknown[]).includes(encryptionAlgorithm)) {
      throw new PelbiotError(
        "CONFIGURATION_ERROR",
        `APICredentialsManager: encryptionAlgorithm must be "aes-256-gcm" (recommended) or "aes-256-cbc" ` +
          `(CBC with HMAC-SHA-256 encrypt-then-MAC), got ${describeType(encryptionAlgorithm, true)}.`,
      );
    }
    const validator = createValidator("APICredentialsManager", REDACTED);
    validator.number("options.rotationInterval", rotationInterval, { integer: true, positive: true });
    validator.number("options.rotationOverlap", rotationOverlap, { integer: true, min: 0 });
    validator.number("options.maxAuditLogSize", maxAuditLogSize, { integer: true, min: 1, max: 10_000_000 });
    validator.number("options.dataKeyCacheSize", dataKeyCacheSize, { integer: true, min: 0, max: 1_000_000 });
    if (keyProvider !== undefined && validator.object("options.keyProvider", keyProvider)) {
      for (const method of ["getCurrentKeyVersion", "wrapKey", "unwrapKey"] as const) {
        validator.fn(`options.keyProvider.${method}`, keyProvider[method]);
      }
    }
    validator.object("options.storage", storage);
    validator.object("options.checkpointStorage", checkpointStorage);
    validator.check(isClock(clock), "options.clock", "must be a Clock with now, setTimeout and clearTimeout");
    if (validator.object("options.logger", logger)) {
      for (const level of ["debug", "info", "warn", "error"] as const)
        validator.fn(`options.logger.${level}`, logger[level]);
    }
    if (validator.string("options.defaultActor", defaultActor, { maxLength: MAX_ACTOR_LENGTH })) {
      checkWellFormed(validator, "options.defaultActor", defaultActor);
    }
    if (onAuditEntry !== undefined) validator.fn("options.onAuditEntry", onAuditEntry);
    validator.done();

    this.#algorithm = encryptionAlgorithm;
    this.#rotationInterval = rotationInterval;
    this.#rotationOverlap = rotationOverlap;
    this.#store = createJsonStore<StoredCredentialRecord>(storage, { prefix: "credentials:" });
    this.#storage = storage;
    this.#clock = clock;
    this.#logger = logger;
    this.#defaultActor = defaultActor;
    this.#onAuditEntry = onAuditEntry;
    this.#audit = new AuditLog(maxAuditLogSize);
    // Last, so a malformed option is reported before the environment is consulted.
    this.#keyProvider = keyProvider ?? createEnvKeyProvider();
    this.#scheme = {
      keyProvider: this.#keyProvider,
      ...(dataKeyCacheSize > 0 ? { cache: createDataKeyCache(dataKeyCacheSize) } : {}),
    };
    this.#loadIntegrity = createIntegrityLoader(this.#keyProvider, storage, checkpointStorage, (keys) =>
      this.#deliverAudit(this.#audit.setKey(keys.auditKey)),
    );
  }

  /**
   * Encrypts and stores a new credential as version 1.
   *
   * @param provider - The third-party provider, e.g. `"stripe"` (letters, digits, `.`, `_`, `-`; at most 64).
   * @param apiKey - The API key (non-empty, at most 64 KiB).
   * @param apiSecret - The API secret (non-empty, at most 64 KiB).
   * @param userId - The owner (non-empty, at most 256 characters).
   * @param options - The `actor` to audit.
   * @returns The stored credential (masked; `reveal()` gives the values back).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed (the message never echoes secrets).
   * @throws {PelbiotError} CONFLICT when this user already has a credential for this provider; use
   * {@link APICredentialsManager.rotateCredentials} to replace it.
   * @example
   * ```ts
   * await creds.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1", { actor: "admin@example.com" });
   * ```
   */
  async storeCredentials(
    provider: string,
    apiKey: string,
    apiSecret: string,
    userId: string,
    options: CredentialCallOptions = {},
  ): Promise<Credential> {
    const validator = createValidator("APICredentialsManager.storeCredentials", REDACTED);
    this.#checkTarget(validator, provider, userId);
    checkSecret(validator, "apiKey", apiKey);
    checkSecret(validator, "apiSecret", apiSecret);
    const actor = this.#checkActor(validator, options);
    validator.done();

    return this.#audited("store", actor, provider, userId, async (audit, integrity) => {
      const key = recordKey(provider, userId);
      const now = this.#clock.now();
      const envelope = await this.#sealEnvelope(provider, userId, 1, { apiKey, apiSecret }, now, now);
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
      if (!(await this.#store.setIfAbsent(key, record))) {
        throw new PelbiotError(
          "CONFLICT",
          `User ${JSON.stringify(userId)} already has a ${provider} credential; call rotateCredentials() to replace ` +
            "it, or deleteCredentials() first.",
          { details: { provider, userId } },
        );
      }
      await integrity.checkpoints.advance(key, generation, false);
      audit.version = 1;
      return this.#toCredential(record, envelope, { apiKey, apiSecret });
    });
  }

  /**
   * Decrypts a credential.
   *
   * @param provider - The provider.
   * @param userId - The owner.
   * @param options - A specific `version` (the previous one is readable during a rotation overlap) and the `actor`.
   * @returns The credential; read the values with `credential.reveal()`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND when there is no such credential or version, or the version's overlap ended.
   * @throws {PelbiotError} INTEGRITY_ERROR when the stored envelope fails authentication (altered ciphertext, IV or
   * tag, a record moved between users or providers, or a wrong key version), its version state was edited, or it
   * is older than the last record written (rolled back).
   * @example
   * ```ts
   * const { apiKey } = (await creds.getCredentials("stripe", "user-1")).reveal();
   * ```
   */
  async getCredentials(provider: string, userId: string, options: GetCredentialsOptions = {}): Promise<Credential> {
    const validator = createValidator("APICredentialsManager.getCredentials", REDACTED);
    this.#checkTarget(validator, provider, userId);
    const actor = this.#checkActor(validator, options);
    if (options?.version !== undefined) validator.number("options.version", options.version, { integer: true, min: 1 });
    validator.done();

    return this.#audited("read", actor, provider, userId, async (audit, integrity) => {
      const record = await this.#readRecord(provider, userId, integrity);
      const wanted = options.version ?? record.currentVersion;
      audit.version = wanted;
      const envelope = record.versions.find((candidate) => candidate.version === wanted);
      if (envelope === undefined || !this.#isReadable(envelope)) {
        throw new PelbiotError(
          "NOT_FOUND",
          `Version ${wanted} of the ${provider} credential of user ${JSON.stringify(userId)} does not exist or its ` +
            `rotation overlap has ended; the current version is ${record.currentVersion}.`,
          { details: { provider, userId, version: wanted, currentVersion: record.currentVersion } },
        );
      }
      return this.#toCredential(record, envelope, await this.#openEnvelope(provider, userId, envelope));
    });
  }

  /**
   * Rotates a credential. With `next`, stores the new values as a new version and keeps the previous version
   * readable for the rotation overlap. Without `next`, re-encrypts the current version under a fresh data key
   * wrapped by the current key-encryption key version (the values and version number stay the same).
   *
   * @param provider - The provider.
   * @param userId - The owner.
   * @param next - The new API key and secret, or nothing to re-encrypt.
   * @param options - `overlap` for this rotation and the `actor`.
   * @returns The new current credential.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND when there is no such credential.
   * @throws {PelbiotError} INTEGRITY_ERROR when the stored record was altered or rolled back, or re-encryption finds
   * the envelope altered.
   * @example
   * ```ts
   * await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new-secret" }, { overlap: 60 * 60 * 1000 });
   * await creds.rotateCredentials("stripe", "user-1"); // fresh data key, same values
   * ```
   */
  async rotateCredentials(
    provider: string,
    userId: string,
    next?: CredentialRotationValues,
    options: RotateCredentialsOptions = {},
  ): Promise<Credential> {
    const validator = createValidator("APICredentialsManager.rotateCredentials", REDACTED);
    this.#checkTarget(validator, provider, userId);
    if (next !== undefined && validator.object("next", next)) {
      checkSecret(validator, "next.apiKey", next.apiKey);
      checkSecret(validator, "next.apiSecret", next.apiSecret);
    }
    const actor = this.#checkActor(validator, options);
    if (options?.overlap !== undefined) validator.number("options.overlap", options.overlap, { integer: true, min: 0 });
    validator.done();
    const overlap = options.overlap ?? this.#rotationOverlap;

    const action = next === undefined ? "reencrypt" : "rotate";
    return this.#audited(action, actor, provider, userId, async (audit, integrity) => {
      const key = recordKey(provider, userId);
      const checkpoint = await integrity.checkpoints.read(key);
      let result: { envelope: StoredEnvelope; secrets: DecodedSecrets } | undefined;
      const written = await this.#store.update(key, async (stored) => {
        if (stored === undefined) throw this.#notFound(provider, userId);
        const record = integrity.verify(stored, provider, userId);
        RollbackCheckpoints.assertCurrent(checkpoint, record.generation);
        const now = this.#clock.now();
        const current = record.versions.find((envelope) => envelope.version === record.currentVersion)!;
        if (next === undefined) {
          const secrets = await this.#openEnvelope(provider, userId, current);
          const envelope = await this.#sealEnvelope(provider, userId, current.version, secrets, current.createdAt, now);
          result = { envelope, secrets };
          const versions = record.versions.map((candidate) => (candidate === current ? envelope : candidate));
          return integrity.reseal(record, {
            versions: versions.filter((candidate) => this.#isReadable(candidate, now)),
          });
        }
        const version = Math.max(...record.versions.map((envelope) => envelope.version)) + 1;
        const secrets = { apiKey: next.apiKey, apiSecret: next.apiSecret };
        const envelope = await this.#sealEnvelope(provider, userId, version, secrets, now, now);
        result = { envelope, secrets };
        const retired = { ...current, validUntil: now + overlap };
        const versions = [
          ...record.versions.map((candidate) => (candidate === current ? retired : candidate)),
          envelope,
        ];
        return integrity.reseal(record, {
          currentVersion: version,
          versions: versions.filter((item) => this.#isReadable(item, now)),
        });
      });
      if (written !== undefined) await integrity.checkpoints.advance(key, written.generation, false);
      audit.version = result?.envelope.version ?? null;
      if (written === undefined || result === undefined) throw this.#notFound(provider, userId);
      return this.#toCredential(written, result.envelope, result.secrets);
    });
  }

  /**
   * Deletes a credential and every version of it.
   *
   * @param provider - The provider.
   * @param userId - The owner.
   * @param options - The `actor` to audit.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND when there is no such credential.
   * @example
   * ```ts
   * await creds.deleteCredentials("stripe", "user-1");
   * ```
   */
  async deleteCredentials(provider: string, userId: string, options: CredentialCallOptions = {}): Promise<void> {
    const validator = createValidator("APICredentialsManager.deleteCredentials", REDACTED);
    this.#checkTarget(validator, provider, userId);
    const actor = this.#checkActor(validator, options);
    validator.done();

    await this.#audited("delete", actor, provider, userId, async (audit, integrity) => {
      const key = recordKey(provider, userId);
      const stored = await this.#store.get(key);
      if (stored === undefined) throw this.#notFound(provider, userId);
      audit.version = stored.currentVersion ?? null;
      // The tombstone goes first: if the deletion is interrupted, the record left behind is already refused.
      await integrity.checkpoints.markDeleted(key, stored.generation);
      let found = false;
      await this.#store.update(key, (latest) => {
        found = latest !== undefined;
        return undefined;
      });
      if (!found) throw this.#notFound(provider, userId);
    });
  }

  /**
   * Reports which credentials are due for rotation, by `rotationInterval` on the manager's clock.
   *
   * @param filter - Optional `userId` and `provider` to narrow the report.
   * @returns One status per credential, ordered by provider then user.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the filter is malformed.
   * @throws {PelbiotError} INTEGRITY_ERROR when a stored record is malformed, edited or rolled back.
   * @example
   * ```ts
   * const due = (await creds.getRotationStatus()).filter((status) => status.due);
   * ```
   */
  async getRotationStatus(filter: RotationStatusFilter = {}): Promise<RotationStatus[]> {
    const validator = createValidator("APICredentialsManager.getRotationStatus", REDACTED);
    if (validator.object("filter", filter)) {
      if (filter.provider !== undefined)
        validator.string("filter.provider", filter.provider, { pattern: PROVIDER_PATTERN });
      if (filter.userId !== undefined) {
        if (validator.string("filter.userId", filter.userId, { maxLength: MAX_USER_ID_LENGTH })) {
          checkWellFormed(validator, "filter.userId", filter.userId);
        }
      }
    }
    validator.done();
    const integrity = await this.#loadIntegrity();
    const now = this.#clock.now();
    const statuses: RotationStatus[] = [];
    for (const [key, stored] of await this.#store.entries()) {
      const record = integrity.verify(stored, stored?.provider, stored?.userId);
      await integrity.checkpoints.check(key, record.generation);
      if (filter.provider !== undefined && record.provider !== filter.provider) continue;
      if (filter.userId !== undefined && record.userId !== filter.userId) continue;
      const current = record.versions.find((envelope) => envelope.version === record.currentVersion)!;
      const lastRotatedAt = Math.max(current.createdAt, current.encryptedAt);
      const dueAt = lastRotatedAt + this.#rotationInterval;
      statuses.push({
        provider: record.provider,
        userId: record.userId,
        version: current.version,
        createdAt: current.createdAt,
        lastRotatedAt,
        dueAt,
        due: now >= dueAt,
        keyVersion: current.wrappedKey.keyVersion,
        previousVersions: record.versions
          .filter((envelope) => envelope !== current && this.#isReadable(envelope, now))
          .map((envelope) => envelope.version),
      });
    }
    return statuses;
  }

  /**
   * Moves every stored data key to the key provider's current key-encryption key version, after a KEK rotation.
   * Records are handled one at a time, each in one atomic write, and records already on the current version are
   * skipped: the run is idempotent and can simply be started again after a crash or an abort. Ciphertexts are not
   * touched (only the wrapped data keys change). A record that fails (tampered, or the key service is down) is
   * reported and left as it was; the run goes on with the others.
   *
   * @param options - `onProgress`, an abort `signal` and the `actor`.
   * @returns Counts and the per-record failures.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is malformed.
   * @throws {PelbiotError} ABORTED when the signal fires (records done so far stay done).
   * @throws {PelbiotError} INTEGRITY_ERROR or PROVIDER_ERROR when the integrity root key cannot be unwrapped or
   * moved to the current key version (it is moved first; no record is touched then).
   * @example
   * ```ts
   * const report = await creds.rewrapAll({ onProgress: (progress) => console.log(`${progress.processed}/${progress.total}`) });
   * if (report.failures.length > 0) console.error(report.failures);
   * ```
   */
  async rewrapAll(options: RewrapAllOptions = {}): Promise<RewrapReport> {
    const validator = createValidator("APICredentialsManager.rewrapAll", REDACTED);
    const actor = this.#checkActor(validator, options);
    if (options?.onProgress !== undefined) validator.fn("options.onProgress", options.onProgress);
    if (options?.signal !== undefined) {
      validator.check(options.signal instanceof AbortSignal, "options.signal", "must be an AbortSignal");
    }
    validator.done();
    const { onProgress, signal } = options;

    const keyVersion = await this.#keyProvider.getCurrentKeyVersion();
    const integrity = await this.#loadIntegrity();
    await rewrapIntegrityKey(this.#keyProvider, this.#storage, keyVersion);
    const keys = await this.#store.keys();
    const failures: RewrapFailure[] = [];
    let rewrapped = 0;
    let alreadyCurrent = 0;
    let processed = 0;
    for (const key of keys) {
      if (signal?.aborted) {
        throw new PelbiotError("ABORTED", `rewrapAll was aborted after ${processed} of ${keys.length} records.`, {
          cause: signal.reason,
          details: { processed, total: keys.length },
        });
      }
      const stored = await this.#store.get(key);
      if (stored !== undefined) {
        const provider = String(stored.provider);
        const userId = String(stored.userId);
        if (stored.versions?.every?.((envelope) => envelope.wrappedKey?.keyVersion === keyVersion)) {
          alreadyCurrent += 1;
        } else {
          try {
            let found = false;
            await this.#audited("rewrap", actor, provider, userId, async (audit) => {
              audit.version = stored.currentVersion ?? null;
              const checkpoint = await integrity.checkpoints.read(key);
              const written = await this.#store.update(key, async (latest) => {
                found = latest !== undefined;
                // Deleted since the listing: nothing to move, and returning undefined writes nothing.
                if (latest === undefined) return undefined;
                const record = integrity.verify(latest, provider, userId);
                RollbackCheckpoints.assertCurrent(checkpoint, record.generation);
                const versions: StoredEnvelope[] = [];
                for (const envelope of record.versions) {
                  versions.push(
                    envelope.wrappedKey.keyVersion === keyVersion
                      ? envelope
                      : { ...envelope, wrappedKey: await this.#rewrapKey(provider, userId, envelope) },
                  );
                }
                return integrity.reseal(record, { versions });
              });
              if (written !== undefined) await integrity.checkpoints.advance(key, written.generation, false);
            });
            if (found) rewrapped += 1;
          } catch (error) {
            const failure = toPelbiotError(error, "PROVIDER_ERROR");
            failures.push({ provider, userId, code: failure.code, message: failure.message });
          }
        }
      }
      processed += 1;
      onProgress?.({ total: keys.length, processed, rewrapped, alreadyCurrent, failed: failures.length });
    }
    return { keyVersion, total: keys.length, processed, rewrapped, alreadyCurrent, failed: failures.length, failures };
  }

  /**
   * Returns the audit entries kept in memory, oldest first, optionally only one user's.
   *
   * @param userId - Only entries about this user's credentials.
   * @returns Frozen entries (no secrets).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `userId` is not a string.
   * @example
   * ```ts
   * const auditLog = await creds.getAuditLog("user-1");
   * ```
   */
  async getAuditLog(userId?: string): Promise<AuditEntry[]> {
    if (userId !== undefined) {
      const validator = createValidator("APICredentialsManager.getAuditLog", REDACTED);
      if (validator.string("userId", userId, { maxLength: MAX_USER_ID_LENGTH })) {
        checkWellFormed(validator, "userId", userId);
      }
      validator.done();
    }
    const entries = this.#audit.entries();
    return userId === undefined ? entries : entries.filter((entry) => entry.userId === userId);
  }

  /**
   * Exports a copy of the kept audit chain with its MAC-sealed anchor and head, for archiving and for
   * `verifyAuditChain()`. Editing the copy never affects the live log. Keep a recent `head` apart from the archive:
   * passed as `checkpoint` to `verifyAuditChain()`, it detects an archive cut back to an older head. Before the
   * manager has first reached its key provider the chain holds no entries and its points carry no MAC.
   *
   * @returns The chain.
   * @example
   * ```ts
   * await writeFile("audit.json", JSON.stringify(creds.exportAuditLog()));
   * ```
   */
  exportAuditLog(): AuditChain {
    return this.#audit.export();
  }

  /**
   * Wipes (overwrites with zeros) and drops every data key held by the `dataKeyCacheSize` cache, e.g. before a
   * process is checkpointed or after a suspected compromise. Does nothing when the cache is off.
   *
   * @returns How many keys were wiped.
   * @example
   * ```ts
   * creds.clearKeyCache(); // 0 when dataKeyCacheSize is 0
   * ```
   */
  clearKeyCache(): number {
    const size = this.#scheme.cache?.size ?? 0;
    this.#scheme.cache?.clear();
    return size;
  }

  /**
   * Verifies the in-memory audit chain under the audit key: every entry's HMAC recomputes and links to the one
   * before, starting from the sealed anchor of the truncated prefix and ending at the manager's own head, kept
   * outside the exported log (see `verifyAuditChain()` for exactly what a valid result proves).
   *
   * @returns The verification result.
   * @example
   * ```ts
   * (await creds.verifyAuditLog()).valid; // true
   * ```
   */
  async verifyAuditLog(): Promise<AuditVerification> {
    // Loading the key seals any entries that were waiting for it; a failure leaves them waiting and is reported.
    await this.#loadIntegrity().catch(() => undefined);
    return this.#audit.verify();
  }

  #checkTarget(validator: Validator, provider: unknown, userId: unknown): void {
    validator.string("provider", provider, { pattern: PROVIDER_PATTERN });
    if (
      validator.string("userId", userId, { maxLength: MAX_USER_ID_LENGTH }) &&
      checkWellFormed(validator, "userId", userId)
    ) {
      validator.check(
        recordKey("x", userId).length <= 900,
        "userId",
        "is too long once encoded for storage; use a shorter or ASCII id",
      );
    }
  }

  #checkActor(validator: Validator, options: CredentialCallOptions): string {
    if (!validator.object("options", options)) return this.#defaultActor;
    const { actor } = options as CredentialCallOptions;
    if (actor === undefined) return this.#defaultActor;
    return validator.string("options.actor", actor, { maxLength: MAX_ACTOR_LENGTH }) &&
      checkWellFormed(validator, "options.actor", actor)
      ? actor
      : this.#defaultActor;
  }

  // Runs an operation and appends its outcome to the audit log, success or failure.
  async #audited<T>(
    action: AuditAction,
    actor: string,
    provider: string,
    userId: string,
    operation: (audit: { version: number | null }, integrity: RecordIntegrity) => Promise<T>,
  ): Promise<T> {
    const audit = { version: null as number | null };
    try {
      const value = await operation(audit, await this.#loadIntegrity());
      this.#appendAudit(action, actor, provider, userId, audit.version, null);
      this.#logger.info(`credential ${action} succeeded`, { provider, userId, version: audit.version, actor });
      return value;
    } catch (error) {
      // Any non-PELBIOT error here comes from the key provider or the storage adapter; its message may be
      // anything, so it is wrapped rather than shown.
      const failure = PelbiotError.is(error)
        ? error
        : new PelbiotError("PROVIDER_ERROR", `Credential ${action} failed in the key provider or storage.`, {
            cause: error,
          });
      this.#appendAudit(action, actor, provider, userId, audit.version, failure.code);
      this.#logger.warn(`credential ${action} failed`, {
        provider,
        userId,
        version: audit.version,
        actor,
        code: failure.code,
      });
      throw failure;
    }
  }

  #appendAudit(
    action: AuditAction,
    actor: string,
    provider: string,
    userId: string,
    credentialVersion: number | null,
    errorCode: PelbiotErrorCode | null,
  ): void {
    const event: AuditEvent = {
      time: this.#clock.now(),
      actor,
      action,
      result: errorCode === null ? "success" : "failure",
      provider,
      userId,
      credentialVersion,
      errorCode,
    };
    this.#deliverAudit(this.#audit.append(event));
  }

  #deliverAudit(entries: readonly AuditEntry[]): void {
    if (this.#onAuditEntry === undefined) return;
    for (const entry of entries) {
      try {
        this.#onAuditEntry(entry);
      } catch (error) {
        this.#logger.error("onAuditEntry threw; the entry is kept in memory", {
          sequence: entry.sequence,
          error: String(error),
        });
      }
    }
  }

  #notFound(provider: string, userId: string): PelbiotError {
    return new PelbiotError(
      "NOT_FOUND",
      `User ${JSON.stringify(userId)} has no ${provider} credential; store one with storeCredentials() first.`,
      { details: { provider, userId } },
    );
  }

  #isReadable(envelope: StoredEnvelope, now: number = this.#clock.now()): boolean {
    return envelope.validUntil === null || now < envelope.validUntil;
  }

  async #readRecord(provider: string, userId: string, integrity: RecordIntegrity): Promise<StoredCredentialRecord> {
    const key = recordKey(provider, userId);
    const stored = await this.#store.get(key);
    if (stored === undefined) throw this.#notFound(provider, userId);
    const record = integrity.verify(stored, provider, userId);
    await integrity.checkpoints.check(key, record.generation);
    return record;
  }

  async #sealEnvelope(
    provider: string,
    userId: string,
    version: number,
    secrets: DecodedSecrets,
    createdAt: number,
    encryptedAt: number,
  ): Promise<StoredEnvelope> {
    const algorithm = this.#algorithm;
    const plaintext = Buffer.from(JSON.stringify([secrets.apiKey, secrets.apiSecret]));
    try {
      const sealed = await sealKeyEnvelope(
        this.#scheme,
        algorithm,
        plaintext,
        envelopeAssociatedData(algorithm, provider, userId, version),
        envelopeKeyContext(provider, userId, version),
      );
      return { version, algorithm, ...sealed, createdAt, encryptedAt, validUntil: null };
    } finally {
      plaintext.fill(0);
    }
  }

  async #openEnvelope(provider: string, userId: string, envelope: StoredEnvelope): Promise<DecodedSecrets> {
    const plaintext = await openKeyEnvelope(
      this.#scheme,
      envelope.algorithm,
      envelope,
      envelopeAssociatedData(envelope.algorithm, provider, userId, envelope.version),
      envelopeKeyContext(provider, userId, envelope.version),
    );
    let decoded: unknown;
    try {
      decoded = JSON.parse(plaintext.toString("utf8"));
    } catch {
      // No cause: a JSON syntax error quotes the text it choked on, which here is the plaintext.
      throw new PelbiotError("INTEGRITY_ERROR", "The decrypted credential is not in the expected format.");
    } finally {
      plaintext.fill(0);
    }
    if (!Array.isArray(decoded) || !isSecretString(decoded[0]) || !isSecretString(decoded[1])) {
      throw new PelbiotError("INTEGRITY_ERROR", "The decrypted credential has an unexpected layout.");
    }
    return { apiKey: decoded[0], apiSecret: decoded[1] };
  }

  async #rewrapKey(provider: string, userId: string, envelope: StoredEnvelope): Promise<WrappedKey> {
    const context = envelopeKeyContext(provider, userId, envelope.version);
    if (this.#keyProvider.rewrapKey !== undefined) return this.#keyProvider.rewrapKey(envelope.wrappedKey, context);
    const dataKey = await this.#keyProvider.unwrapKey(envelope.wrappedKey, context);
    try {
      return await this.#keyProvider.wrapKey(dataKey, context);
    } finally {
      dataKey.fill(0);
    }
  }

  #toCredential(record: StoredCredentialRecord, envelope: StoredEnvelope, secrets: DecodedSecrets): Credential {
    return new Credential(
      {
        provider: record.provider,
        userId: record.userId,
        version: envelope.version,
        current: envelope.version === record.currentVersion,
        algorithm: envelope.algorithm,
        keyId: envelope.wrappedKey.keyId,
        keyVersion: envelope.wrappedKey.keyVersion,
        createdAt: envelope.createdAt,
        encryptedAt: envelope.encryptedAt,
        validUntil: envelope.validUntil,
      },
      secrets,
    );
  }
}
