import { PelbiotError, type StorageAdapter } from "@pelbiot/core";

/** Entries per `listRange` page: one PostgreSQL statement reads this many deliveries. */
export const DELIVERY_PAGE_SIZE = 250;

/**
 * Reads every JSON record under `prefix` a page at a time with the storage's `listRange` capability, so a queue of
 * 10,000 deliveries costs 40 range reads instead of a key listing and 10,000 single reads.
 *
 * @param adapter - A storage adapter that has `listRange`.
 * @param prefix - The records' key prefix.
 * @param pageSize - Entries per page.
 * @returns `[key without prefix, parsed value]` pairs in key order, or `undefined` when a record is damaged (not
 *   JSON, or reported as `INTEGRITY_ERROR` by the adapter): the caller then lists key by key, which skips,
 *   quarantines and reports the damaged record.
 * @throws {PelbiotError} Whatever the adapter throws other than `INTEGRITY_ERROR` (e.g. `STORAGE_ERROR`).
 */
export async function listJsonRecordsByRange<T>(
  adapter: StorageAdapter & Required<Pick<StorageAdapter, "listRange">>,
  prefix: string,
  pageSize: number = DELIVERY_PAGE_SIZE,
): Promise<Array<[key: string, value: T]> | undefined> {
  const records: Array<[key: string, value: T]> = [];
  let after: string | undefined;
  for (;;) {
    let page: Awaited<ReturnType<typeof adapter.listRange>>;
    try {
      page = await adapter.listRange(prefix, { after, limit: pageSize });
    } catch (error) {
      if (PelbiotError.is(error, "INTEGRITY_ERROR")) return undefined;
      throw error;
    }
    for (const entry of page) {
      try {
        records.push([entry.key.slice(prefix.length), JSON.parse(entry.value) as T]);
      } catch {
        return undefined;
      }
    }
    if (page.length < pageSize) return records;
    after = page.at(-1)?.key;
  }
}

/**
 * Whether an adapter has the `listRange` capability.
 *
 * @param adapter - Any storage adapter.
 * @returns `true` when `adapter.listRange` is a function.
 */
export function canListRange(
  adapter: StorageAdapter,
): adapter is StorageAdapter & Required<Pick<StorageAdapter, "listRange">> {
  return typeof adapter.listRange === "function";
}
