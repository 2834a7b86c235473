import { createValidator, type PelbiotErrorCode, type StorageAdapter } from "@pelbiot/core";
import { loadIntegrityKeys } from "./internal/integrity-keys";
import { verifyKeyedAuditChain } from "./internal/verify-keyed-chain";
import type { KeyProvider } from "./key-provider";

/**
 * What an audit entry records. `reencrypt` is a rotation without new values; `rewrap` a key-encryption-key move.
 *
 * @example
 * ```ts
 * const reads = log.filter((entry) => entry.action === ("read" satisfies AuditAction));
 * ```
 */
export type AuditAction = "store" | "read" | "rotate" | "reencrypt" | "delete" | "rewrap";

/**
 * One tamper-evident audit record, chained to the one before by an HMAC only the key provider's holder can compute. Never holds a secret, masked or not.
 *
 * @example
 * ```ts
 * const entry: AuditEntry = (await creds.getAuditLog("user-1"))[0]!;
 * entry.action; // "store"
 * ```
 */
export interface AuditEntry {
  /** Position in the chain, starting at 1 and never reused. */
  readonly sequence: number;
  /** When it happened (epoch milliseconds, from the manager's clock). */
  readonly time: number;
  /** Who did it: the `actor` option of the call, or the manager's `defaultActor`. */
  readonly actor: string;
  /** What was attempted. */
  readonly action: AuditAction;
  /** Whether it worked. */
  readonly result: "success" | "failure";
  /** The third-party provider concerned. */
  readonly provider: string;
  /** The user whose credential it was. */
  readonly userId: string;
  /** The credential version concerned, when known. */
  readonly credentialVersion: number | null;
  /** The error code of a failure, `null` on success. */
  readonly errorCode: PelbiotErrorCode | null;
  /** The `hash` of the previous entry (or of the anchor). */
  readonly previousHash: string;
  /**
   * HMAC-SHA-256 (hex) under the audit key, over the chain id, `previousHash` and the canonical form of this entry's
   * other fields. The audit key is derived (HKDF) from a root key wrapped by the manager's key provider.
   */
  readonly hash: string;
}

/**
 * A position in the chain: a sequence number, the entry's `hash` there, and a MAC sealing it as the anchor or the
 * head of an export.
 *
 * @example
 * ```ts
 * const { head }: { head: AuditChainPoint } = creds.exportAuditLog();
 * ```
 */
export interface AuditChainPoint {
  /** Sequence of the entry (0 for the start of the chain). */
  readonly sequence: number;
  /** `hash` of that entry ({@link AUDIT_GENESIS_HASH} for sequence 0). */
  readonly hash: string;
  /** HMAC-SHA-256 (hex) under the audit key over the chain id, the role (anchor or head), sequence and hash. */
  readonly mac: string;
}

/**
 * An exported audit log: a copy of the kept entries, the anchor standing in for the truncated prefix, and the head,
 * both sealed by the audit key. Keep a recent `head` apart from the archive (it is a checkpoint) to detect an
 * archive cut back to an older, genuine head.
 *
 * @example
 * ```ts
 * const chain: AuditChain = creds.exportAuditLog();
 * (await verifyAuditChain(chain, { keyProvider, storage })).valid; // true
 * ```
 */
export interface AuditChain {
  /** Random id of the manager instance's chain, MACed into every entry and point. */
  readonly chainId: string;
  /** The last entry dropped by `maxAuditLogSize` (sequence 0 and the genesis hash when nothing was dropped). */
  readonly anchor: AuditChainPoint;
  /** The newest entry when the chain was exported. */
  readonly head: AuditChainPoint;
  /** The kept entries, oldest first. */
  readonly entries: readonly AuditEntry[];
}

/**
 * Outcome of {@link verifyAuditChain}.
 *
 * @example
 * ```ts
 * const { valid, reason }: AuditVerification = await creds.verifyAuditLog();
 * ```
 */
export interface AuditVerification {
  /** Whether every check passed. */
  readonly valid: boolean;
  /** How many entries were checked before the first problem (all of them when valid). */
  readonly checkedEntries: number;
  /** Index in `entries` of the first bad entry (`entries.length` for a bad head or checkpoint), or `null`. */
  readonly firstInvalidIndex: number | null;
  /** What was wrong, or `null`. */
  readonly reason: string | null;
}

