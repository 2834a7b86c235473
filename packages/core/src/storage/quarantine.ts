import type { PelbiotErrorDetailsOf } from "../errors/error-details";
import { PelbiotError } from "../errors/pelbiot-error";
import { PelbiotValidationError } from "../errors/pelbiot-validation-error";
import { uuidv7 } from "../ids/uuid-v7";
import { createValidator } from "../validation/validator";
import type { StorageAdapter } from "./storage-adapter";
import { MAX_STORAGE_KEY_LENGTH } from "./validate-key";

/**
 * The reserved key prefix under which damaged records are kept. A quarantine key is this prefix, a UUIDv7 (so keys
 * sort by quarantine time and never collide), a `:` and the record's full storage key, cut to
 * {@link MAX_STORAGE_KEY_LENGTH} when too long (the value always holds the full key). A JSON store whose prefix is
 * empty or a shorter part of this prefix never lists these keys as its own.
 *
 * @example
 * ```ts
 * const quarantineKeys = await adapter.keys(QUARANTINE_PREFIX); // e.g. "pelbiot-quarantine:0193…:webhooks:endpoints:whk_…"
 * ```
 */
export const QUARANTINE_PREFIX = "pelbiot-quarantine:";

const QUARANTINE_FORMAT = "pelbiot-quarantine/1";

/**
 * A damaged record kept in quarantine, as listed by {@link listQuarantinedRecords}.
 *
 * @example
 * ```ts
 * const record: QuarantinedRecord = { quarantineKey: "pelbiot-quarantine:0193…:devices:42", storageKey: "devices:42", raw: "{\"na", reason: "…" };
 * ```
 */
export interface QuarantinedRecord {
  /** Where the record is kept; pass it to {@link restoreQuarantinedRecord} or {@link discardQuarantinedRecord}. */
  readonly quarantineKey: string;
  /** The full adapter key the record was taken from. */
  readonly storageKey: string;
  /** The stored text as it was read, or `null` when the adapter could not hand it back (a damaged file). */
  readonly raw: string | null;
  /** Why the record was quarantined. */
  readonly reason: string;
}

/**
 * Options of {@link listQuarantinedRecords}.
 *
 * @example
 * ```ts
 * const options: ListQuarantinedRecordsOptions = { prefix: "webhooks:" };
 * ```
 */
export interface ListQuarantinedRecordsOptions {
  /**
   * Only records whose original storage key starts with this text, e.g. a JSON store's prefix.
   * @default ""
   */
  prefix?: string;
}

/** What became of a record sent to quarantine. */
export type QuarantineOutcome =
  /** Copied to `quarantineKey` and removed from its key. */
  | { readonly status: "moved"; readonly quarantineKey: string }
  /** Another writer replaced or deleted the record meanwhile: nothing was moved, read the key again. */
  | { readonly status: "rewritten" }
  /** The adapter refused the copy or the removal: the record stays where it is. */
  | { readonly status: "kept" };

/** How a damaged record was seen: its text and version, or only the adapter's integrity error. */
export type DamageSeen =
  | { readonly raw: string; readonly version: string }
  | { readonly raw: null; readonly error: PelbiotError };

/**
 * Lists the records in quarantine, oldest first.
 *
 * @param adapter - The storage adapter the records were quarantined in.
 * @param options - An optional storage-key `prefix` to filter by.
 * @returns Every quarantined record, with its raw text when it could be read.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `options.prefix` is not a string.
 * @throws {PelbiotError} Whatever the adapter throws when it cannot list or read.
 * @example
 * ```ts
 * for (const record of await listQuarantinedRecords(storage, { prefix: "webhooks:" })) {
 *   console.log(record.storageKey, record.reason, record.raw);
 * }
 * ```
 */
