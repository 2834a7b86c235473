import { hash } from "node:crypto";
import type { PelbiotErrorCode } from "@pelbiot/core";

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
 * One tamper-evident audit record. Never holds a secret, masked or not.
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
  /** The hash of the previous entry (or of the anchor). */
  readonly previousHash: string;
  /** SHA-256 (hex) over `previousHash` and the canonical form of this entry's other fields. */
  readonly hash: string;
}

/**
 * A position in the chain: a sequence number and the hash of the entry there.
 *
 * @example
 * ```ts
 * const { head }: { head: AuditChainPoint } = creds.exportAuditLog();
 * ```
 */
export interface AuditChainPoint {
  /** Sequence of the entry (0 for the start of the chain). */
  readonly sequence: number;
  /** Hash of that entry ({@link AUDIT_GENESIS_HASH} for sequence 0). */
  readonly hash: string;
}

/**
 * An exported audit log: the kept entries, the anchor standing in for the truncated prefix, and the head. Publish
 * or sign `head` elsewhere to make removing entries from the end detectable too.
 *
 * @example
 * ```ts
 * const chain: AuditChain = creds.exportAuditLog();
 * verifyAuditChain(chain).valid; // true
 * ```
 */
export interface AuditChain {
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
  /** Index in `entries` of the first bad entry, or `null`. */
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
 * Computes an entry's hash: SHA-256 over the previous hash followed by a fixed-order JSON array of the entry's
 * fields, so any edited field, or an entry moved to another position, changes every later hash.
 *
 * @param entry - The entry without its hash.
 * @returns The hex digest.
 * @example
 * ```ts
 * hashAuditEntry(entry) === entry.hash; // true for an untouched entry
 * ```
 */
export function hashAuditEntry(entry: Omit<AuditEntry, "hash">): string {
  const canonical = JSON.stringify([
    entry.sequence,
    entry.time,
    entry.actor,
    entry.action,
    entry.result,
    entry.provider,
    entry.userId,
    entry.credentialVersion,
    entry.errorCode,
  ]);
  // The previous hash is fixed-length hex, so plain concatenation is unambiguous.
  return hash("sha256", entry.previousHash + canonical, "hex");
}

/**
 * Verifies an exported audit chain: the first entry continues the anchor, sequences are consecutive, every
 * `previousHash` links to the entry before, every hash recomputes, and the last entry matches the head. Detects any
 * edited, removed, inserted or reordered entry.
 *
 * @param chain - What `APICredentialsManager.exportAuditLog()` returned, possibly after storage elsewhere.
 * @returns Whether it is intact, and where it first breaks.
 * @example
 * ```ts
 * const report = verifyAuditChain(JSON.parse(archivedText));
 * if (!report.valid) alert(`audit log tampered at entry ${report.firstInvalidIndex}: ${report.reason}`);
 * ```
 */
export function verifyAuditChain(chain: AuditChain): AuditVerification {
  const fail = (index: number, reason: string): AuditVerification => ({
    valid: false,
    checkedEntries: index,
    firstInvalidIndex: index,
    reason,
  });
  if (typeof chain !== "object" || chain === null || !Array.isArray(chain.entries)) {
    return fail(0, "the chain is not an object with an entries array");
  }
  let previous: AuditChainPoint = chain.anchor;
  for (const [index, entry] of chain.entries.entries()) {
    if (typeof entry !== "object" || entry === null) return fail(index, "entry is not an object");
    if (entry.sequence !== previous.sequence + 1) {
      return fail(index, `sequence ${entry.sequence} does not follow ${previous.sequence}`);
    }
    if (entry.previousHash !== previous.hash) return fail(index, "previousHash does not link to the entry before");
    const { hash, ...rest } = entry;
    if (hashAuditEntry(rest) !== hash) return fail(index, "hash does not match the entry's content");
    previous = { sequence: entry.sequence, hash };
  }
  const head = chain.head;
  if (head?.sequence !== previous.sequence || head.hash !== previous.hash) {
    return fail(chain.entries.length, "the last entry is not the recorded head: entries were removed or added");
  }
  return { valid: true, checkedEntries: chain.entries.length, firstInvalidIndex: null, reason: null };
}