/**
 * The `previousHash` of the first entry ever written: 64 zeros.
 *
 * @example
 * ```ts
 * (await creds.getAuditLog())[0]?.previousHash === AUDIT_GENESIS_HASH; // true until the log is truncated
 * ```
 */
export const AUDIT_GENESIS_HASH = "0".repeat(64);

/**
 * Options of {@link verifyAuditChain}: where the audit key comes from, and an optional checkpoint.
 *
 * @example
 * ```ts
 * const options: VerifyAuditChainOptions = { keyProvider, storage, checkpoint: savedHead };
 * ```
 */
export interface VerifyAuditChainOptions {
  /** The key provider of the manager that wrote the chain (it unwraps the root of the audit key). */
  keyProvider: KeyProvider;
  /** The manager's `storage`, which holds the wrapped root key (`<keyPrefix>credentials-integrity:root-key`). */
  storage: StorageAdapter;
  /** The manager's `keyPrefix`. @default "" */
  keyPrefix?: string;
  /**
   * A `head` of the same chain exported earlier and kept apart from the archive. The chain must reach it and agree
   * with it, so an archive cut back to an older genuine head is rejected.
   */
  checkpoint?: AuditChainPoint;
}

/**
 * Verifies an exported audit chain under its audit key (HMAC-SHA-256, derived by HKDF from a root key that only
 * the key provider can unwrap).
 *
 * A valid result proves, to anyone who trusts the key provider: every entry from the anchor to the head was written
 * by a holder of the audit key for this `chainId`, with none edited, removed, inserted or reordered; the anchor and
 * the head were sealed by that holder, so entries cannot be dropped from the start (forging the anchor) or from the
 * end (rewriting the head); and, with `checkpoint`, the chain reaches that earlier head and agrees with it.
 *
 * It does not prove: that the chain is the newest export, without a checkpoint (an older genuine export verifies);
 * anything about entries dropped before the anchor by `maxAuditLogSize`; anything against someone who can use the
 * key provider (they hold the key); or that the recorded events are true.
 *
 * Until this release the chain was a plain SHA-256 chain verified by `verifyAuditChain(chain)`; that call shape now
 * rejects with `VALIDATION_ERROR`, because an unkeyed check proves nothing.
 *
 * @param chain - What `APICredentialsManager.exportAuditLog()` returned, possibly after storage elsewhere.
 * @param options - The `keyProvider` and `storage` of the manager, and an optional `checkpoint`.
 * @returns Whether it is intact, and where it first breaks; a malformed chain is reported invalid, never thrown.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `options` lacks a key provider or storage.
 * @throws {PelbiotError} INTEGRITY_ERROR or PROVIDER_ERROR when the audit key cannot be unwrapped.
 * @example
 * ```ts
 * const report = await verifyAuditChain(JSON.parse(archivedText), { keyProvider, storage, checkpoint: savedHead });
 * if (!report.valid) alert(`audit log tampered at entry ${report.firstInvalidIndex}: ${report.reason}`);
 * ```
 */
export async function verifyAuditChain(
  chain: AuditChain,
  options: VerifyAuditChainOptions,
): Promise<AuditVerification> {
  const validator = createValidator("verifyAuditChain", { redactStrings: true });
  if (
    validator.check(
      typeof options === "object" && options !== null,
      "options",
      "must be { keyProvider, storage }: the audit chain is keyed, so it cannot be verified without its key",
    )
  ) {
    if (validator.object("options.keyProvider", options.keyProvider)) {
      validator.fn("options.keyProvider.unwrapKey", options.keyProvider.unwrapKey);
    }
    if (validator.object("options.storage", options.storage)) {
      validator.fn("options.storage.getItem", options.storage.getItem);
    }
    if (options.keyPrefix !== undefined) {
      validator.string("options.keyPrefix", options.keyPrefix, { minLength: 0, maxLength: 100 });
    }
  }
  validator.done();
  const keys = await loadIntegrityKeys(options.keyProvider, options.storage, options.keyPrefix);
  if (keys === undefined) {
    return {
      valid: false,
      checkedEntries: 0,
      firstInvalidIndex: 0,
      reason: "the storage holds no audit key: it is not the storage of the manager that wrote the chain",
    };
  }
  return verifyKeyedAuditChain(chain, keys.auditKey, options.checkpoint);
}
