import {
  createJsonStore,
  type JsonStore,
  MAX_STORAGE_RANGE_LIMIT,
  PelbiotError,
  type StorageAdapter,
  type StorageRangeEntry,
} from "@pelbiot/core";
import type { QueuedMutation, RecordData, ServerChange } from "./sync-types";

/** One committed write, at its sequence number in the log. */
export interface LogEntry {
  readonly seq: number;
  readonly recordId: string;
  readonly entity: string;
  readonly version: number;
  readonly data: RecordData | null;
  readonly hlc: string;
  readonly clientId: string;
  readonly mutationId: string;
}

/** A record as the log last wrote it. */
export interface IndexedRecord {
  readonly entity: string;
  readonly version: number;
  readonly data: RecordData | null;
}

const SEQ_DIGITS = 12;
/** Log entries per `listRange` page when catching up. */
const CATCH_UP_PAGE = 200;

/** Reads a page of log entries; `undefined` when the storage reported a damaged entry. */
type RangeReader = (after: string, limit: number) => Promise<StorageRangeEntry[] | undefined>;

/**
 * The coordinator's append-only change log in a storage adapter, with an in-memory index (per-record versions and the
 * applied mutation ids) rebuilt from it. Each entry is written with `setIfAbsent` at the next sequence number, so
 * several processes sharing one store never fork history; one that loses the race catches up and tries again.
 */
export class SyncChangeLog {
  readonly #log: JsonStore<LogEntry>;
  readonly #records = new Map<string, IndexedRecord>();
  readonly #applied = new Map<string, LogEntry>();
  #seq = 0;

  /**
   * @param storage - Where the log lives.
   * @param keyPrefix - The coordinator's key prefix.
   */
  constructor(storage: StorageAdapter, keyPrefix: string) {
    this.#log = createJsonStore<LogEntry>(storage, { prefix: `${keyPrefix}log:` });
  }