export async function listQuarantinedRecords(
  adapter: StorageAdapter,
  options: ListQuarantinedRecordsOptions = {},
): Promise<QuarantinedRecord[]> {
  const { prefix = "" } = options;
  const validator = createValidator("listQuarantinedRecords");
  validator.object("adapter", adapter);
  validator.string("options.prefix", prefix, { minLength: 0 });
  validator.done();
  const records: QuarantinedRecord[] = [];
  for (const quarantineKey of await adapter.keys(QUARANTINE_PREFIX)) {
    const text = await adapter.getItem(quarantineKey);
    if (text === null) continue; // discarded meanwhile
    const record = parseQuarantined(quarantineKey, text);
    if (record.storageKey.startsWith(prefix)) records.push(record);
  }
  return records;
}

/**
 * Deletes a quarantined record for good; deleting one that is already gone is not an error.
 *
 * @param adapter - The storage adapter holding the quarantine.
 * @param quarantineKey - A key from {@link QuarantinedRecord.quarantineKey}.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `quarantineKey` is not a quarantine key.
 * @example
 * ```ts
 * await discardQuarantinedRecord(storage, record.quarantineKey);
 * ```
 */
export async function discardQuarantinedRecord(adapter: StorageAdapter, quarantineKey: string): Promise<void> {
  validateQuarantineKey("discardQuarantinedRecord", quarantineKey);
  await adapter.removeItem(quarantineKey);
}

/**
 * Puts a quarantined record back under its original key, with its raw text or a repaired `text`, and removes it
 * from quarantine. It never overwrites: when the key has been written since, nothing changes.
 *
 * @param adapter - The storage adapter holding the quarantine.
 * @param quarantineKey - A key from {@link QuarantinedRecord.quarantineKey}.
 * @param text - The text to store instead of the raw one, e.g. repaired JSON. Required when `raw` is `null`.
 * @returns `true` when the record was restored, `false` when its key is in use (the record stays in quarantine).
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `quarantineKey` is not a quarantine key, `text` is not a
 *   string, or `text` is missing for a record without raw text.
 * @throws {PelbiotError} `NOT_FOUND` when nothing is quarantined under `quarantineKey`.
 * @example
 * ```ts
 * await restoreQuarantinedRecord(storage, record.quarantineKey, JSON.stringify(repaired));
 * ```
 */
export async function restoreQuarantinedRecord(
  adapter: StorageAdapter,
  quarantineKey: string,
  text?: string,
): Promise<boolean> {
  const validator = createValidator("restoreQuarantinedRecord");
  checkQuarantineKey(validator, quarantineKey);
  if (text !== undefined) validator.string("text", text, { minLength: 0 });
  validator.done();
  const entry = await adapter.getEntry(quarantineKey);
  if (entry === null) {
    throw new PelbiotError(
      "NOT_FOUND",
      `restoreQuarantinedRecord found nothing under ${JSON.stringify(quarantineKey)}; list the quarantine with ` +
        "listQuarantinedRecords() for the current keys.",
      // `id` is the key every NOT_FOUND carries; `quarantineKey` is kept for callers that read it already.
      { details: { id: quarantineKey, quarantineKey } satisfies PelbiotErrorDetailsOf<"NOT_FOUND"> },
    );
  }
  const record = parseQuarantined(quarantineKey, entry.value);
  const restored = text ?? record.raw;
  if (restored === null) {
    throw new PelbiotValidationError(
      [{ path: "text", message: "is required: the record's raw text could not be read when it was quarantined" }],
      "restoreQuarantinedRecord",
    );
  }
  if (!(await adapter.compareAndSet(record.storageKey, null, restored))) return false;
  await adapter.compareAndSet(quarantineKey, entry.version, null);
  return true;
}

/**
 * Whether a full storage key lies in the quarantine's key space.
 *
 * @param storageKey - A full adapter key.
 * @returns `true` for quarantine keys.
 * @internal Used by the JSON store; not part of the package's entry.
 */
export function isQuarantineKey(storageKey: string): boolean {
  return storageKey.startsWith(QUARANTINE_PREFIX);
}

