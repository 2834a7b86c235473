import {
  createJsonStore,
  type DamagedRecord,
  type JsonStore,
  type Logger,
  PelbiotError,
  type StorageAdapter,
} from "@pelbiot/core";
import type { CredentialRecordDamaged } from "../api-credentials-manager-types";
import { parseRecordKey, recordKey } from "./credential-arguments";
import type { StoredCredentialRecord } from "./credential-record";
import type { RecordIntegrity } from "./record-integrity";

/** How many times a read that raced a writer in another process reads the record again before giving up. */
const MAX_RACED_READS = 5;

/** Key prefix of the records in the storage, after the manager's `keyPrefix`. */
export const RECORD_PREFIX = "credentials:";

/**
 * The `NOT_FOUND` of a credential that does not exist.
 *
 * @returns The error, with `details.id` `"<provider>/<userId>"`.
 */
export function credentialNotFound(provider: string, userId: string, message?: string): PelbiotError {
  return new PelbiotError(
    "NOT_FOUND",
    message ?? `User ${JSON.stringify(userId)} has no ${provider} credential; store one with storeCredentials() first.`,
    { details: { id: `${provider}/${userId}` } },
  );
}

/**
 * The credential records of one manager, over `createJsonStore`. Listings never stop at a bad record: one that is
 * not readable is quarantined by the store, one that fails authentication or the rollback check is left in place,
 * and both are skipped and reported through `report` (the manager's `record_damaged` event).
 */
export class CredentialStore {
  readonly records: JsonStore<StoredCredentialRecord>;
  readonly #report: (event: CredentialRecordDamaged) => void;
  readonly #logger: Logger;

  constructor(
    storage: StorageAdapter,
    keyPrefix: string,
    logger: Logger,
    report: (event: CredentialRecordDamaged) => void,
  ) {
    this.#report = report;
    this.#logger = logger;
    this.records = createJsonStore<StoredCredentialRecord>(storage, {
      prefix: `${keyPrefix}${RECORD_PREFIX}`,
      onDamaged: (record) => this.#reportDamaged(record),
    });
  }

  /**
   * Reads and verifies one credential's record (MAC and rollback checkpoint).
   *
   * @throws {PelbiotError} NOT_FOUND when absent; INTEGRITY_ERROR when damaged, edited or rolled back.
   */
  async read(provider: string, userId: string, integrity: RecordIntegrity): Promise<StoredCredentialRecord> {
    const key = recordKey(provider, userId);
    const stored = await this.records.get(key);
    if (stored === undefined) throw credentialNotFound(provider, userId);
    const record = await this.#verifyCurrent(key, integrity.verify(stored, provider, userId), integrity);
    if (record === undefined) throw credentialNotFound(provider, userId);
    return record;
  }

  /**
   * Checks a verified record against its rollback checkpoint. A record read just before another process wrote a
   * newer one (and moved the checkpoint past it) looks rolled back; that is a race, not an attack, so the record is
   * read again: a newer one is checked instead, while a record that is really behind stays behind and is refused.
   *
   * @returns The current record, or `undefined` when it was deleted meanwhile.
   * @throws {PelbiotError} INTEGRITY_ERROR when the record stays behind its checkpoint or fails authentication.
   */
  async #verifyCurrent(
    key: string,
    verified: StoredCredentialRecord,
    integrity: RecordIntegrity,
  ): Promise<StoredCredentialRecord | undefined> {
    let record = verified;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await integrity.checkpoints.check(key, record.generation);
        return record;
      } catch (error) {
        if (!PelbiotError.is(error, "INTEGRITY_ERROR") || attempt >= MAX_RACED_READS) throw error;
        const again = await this.records.get(key);
        if (again === undefined) return undefined;
        const { provider, userId } = parseRecordKey(key);
        const fresh = integrity.verify(again, provider, userId);
        if (fresh.generation <= record.generation) throw error;
        record = fresh;
      }
    }
  }

  /**
   * Lists every record as stored, skipping (and reporting) the unreadable ones.
   *
   * @returns `[key, record]` pairs and how many records were damaged.
   */
  async listStored(): Promise<{ entries: Array<[string, StoredCredentialRecord]>; damaged: number }> {
    const { entries, damaged } = await this.records.listEntries();
    return { entries, damaged: damaged.length };
  }

  /**
   * Lists every verified record, skipping (and reporting) the unreadable ones and those that fail authentication
   * or the rollback check.
   *
   * @returns The records, in key order.
   */
  async listVerified(integrity: RecordIntegrity): Promise<StoredCredentialRecord[]> {
    const records: StoredCredentialRecord[] = [];
    for (const [key, stored] of (await this.records.listEntries()).entries) {
      const { provider, userId } = parseRecordKey(key);
      try {
        // Checked against its key, so a record copied under another user's key is refused too.
        const record = await this.#verifyCurrent(key, integrity.verify(stored, provider, userId), integrity);
        if (record !== undefined) records.push(record);
      } catch (error) {
        // Only a bad record is skipped: a failing storage or key service must still stop the listing.
        if (!PelbiotError.is(error, "INTEGRITY_ERROR")) throw error;
        this.#emit({ provider, userId, key, quarantineKey: undefined, code: error.code, message: error.message });
      }
    }
    return records;
  }

  #reportDamaged(record: DamagedRecord): void {
    const { key, quarantineKey, error } = record;
    this.#emit({ ...parseRecordKey(key), key, quarantineKey, code: error.code, message: error.message });
  }

  #emit(event: CredentialRecordDamaged): void {
    this.#logger.warn("skipped a damaged credential record", {
      provider: event.provider,
      userId: event.userId,
      quarantineKey: event.quarantineKey,
      code: event.code,
    });
    this.#report(event);
  }
}
