import { randomUUID } from "node:crypto";
import {
  AUDIT_GENESIS_HASH,
  type AuditChain,
  type AuditChainPoint,
  type AuditEntry,
  type AuditVerification,
} from "../verify-audit-chain";
import { auditEntryMac, auditPointMac } from "./audit-mac";
import { verifyKeyedAuditChain } from "./verify-keyed-chain";

/** An audit entry before it is sequenced and MACed. */
export type AuditEvent = Omit<AuditEntry, "sequence" | "previousHash" | "hash">;

type Point = Omit<AuditChainPoint, "mac">;

/**
 * The in-memory, HMAC-chained audit log of one manager. Keeps at most `maxSize` entries; dropped entries are replaced
 * by an anchor (the last dropped entry's sequence and MAC) so the kept suffix stays verifiable.
 *
 * The audit key comes from the key provider, asynchronously: events that happen before it is known (the first call
 * failed to reach the key provider) wait, at most `maxSize` of them, and are sealed in order once it arrives.
 */
export class AuditLog {
  /** A random id of this chain, MACed into every entry, so entries of two processes' chains cannot be spliced. */
  readonly chainId = randomUUID();
  readonly #maxSize: number;
  #key: Buffer | undefined;
  #pending: AuditEvent[] = [];
  // Entries live in `#buffer` from `#start` on; dropping advances `#start` and the array is compacted only once the
  // dead prefix is as long as the live part, so appends stay O(1) amortised and memory stays under 2 × maxSize.
  #buffer: AuditEntry[] = [];
  #start = 0;
  #anchor: Point = { sequence: 0, hash: AUDIT_GENESIS_HASH };
  // The checkpoint outside the log: exports are copies, so editing one never moves it.
  #head: Point = { sequence: 0, hash: AUDIT_GENESIS_HASH };

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** Whether the audit key is known yet. */
  get keyed(): boolean {
    return this.#key !== undefined;
  }

  /** Sets the audit key (once) and seals the events that were waiting for it. */
  setKey(key: Buffer): AuditEntry[] {
    if (this.#key !== undefined) return [];
    this.#key = key;
    const pending = this.#pending;
    this.#pending = [];
    return pending.map((event) => this.#seal(event, key));
  }

  /** Appends an event; returns the entries sealed by this call (none while the key is unknown). */
  append(event: AuditEvent): AuditEntry[] {
    if (this.#key === undefined) {
      this.#pending.push(event);
      if (this.#pending.length > this.#maxSize) this.#pending.shift();
      return [];
    }
    return [this.#seal(event, this.#key)];
  }

  #seal(event: AuditEvent, key: Buffer): AuditEntry {
    // Built field by field (not spread twice): this runs on every credential call, so it is on the hot path.
    const unsealed = {
      sequence: this.#head.sequence + 1,
      time: event.time,
      actor: event.actor,
      action: event.action,
      result: event.result,
      provider: event.provider,
      userId: event.userId,
      credentialVersion: event.credentialVersion,
      errorCode: event.errorCode,
      previousHash: this.#head.hash,
      hash: "",
    };
    unsealed.hash = auditEntryMac(key, this.chainId, unsealed);
    const entry: AuditEntry = Object.freeze(unsealed);
    this.#buffer.push(entry);
    this.#head = { sequence: entry.sequence, hash: entry.hash };
    if (this.#buffer.length - this.#start > this.#maxSize) {
      const dropped = this.#buffer[this.#start]!;
      this.#anchor = { sequence: dropped.sequence, hash: dropped.hash };
      this.#start += 1;
      if (this.#start >= this.#maxSize) {
        this.#buffer = this.#buffer.slice(this.#start);
        this.#start = 0;
      }
    }
    return entry;
  }

  entries(): AuditEntry[] {
    return this.#buffer.slice(this.#start);
  }

  /** A copy of the chain with MAC-sealed anchor and head; editing it never touches the log. */
  export(): AuditChain {
    const seal = (role: "anchor" | "head", point: Point): AuditChainPoint => ({
      sequence: point.sequence,
      hash: point.hash,
      mac: this.#key === undefined ? "" : auditPointMac(this.#key, this.chainId, role, point),
    });
    return {
      chainId: this.chainId,
      anchor: seal("anchor", this.#anchor),
      head: seal("head", this.#head),
      entries: this.entries(),
    };
  }

  /** Verifies the kept chain under the audit key, against the log's own head as the checkpoint. */
  verify(): AuditVerification {
    if (this.#key === undefined) {
      return this.#pending.length === 0 && this.#head.sequence === 0
        ? { valid: true, checkedEntries: 0, firstInvalidIndex: null, reason: null }
        : {
            valid: false,
            checkedEntries: 0,
            firstInvalidIndex: 0,
            reason: "the audit key could not be loaded from the key provider yet",
          };
    }
    const chain = this.export();
    return verifyKeyedAuditChain(chain, this.#key, { ...this.#head, mac: chain.head.mac });
  }
}