/**
 * Copies a damaged record into quarantine, then removes it from its key without losing a concurrent rewrite: by
 * `compareAndSet` on the version read, on the adapter's `details.damagedVersion` of an integrity error, or, when the
 * adapter offers neither, by `removeItem` once a fresh read still finds the record damaged.
 *
 * @param adapter - The adapter holding the record.
 * @param storageKey - The record's full key.
 * @param seen - The text and version read, or the integrity error the adapter threw.
 * @param reason - Why the record is quarantined, kept with it.
 * @returns What became of the record.
 * @internal Used by the JSON store; not part of the package's entry.
 */
export async function moveToQuarantine(
  adapter: StorageAdapter,
  storageKey: string,
  seen: DamageSeen,
  reason: string,
): Promise<QuarantineOutcome> {
  const quarantineKey = `${QUARANTINE_PREFIX}${uuidv7()}:${storageKey}`.slice(0, MAX_STORAGE_KEY_LENGTH);
  const envelope = JSON.stringify({ format: QUARANTINE_FORMAT, storageKey, raw: seen.raw, reason });
  try {
    if (!(await adapter.compareAndSet(quarantineKey, null, envelope))) return { status: "kept" };
  } catch {
    return { status: "kept" };
  }
  let removed: boolean;
  try {
    removed = await removeDamaged(adapter, storageKey, seen);
  } catch {
    await forget(adapter, quarantineKey);
    return { status: "kept" };
  }
  if (removed) return { status: "moved", quarantineKey };
  await forget(adapter, quarantineKey);
  return { status: "rewritten" };
}

/** Removes the damaged record; `false` when the key no longer holds what was seen. */
async function removeDamaged(adapter: StorageAdapter, storageKey: string, seen: DamageSeen): Promise<boolean> {
  if (seen.raw !== null) return adapter.compareAndSet(storageKey, seen.version, null);
  const { damagedVersion } = seen.error.details ?? {};
  if (typeof damagedVersion === "string") return adapter.compareAndSet(storageKey, damagedVersion, null);
  // No version to compare with: a fresh read must still find the record damaged before it is removed.
  try {
    await adapter.getEntry(storageKey);
    return false;
  } catch (error) {
    if (!PelbiotError.is(error, "INTEGRITY_ERROR")) throw error;
  }
  await adapter.removeItem(storageKey);
  return true;
}

async function forget(adapter: StorageAdapter, quarantineKey: string): Promise<void> {
  try {
    await adapter.removeItem(quarantineKey);
  } catch {
    // A stray copy is harmless: it only shows up in listQuarantinedRecords.
  }
}

function parseQuarantined(quarantineKey: string, text: string): QuarantinedRecord {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) {
      const { format, storageKey, raw, reason } = parsed as Record<string, unknown>;
      if (
        format === QUARANTINE_FORMAT &&
        typeof storageKey === "string" &&
        (raw === null || typeof raw === "string") &&
        typeof reason === "string"
      ) {
        return { quarantineKey, storageKey, raw, reason };
      }
    }
  } catch {
    // Falls through: the quarantine entry itself is unreadable.
  }
  // The key layout still names the original key (cut when long); the whole text is kept as raw.
  const storageKey = quarantineKey.slice(QUARANTINE_PREFIX.length + 37);
  return { quarantineKey, storageKey, raw: text, reason: "The quarantine entry itself is not readable." };
}

function checkQuarantineKey(validator: ReturnType<typeof createValidator>, quarantineKey: unknown): void {
  if (validator.string("quarantineKey", quarantineKey, { minLength: 1, maxLength: MAX_STORAGE_KEY_LENGTH })) {
    validator.check(
      isQuarantineKey(quarantineKey),
      "quarantineKey",
      `must start with ${JSON.stringify(QUARANTINE_PREFIX)}, got ${JSON.stringify(quarantineKey.slice(0, 40))}`,
    );
  }
}

function validateQuarantineKey(context: string, quarantineKey: unknown): void {
  const validator = createValidator(context);
  checkQuarantineKey(validator, quarantineKey);
  validator.done();
}
