import {
  AUDIT_GENESIS_HASH,
  type AuditChain,
  type AuditChainPoint,
  type AuditEntry,
  hashAuditEntry,
} from "../verify-audit-chain";

/** An audit entry before it is sequenced and hashed. */
export type AuditEvent = Omit<AuditEntry, "sequence" | "previousHash" | "hash">;

/**
 * The in-memory, hash-chained audit log of one manager. Keeps at most `maxSize` entries; dropped entries are
 * replaced by an anchor (the last dropped entry's sequence and hash) so the kept suffix stays verifiable.
 */
export class AuditLog {
  readonly #maxSize: number;
  // Entries live in `#buffer` from `#start` on; dropping advances `#start` and the array is compacted only once the
  // dead prefix is as long as the live part, so appends stay O(1) amortised and memory stays under 2 × maxSize.
  #buffer: AuditEntry[] = [];
  #start = 0;
  #anchor: AuditChainPoint = { sequence: 0, hash: AUDIT_GENESIS_HASH };
  #head: AuditChainPoint = { sequence: 0, hash: AUDIT_GENESIS_HASH };

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  append(event: AuditEvent): AuditEntry {
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
    unsealed.hash = hashAuditEntry(unsealed);
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

  export(): AuditChain {
    return { anchor: this.#anchor, head: this.#head, entries: this.entries() };
  }
}
