import type { PelbiotErrorCode } from "@pelbiot/core";
import type { AuditEntry } from "./verify-audit-chain";

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
 * await creds.rotateCredentials("stripe", "user-1", next, { overlapMs: 15 * 60 * 1000 });
 * ```
 */
export interface RotateCredentialsOptions extends CredentialCallOptions {
  /** Overrides the manager's `rotationOverlapMs` for this rotation (milliseconds). @default the manager's */
  overlapMs?: number;
  /** The guide's name of `overlapMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
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
  /** When it falls due: `lastRotatedAt + rotationIntervalMs`. */
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
  /** Readable records found when the run started (damaged ones are counted in `damaged` instead). */
  readonly total: number;
  /** Records handled so far (rewrapped, already current, gone or failed). */
  readonly processed: number;
  /** Records moved to the current key version. */
  readonly rewrapped: number;
  /** Records that were already on the current key version. */
  readonly alreadyCurrent: number;
  /** Records that could not be rewrapped. */
  readonly failed: number;
  /**
   * Damaged records (not readable as JSON, or refused by the storage adapter) that the listing skipped and moved to
   * quarantine; each was also reported by a `record_damaged` event.
   */
  readonly damaged: number;
  /** Format-1 records sealed as current records, with `adoptLegacyRecords: true`. */
  readonly adopted: number;
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
  /**
   * Adopts records written by releases before records were authenticated (format 1, refused otherwise with
   * `INTEGRITY_ERROR`): each one whose every version decrypts with the key provider is sealed as a current record
   * (MAC and rollback checkpoint) and rewrapped. Nothing in a format-1 record protected its version state, so
   * adopting **trusts the storage as it is at that moment**: run it once, right after upgrading, while nobody else
   * can have written to the storage. A record that fails to decrypt is reported in `failures` and left as it was.
   * @default false
   */
  adoptLegacyRecords?: boolean;
}

/**
 * Payload of the `record_damaged` event: a stored credential record that a listing (`getRotationStatus`,
 * `rewrapAll`) skipped so the others keep working.
 *
 * @example
 * ```ts
 * creds.on("record_damaged", (event: CredentialRecordDamaged) => alert(`${event.provider}/${event.userId}: ${event.message}`));
 * ```
 */
export interface CredentialRecordDamaged {
  /** The provider, read from the record's key. */
  readonly provider: string;
  /** The user, read from the record's key. */
  readonly userId: string;
  /** The record's key in the credentials store (without the storage prefix). */
  readonly key: string;
  /**
   * Where the record was moved (`listQuarantinedRecords()` of `@pelbiot/core` lists it), or `undefined` when it
   * stays in place: a record that is readable but fails authentication or the rollback check is left for
   * `getCredentials` to keep refusing.
   */
  readonly quarantineKey: string | undefined;
  /** `INTEGRITY_ERROR`. */
  readonly code: PelbiotErrorCode;
  /** What was wrong (never a secret). */
  readonly message: string;
}

/**
 * Events of {@link APICredentialsManager}.
 *
 * @example
 * ```ts
 * creds.on("audit_entry", (entry) => archive.append(JSON.stringify(entry)));
 * ```
 */
export interface APICredentialsManagerEvents {
  /**
   * Every audit entry as it is appended (sealed), e.g. to ship it to durable, append-only storage: the in-memory
   * log is bounded by `maxAuditLogSize` and does not survive a restart. A listener's error is logged and ignored.
   */
  audit_entry: [entry: AuditEntry];
  /** A listing skipped a damaged or unauthentic record; see {@link CredentialRecordDamaged}. */
  record_damaged: [event: CredentialRecordDamaged];
}