  /** Sequence number of the last entry indexed. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Reads the entries written (by this or another process) since the last one indexed: a page of them per read when
   * the storage can list a range (one statement on PostgreSQL), else one read per entry.
   */
  async catchUp(): Promise<void> {
    const readRange = this.#rangeReader();
    if (readRange !== undefined && (await this.#catchUpByRange(readRange))) return;
    for (;;) {
      const next = await this.#log.get(seqKey(this.#seq + 1));
      if (next === undefined) return;
      this.#index(next);
    }
  }

  /**
   * Writes an entry at its sequence number unless another process took that number first.
   *
   * @param entry - The entry, with `seq` one past {@link SyncChangeLog.seq}.
   * @returns Whether it was written (and indexed).
   */
  async append(entry: LogEntry): Promise<boolean> {
    if (!(await this.#log.setIfAbsent(seqKey(entry.seq), entry))) return false;
    this.#index(entry);
    return true;
  }

  /**
   * The entry a device's mutation produced, when it was applied.
   *
   * @param clientId - The device.
   * @param mutationId - The mutation.
   * @returns The entry, or `undefined`.
   */
  appliedEntry(clientId: string, mutationId: string): LogEntry | undefined {
    return this.#applied.get(appliedKey(clientId, mutationId));
  }

  /**
   * The record as last written.
   *
   * @param recordId - The record.
   * @returns Its entity, version and data, or `undefined` when it was never written.
   */
  record(recordId: string): IndexedRecord | undefined {
    return this.#records.get(recordId);
  }

  /**
   * The version a mutation was made on: its own base, or the version its predecessor on the device wrote to the same
   * record, whichever is later.
   *
   * @param mutation - The mutation.
   * @returns The base version (0 for a record the device never saw).
   */
  baseOf(mutation: QueuedMutation): number {
    const base = mutation.baseVersion ?? 0;
    if (typeof mutation.previousMutationId !== "string") return base;
    const previous = this.appliedEntry(mutation.clientId, mutation.previousMutationId);
    return previous?.recordId === mutation.recordId ? Math.max(base, previous.version) : base;
  }

  /**
   * Changes after a cursor, in commit order.
   *
   * @param cursor - The last sequence number the caller has.
   * @param limit - Most changes to return.
   * @returns The changes and the cursor after them.
   * @throws {PelbiotError} STORAGE_ERROR when an entry below the last indexed one is missing from storage.
   */
  async changesAfter(cursor: number, limit: number): Promise<{ changes: ServerChange[]; cursor: number }> {
    const start = Math.min(cursor, this.#seq);
    const entries = await this.#readEntries(start, Math.min(this.#seq, start + limit));
    const changes = entries.map(({ recordId, entity, version, data, hlc, clientId, mutationId }) => ({
      recordId,
      entity,
      version,
      data,
      hlc,
      clientId,
      mutationId,
    }));
    return { changes, cursor: start + changes.length };
  }

  /** Entries `from + 1` to `to`, by range pages when the storage can list them; a missing one is STORAGE_ERROR. */
  async #readEntries(from: number, to: number): Promise<LogEntry[]> {
    const entries: LogEntry[] = [];
    const readRange = this.#rangeReader();
    let position = from;
    while (readRange !== undefined && position < to) {
      const page = await readRange(seqKey(position), Math.min(MAX_STORAGE_RANGE_LIMIT, to - position));
      const parsed = page === undefined ? [] : this.#consecutive(page, position);
      // A damaged or missing entry is left to the one-by-one read below, which reports it as before.
      if (parsed.length === 0) break;
      entries.push(...parsed);
      position += parsed.length;
    }
    while (position < to) {
      position += 1;
      const entry = await this.#log.get(seqKey(position));
      if (entry === undefined) {
        throw new PelbiotError("STORAGE_ERROR", `Sync change log entry ${position} is missing from storage`);
      }
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Indexes the entries after the last one a page at a time.
   *
   * @returns `false` when a damaged entry stopped it, so the caller reads on one entry at a time (and reports it).
   */
  async #catchUpByRange(readRange: RangeReader): Promise<boolean> {
    for (;;) {
      const page = await readRange(seqKey(this.#seq), CATCH_UP_PAGE);
      if (page === undefined) return false;
      const parsed = this.#consecutive(page, this.#seq);
      for (const entry of parsed) this.#index(entry);
      if (parsed.length < page.length) return false;
      if (page.length < CATCH_UP_PAGE) return true;
    }
  }

  /** The leading entries of a page that follow `position` without a gap and parse as JSON. */
  #consecutive(page: readonly StorageRangeEntry[], position: number): LogEntry[] {
    const entries: LogEntry[] = [];
    for (const item of page) {
      if (item.key !== `${this.#log.prefix}${seqKey(position + entries.length + 1)}`) break;
      try {
        entries.push(JSON.parse(item.value) as LogEntry);
      } catch {
        break;
      }
    }
    return entries;
  }

  /** Reads a page of log entries after a key, or `undefined` when the storage lacks `listRange`. */
  #rangeReader(): RangeReader | undefined {
    const adapter = this.#log.adapter;
    const listRange = adapter.listRange;
    if (listRange === undefined) return undefined;
    const prefix = this.#log.prefix;
    return async (after, limit) => {
      try {
        return await listRange.call(adapter, prefix, { after: `${prefix}${after}`, limit });
      } catch (error) {
        // A damaged entry (the adapter's INTEGRITY_ERROR) is met again, and reported, by the one-by-one read.
        if (PelbiotError.is(error, "INTEGRITY_ERROR")) return undefined;
        throw error;
      }
    };
  }

  #index(entry: LogEntry): void {
    this.#records.set(entry.recordId, { entity: entry.entity, version: entry.version, data: entry.data });
    this.#applied.set(appliedKey(entry.clientId, entry.mutationId), entry);
    this.#seq = entry.seq;
  }
}

// JSON string encoding is injective, so no two (clientId, mutationId) pairs share a key, whatever they contain.
function appliedKey(clientId: string, mutationId: string): string {
  return JSON.stringify([clientId, mutationId]);
}

function seqKey(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, "0");
}
