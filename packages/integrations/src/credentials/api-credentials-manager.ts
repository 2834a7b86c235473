import { createValidator, PelbiotError, TypedEventEmitter, type Validator } from "@pelbiot/core";
import { createDataKeyCache } from "../internal/data-key-cache";
import type { KeyEnvelopeScheme } from "../internal/key-envelope";
import {
  type APICredentialsManagerOptions,
  type ResolvedAPICredentialsManagerOptions,
  readDurationOption,
  resolveAPICredentialsManagerOptions,
} from "./api-credentials-manager-options";
import type {
  APICredentialsManagerEvents,
  CredentialCallOptions,
  CredentialRotationValues,
  GetCredentialsOptions,
  RewrapAllOptions,
  RewrapReport,
  RotateCredentialsOptions,
  RotationStatus,
  RotationStatusFilter,
} from "./api-credentials-manager-types";
import type { Credential } from "./credential";
import { AuditedCalls } from "./internal/audited-calls";
import {
  checkCallOptions,
  checkProvider,
  checkSecret,
  checkTarget,
  checkUserId,
  REDACTED,
} from "./internal/credential-arguments";
import { isReadable, openEnvelope, toCredential } from "./internal/credential-envelopes";
import { CredentialStore, credentialNotFound } from "./internal/credential-store";
import { createRecord, deleteRecord, rotateRecord, type WriteParts } from "./internal/credential-writes";
import { rewrapIntegrityKey } from "./internal/integrity-keys";
import { createIntegrityLoader, type RecordIntegrity } from "./internal/record-integrity";
import { rewrapRecords } from "./internal/rewrap-records";
import type { AuditChain, AuditEntry, AuditVerification } from "./verify-audit-chain";

export type {
  APICredentialsManagerOptions,
  CredentialsEnvironment,
} from "./api-credentials-manager-options";
export type {
  APICredentialsManagerEvents,
  CredentialCallOptions,
  CredentialRecordDamaged,
  CredentialRotationValues,
  GetCredentialsOptions,
  RewrapAllOptions,
  RewrapFailure,
  RewrapProgress,
  RewrapReport,
  RotateCredentialsOptions,
  RotationStatus,
  RotationStatusFilter,
} from "./api-credentials-manager-types";
export type { CredentialEncryptionAlgorithm } from "./internal/credential-record";

const CALL_OPTION_KEYS = ["actor"] as const;
const GET_OPTION_KEYS = ["actor", "version"] as const;
const ROTATE_OPTION_KEYS = ["actor", "overlapMs", "overlap"] as const;
const REWRAP_OPTION_KEYS = ["actor", "onProgress", "signal", "adoptLegacyRecords"] as const;
const FILTER_KEYS = ["userId", "provider"] as const;

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
 * back (the pre-rotation record, or a deleted credential) fails too. The audit log is HMAC-chained under the other key.
 * Not detected: a rollback of the records together with their checkpoints, when both share one storage.
 *
 * Listings (`getRotationStatus`, `rewrapAll`) skip a damaged record (quarantined) or one that fails authentication
 * (left in place), report it with a `record_damaged` event and go on with the others.
 *
 * Validation errors (`VALIDATION_ERROR`) reject a call before anything happens and are not audited; every other
 * outcome (success, `NOT_FOUND`, `CONFLICT`, `INTEGRITY_ERROR`, key-provider failures) is appended to the audit log
 * and emitted as an `audit_entry` event.
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
export class APICredentialsManager extends TypedEventEmitter<APICredentialsManagerEvents> {
  readonly #options: ResolvedAPICredentialsManagerOptions;
  readonly #scheme: KeyEnvelopeScheme;
  readonly #store: CredentialStore;
  readonly #audited: AuditedCalls;
  readonly #loadIntegrity: () => Promise<RecordIntegrity>;

