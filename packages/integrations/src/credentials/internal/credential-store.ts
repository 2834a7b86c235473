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
    const record = integrity.verify(stored, provider, userId);
    await integrity.checkpoints.check(key, record.generation);
    return record;
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
        const record = integrity.verify(stored, provider, userId);
        await integrity.checkpoints.check(key, record.generation);
        records.push(record);
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