  /**
   * @param options - Algorithm, rotation, audit bound, key provider, environment, storage, key prefix, clock and
   * logger; see {@link APICredentialsManagerOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
   * ones), or a duration given under both its `Ms` name and the guide's alias.
   * @throws {PelbiotError} CONFIGURATION_ERROR when `encryptionAlgorithm` is not `aes-256-gcm`/`aes-256-cbc`, or no
   * `keyProvider` is given, `PELBIOT_CREDENTIAL_KEYS` is not set and `environment` does not allow an ephemeral key.
   */
  constructor(options: APICredentialsManagerOptions = {}) {
    const resolved = resolveAPICredentialsManagerOptions(options);
    // A listener's failure must never fail the credential call that emitted: it is logged and ignored.
    super({
      onListenerError: (error, event) =>
        resolved.logger.error("an APICredentialsManager listener threw; ignored", {
          event: String(event),
          error: String(error),
        }),
    });
    this.#options = resolved;
    const { keyProvider, storage, checkpointStorage, keyPrefix, logger, dataKeyCacheSize } = resolved;
    this.#scheme = {
      keyProvider,
      ...(dataKeyCacheSize > 0 ? { cache: createDataKeyCache(dataKeyCacheSize) } : {}),
    };
    this.#store = new CredentialStore(storage, keyPrefix, logger, (event) => this.emit("record_damaged", event));
    this.#loadIntegrity = createIntegrityLoader(keyProvider, storage, checkpointStorage, keyPrefix, (keys) =>
      this.#audited.setKey(keys.auditKey),
    );
    this.#audited = new AuditedCalls(resolved.maxAuditLogSize, resolved, this.#loadIntegrity, (entry) =>
      this.emit("audit_entry", entry),
    );
    if (resolved.onAuditEntry !== undefined) this.on("audit_entry", resolved.onAuditEntry);
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
    const check = createValidator("APICredentialsManager.storeCredentials", REDACTED);
    checkTarget(check, provider, userId);
    checkSecret(check, "apiKey", apiKey);
    checkSecret(check, "apiSecret", apiSecret);
    const actor = checkCallOptions(check, options, CALL_OPTION_KEYS, this.#options.defaultActor);
    check.done();

    return this.#audited.run({ action: "store", actor, provider, userId }, async (note, integrity) => {
      const written = await createRecord(this.#writeParts(integrity), provider, userId, { apiKey, apiSecret });
      note.version = 1;
      return toCredential(written.record, written.envelope, written.secrets);
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
   * @throws {PelbiotError} NOT_FOUND (`details.id` `"<provider>/<userId>"`) when there is no such credential or
   * version, or the version's overlap ended.
   * @throws {PelbiotError} INTEGRITY_ERROR when the stored envelope fails authentication (altered ciphertext, IV or
   * tag, a record moved between users or providers, or a wrong key version), its version state was edited, it is
   * older than the last record written (rolled back), or it was written by an earlier release (format 1).
   * @example
   * ```ts
   * const { apiKey } = (await creds.getCredentials("stripe", "user-1")).reveal();
   * ```
   */
  async getCredentials(provider: string, userId: string, options: GetCredentialsOptions = {}): Promise<Credential> {
    const check = createValidator("APICredentialsManager.getCredentials", REDACTED);
    checkTarget(check, provider, userId);
    const actor = checkCallOptions(check, options, GET_OPTION_KEYS, this.#options.defaultActor);
    if (options?.version !== undefined) check.number("options.version", options.version, { integer: true, min: 1 });
    check.done();

    return this.#audited.run({ action: "read", actor, provider, userId }, async (note, integrity) => {
      const record = await this.#store.read(provider, userId, integrity);
      const wanted = options.version ?? record.currentVersion;
      note.version = wanted;
      const envelope = record.versions.find((candidate) => candidate.version === wanted);
      if (envelope === undefined || !isReadable(envelope, this.#options.clock.now())) {
        throw credentialNotFound(
          provider,
          userId,
          `Version ${wanted} of the ${provider} credential of user ${JSON.stringify(userId)} does not exist or its ` +
            `rotation overlap has ended; the current version is ${record.currentVersion}.`,
        );
      }
      return toCredential(record, envelope, await openEnvelope(this.#scheme, provider, userId, envelope));
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
   * @param options - `overlapMs` (alias `overlap`) for this rotation and the `actor`.
   * @returns The new current credential.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND when there is no such credential.
   * @throws {PelbiotError} INTEGRITY_ERROR when the stored record was altered or rolled back, or re-encryption finds
   * the envelope altered.
   * @example
   * ```ts
   * await creds.rotateCredentials("stripe", "user-1", { apiKey: "sk_live_new", apiSecret: "new-secret" }, { overlapMs: 60 * 60 * 1000 });
   * await creds.rotateCredentials("stripe", "user-1"); // fresh data key, same values
   * ```
   */
  async rotateCredentials(
    provider: string,
    userId: string,
    next?: CredentialRotationValues,
    options: RotateCredentialsOptions = {},
  ): Promise<Credential> {
    const check = createValidator("APICredentialsManager.rotateCredentials", REDACTED);
    checkTarget(check, provider, userId);
    if (next !== undefined && check.object("next", next)) {
      check.knownKeys("next", next, ["apiKey", "apiSecret"]);
      checkSecret(check, "next.apiKey", next.apiKey);
      checkSecret(check, "next.apiSecret", next.apiSecret);
    }
    const actor = checkCallOptions(check, options, ROTATE_OPTION_KEYS, this.#options.defaultActor);
    const overlapMs = this.#readOverlap(check, options);
    check.done();

    const action = next === undefined ? "reencrypt" : "rotate";
    return this.#audited.run({ action, actor, provider, userId }, async (note, integrity) => {
      const overlap = overlapMs ?? this.#options.rotationOverlapMs;
      const written = await rotateRecord(this.#writeParts(integrity), provider, userId, next, overlap);
      note.version = written.envelope.version;
      return toCredential(written.record, written.envelope, written.secrets);
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
    const check = createValidator("APICredentialsManager.deleteCredentials", REDACTED);
    checkTarget(check, provider, userId);
    const actor = checkCallOptions(check, options, CALL_OPTION_KEYS, this.#options.defaultActor);
    check.done();

    await this.#audited.run({ action: "delete", actor, provider, userId }, async (note, integrity) => {
      await deleteRecord({ store: this.#store, integrity }, provider, userId, (version) => {
        note.version = version;
      });
    });
  }

  /**
   * Reports which credentials are due for rotation, by `rotationIntervalMs` on the manager's clock. A damaged
   * record, or one that fails authentication or the rollback check, is skipped and reported with a `record_damaged`
   * event (`getCredentials` on it still throws `INTEGRITY_ERROR`).
   *
   * @param filter - Optional `userId` and `provider` to narrow the report.
   * @returns One status per credential, ordered by provider then user.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the filter is malformed.
   * @throws {PelbiotError} STORAGE_ERROR or PROVIDER_ERROR when the storage or the key provider fails.
   * @example
   * ```ts
   * const due = (await creds.getRotationStatus()).filter((status) => status.due);
   * ```
   */
  async getRotationStatus(filter: RotationStatusFilter = {}): Promise<RotationStatus[]> {
    const check = createValidator("APICredentialsManager.getRotationStatus", REDACTED);
    if (check.object("filter", filter)) {
      check.knownKeys("filter", filter, FILTER_KEYS);
      if (filter.provider !== undefined) checkProvider(check, "filter.provider", filter.provider);
      if (filter.userId !== undefined) checkUserId(check, "filter.userId", filter.userId);
    }
    check.done();
    const records = await this.#wrapInternal(async () => this.#store.listVerified(await this.#loadIntegrity()));
    const now = this.#options.clock.now();
    const statuses: RotationStatus[] = [];
    for (const record of records) {
      if (filter.provider !== undefined && record.provider !== filter.provider) continue;
      if (filter.userId !== undefined && record.userId !== filter.userId) continue;
      const current = record.versions.find((envelope) => envelope.version === record.currentVersion)!;
      const lastRotatedAt = Math.max(current.createdAt, current.encryptedAt);
      const dueAt = lastRotatedAt + this.#options.rotationIntervalMs;
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
          .filter((envelope) => envelope !== current && isReadable(envelope, now))
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
   * reported in `failures` and left as it was; a damaged record (not readable) is quarantined, counted in `damaged`
   * and reported with a `record_damaged` event. Either way the run goes on with the others.
   *
   * With `adoptLegacyRecords: true`, records written by earlier releases (format 1) are sealed as current records
   * once every version decrypts; see {@link RewrapAllOptions.adoptLegacyRecords} for what that trusts.
   *
   * @param options - `onProgress`, an abort `signal`, `adoptLegacyRecords` and the `actor`.
   * @returns Counts and the per-record failures.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is malformed or unknown.
   * @throws {PelbiotError} ABORTED when the signal fires (records done so far stay done).
   * @throws {PelbiotError} INTEGRITY_ERROR or PROVIDER_ERROR when the integrity root key cannot be unwrapped or
   * moved to the current key version (it is moved first; no record is touched then).
   * @example
   * ```ts
   * const report = await creds.rewrapAll({ onProgress: (progress) => console.log(`${progress.processed}/${progress.total}`) });
   * if (report.failures.length > 0 || report.damaged > 0) console.error(report.failures);
   * ```
   */
  async rewrapAll(options: RewrapAllOptions = {}): Promise<RewrapReport> {
    const check = createValidator("APICredentialsManager.rewrapAll", REDACTED);
    const actor = checkCallOptions(check, options, REWRAP_OPTION_KEYS, this.#options.defaultActor);
    if (options?.onProgress !== undefined) check.fn("options.onProgress", options.onProgress);
    if (options?.signal !== undefined) {
      check.check(options.signal instanceof AbortSignal, "options.signal", "must be an AbortSignal");
    }
    if (options?.adoptLegacyRecords !== undefined)
      check.boolean("options.adoptLegacyRecords", options.adoptLegacyRecords);
    check.done();

    const { keyProvider, storage, keyPrefix } = this.#options;
    const { keyVersion, integrity, listing } = await this.#wrapInternal(async () => {
      const current = await keyProvider.getCurrentKeyVersion();
      const loaded = await this.#loadIntegrity();
      await rewrapIntegrityKey(keyProvider, storage, current, keyPrefix);
      return { keyVersion: current, integrity: loaded, listing: await this.#store.listStored() };
    });
    const parts = { keyProvider, scheme: this.#scheme, store: this.#store, audited: this.#audited, integrity };
    return rewrapRecords(parts, {
      keyVersion,
      listing,
      actor,
      adoptLegacyRecords: options.adoptLegacyRecords === true,
      onProgress: options.onProgress,
      signal: options.signal,
    });
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
      const check = createValidator("APICredentialsManager.getAuditLog", REDACTED);
      checkUserId(check, "userId", userId);
      check.done();
    }
    const entries = this.#audited.log.entries();
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
    return this.#audited.log.export();
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
    return this.#audited.log.verify();
  }

  #readOverlap(check: Validator, options: RotateCredentialsOptions): number | undefined {
    if (typeof options !== "object" || options === null) return undefined;
    return readDurationOption(check, "options", options as Record<string, unknown>, "overlapMs", "overlap", 0);
  }

  #writeParts(integrity: RecordIntegrity): WriteParts {
    const { encryptionAlgorithm: algorithm, clock } = this.#options;
    return { scheme: this.#scheme, algorithm, clock, store: this.#store, integrity };
  }

  // Only PelbiotErrors leave public methods: a key provider's or storage adapter's own error is wrapped.
  async #wrapInternal<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (PelbiotError.is(error)) throw error;
      throw new PelbiotError("PROVIDER_ERROR", "The key provider or the storage failed.", { cause: error });
    }
  }
}
