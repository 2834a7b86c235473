import { randomUUID } from "node:crypto";
import { mkdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { PelbiotError } from "../errors/pelbiot-error";
import { createPendingOperations } from "../internal/pending-operations";
import type { StorageAdapter, StorageRangeEntry } from "../storage/storage-adapter";
import { rangeCandidates, validateRangeArguments } from "../storage/storage-range";
import {
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "../storage/validate-key";
import { damagedVersionIn } from "./damaged-record-file";
import { createFileDirectory, quoteKey, unlinkQuietly } from "./file-directory";
import { createFileLocks } from "./file-lock";
import {
  DATA_SUFFIX,
  dataFileName,
  isTemporaryFileName,
  LOCK_SUFFIX,
  TEMP_SUFFIX,
  temporaryFileOwner,
} from "./file-names";
import { createRecordFiles, type FileRecord } from "./file-record";
import { type FileStorageOptions, resolveFileStorageOptions } from "./file-storage-options";
import { isProcessRunning } from "./process-identity";

/**
 * Creates a durable storage adapter that keeps one file per key in a directory: the persistent default of PELBIOT on
 * Node.js. Any number of stores, in one process or in several processes on the same host, may share the directory.
 *
 * How it stays consistent:
 * - **Atomic writes.** A value is written to a uniquely named temporary file in the same directory, flushed to disk,
 *   then renamed over the key's file, and the directory is flushed. A reader sees the old record or the new one,
 *   never a mix, even when the writer is killed halfway.
 * - **Self-checking records.** Each file holds one JSON record with the key, the version, the value and a SHA-256
 *   checksum of the three, so a damaged file is reported as `INTEGRITY_ERROR` instead of being returned. That error
 *   carries `details.damagedVersion`, a hash of the file's bytes, which `compareAndSet` accepts as the expected
 *   version: it replaces the damaged file, or with a `null` value renames it to `d-<uuid>-<name>.damaged` in the
 *   directory (kept for an operator, ignored by every read), unless the file changed since it was read.
 * - **Locks.** Every write takes the key's lock: first an in-process queue, then a lock file that names the owner's
 *   process id. The lock file is created exclusively and complete: its content is written to a temporary file that
 *   is hard-linked to the lock's name, which fails when the lock exists (where hard links are unsupported, it is
 *   created with `wx` and then written). That makes `compareAndSet` atomic across processes. A lock is broken when
 *   its owner is no longer running (or its id was reused by another program, which is detected on Linux), when it
 *   is unreadable for more than two seconds, or when it is older than `staleLockMs`. Breaking renames the lock aside
 *   first, so two processes cannot both break it, and a writer checks it still owns its lock just before it commits,
 *   starting over if not. Readers take no lock.
 * - **Crash leftovers.** Temporary files of crashed writers are ignored by every read and deleted lazily: when the
 *   store opens and whenever `keys()` meets one.
 *
 * `listRange` (the optional page-from-a-cursor capability) lists the directory, sorts the matching keys and reads
 * only the records of the page, so it saves the reads but not the directory listing.
 *
 * File names encode the key (lower-case letters, digits, `.`, `_` and `-` are kept; upper-case letters become `^`
 * plus the lower-case letter; anything else becomes `%xx` or `%uxxxx`), so any key is safe, including `/`, `..` and
 * non-ASCII text, also on case-insensitive filesystems. Keys whose encoding is too long for a file name are stored
 * under their hash.
 *
 * @param options - The `directory`, and the durability and lock settings.
 * @returns An adapter named `"file"`. Its methods reject with `STORAGE_ERROR` (the filesystem error as `cause`)
 *   when the filesystem fails, `TIMEOUT` when a key stays locked past `lockTimeoutMs`, `INTEGRITY_ERROR` when a
 *   record is damaged, and `VALIDATION_ERROR` for malformed arguments.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when the options are malformed.
 * @example
 * ```ts
 * import { createFileStorage } from "@pelbiot/core/node";
 *
 * const storage = createFileStorage({ directory: "./data/pelbiot" });
 * await storage.setItem("device:42", JSON.stringify({ name: "boiler" }));
 * const entry = await storage.getEntry("device:42");
 * await storage.compareAndSet("device:42", entry?.version ?? null, JSON.stringify({ name: "heater" }));
 * await storage.dispose?.();
 * ```
 */
export function createFileStorage(options: FileStorageOptions): StorageAdapter {
  const { directory: path, fsync, lockTimeoutMs, staleLockMs } = resolveFileStorageOptions(options);
  const directory = createFileDirectory(resolve(path), fsync);
  const { root, pathOf } = directory;
  const records = createRecordFiles(directory);
  const pending = createPendingOperations();
  let disposed = false;
  let ready: Promise<void> | undefined;
  const locks = createFileLocks(directory, { lockTimeoutMs, staleLockMs, isDisposed: () => disposed });

  const ensureOpen = (method: string): void => {
    if (!disposed) return;
    throw new PelbiotError(
      "STORAGE_ERROR",
      `fileStorage.${method} was called after dispose(); create a new file storage instead.`,
      { details: { directory: root } },
    );
  };

  const toStorageError = (error: unknown, method: string, key: string | undefined): PelbiotError => {
    if (PelbiotError.is(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    const subject = key === undefined ? "" : ` for key ${quoteKey(key)}`;
    return new PelbiotError("STORAGE_ERROR", `fileStorage.${method} failed${subject} in ${root}: ${reason}`, {
      cause: error,
      details: { directory: root, ...(key === undefined ? {} : { key }) },
    });
  };

  // Best effort: a leftover that cannot be removed now is simply tried again later.
  const sweepLeftovers = async (names: readonly string[]): Promise<void> => {
    for (const name of names) {
      try {
        if (isTemporaryFileName(name)) {
          const pid = temporaryFileOwner(name);
          const ownerGone = Number.isSafeInteger(pid) && pid !== process.pid && !isProcessRunning(pid);
          if (ownerGone || Date.now() - (await stat(pathOf(name))).mtimeMs > staleLockMs) {
            await unlinkQuietly(pathOf(name));
          }
        } else if (name.endsWith(LOCK_SUFFIX)) {
          await locks.breakLockIfStale(pathOf(name));
        }
      } catch {
        // Left for the next sweep.
      }
    }
  };

  const ensureReady = (): Promise<void> => {
    if (ready === undefined) {
      const opening = (async () => {
        await mkdir(root, { recursive: true });
        await sweepLeftovers(await directory.list());
      })();
      // A failed open (say, a permission problem since fixed) is retried by the next call instead of sticking.
      opening.catch(() => {
        if (ready === opening) ready = undefined;
      });
      ready = opening;
    }
    return ready;
  };

  // Runs one public operation: waits for the directory, normalises errors and lets dispose() wait for it.
  const run = <T>(method: string, key: string | undefined, task: () => Promise<T>): Promise<T> => {
    const operation = (async () => {
      try {
        await ensureReady();
        return await task();
      } catch (error) {
        throw toStorageError(error, method, key);
      }
    })();
    return pending.track(operation);
  };

  const newRecord = (key: string, value: string): FileRecord => ({ key, version: randomUUID(), value });

  const compareAndSet = (key: string, expectedVersion: string | null, value: string | null): Promise<boolean> => {
    const dataName = dataFileName(key);
    return locks.underLock(dataName, key, async (assertOwnership) => {
      let current: FileRecord | null;
      try {
        current = await records.read(dataName, key);
      } catch (error) {
        // A damaged record is replaced or removed only by the caller that names it by its damagedVersion.
        if (expectedVersion === null || damagedVersionIn(error) !== expectedVersion) throw error;
        if (value === null) await records.setAsideDamaged(dataName, assertOwnership);
        else await records.write(dataName, newRecord(key, value), assertOwnership);
        return true;
      }
      if ((current?.version ?? null) !== expectedVersion) return false;
      if (value === null) {
        if (current !== null) await records.remove(dataName, assertOwnership);
      } else {
        await records.write(dataName, newRecord(key, value), assertOwnership);
      }
      return true;
    });
  };

  // Every key of the store that starts with `prefix`, unsorted.
  const collectKeys = async (prefix: string | undefined): Promise<string[]> => {
    const names = await directory.list();
    const keys: string[] = [];
    let leftovers = false;
    for (const name of names) {
      if (!name.endsWith(DATA_SUFFIX)) {
        leftovers ||= name.endsWith(TEMP_SUFFIX) || name.endsWith(LOCK_SUFFIX);
        continue;
      }
      const key = await records.keyOf(name);
      if (key !== undefined && (prefix === undefined || key.startsWith(prefix))) keys.push(key);
    }
    if (leftovers) await sweepLeftovers(names);
    return keys;
  };

  // The default sort compares UTF-16 code units, which is the order the contract promises.
  const listKeys = async (prefix: string | undefined): Promise<string[]> => (await collectKeys(prefix)).sort();

  const listRange = async (prefix: string, after: string | undefined, limit: number): Promise<StorageRangeEntry[]> => {
    const page: StorageRangeEntry[] = [];
    for (const key of rangeCandidates(await collectKeys(prefix), prefix, after)) {
      if (page.length === limit) break;
      // A key deleted since the listing is skipped; a damaged record rejects with INTEGRITY_ERROR, as getEntry does.
      const record = await records.read(dataFileName(key), key);
      if (record !== null) page.push({ key, value: record.value, version: record.version });
    }
    return page;
  };

  return {
    specificationVersion: "v1",
    name: "file",

    async getItem(key) {
      ensureOpen("getItem");
      validateStorageKey(key, "fileStorage.getItem");
      return run("getItem", key, async () => (await records.read(dataFileName(key), key))?.value ?? null);
    },

    async getEntry(key) {
      ensureOpen("getEntry");
      validateStorageKey(key, "fileStorage.getEntry");
      return run("getEntry", key, async () => {
        const record = await records.read(dataFileName(key), key);
        return record === null ? null : { value: record.value, version: record.version };
      });
    },

    async setItem(key, value) {
      ensureOpen("setItem");
      validateSetItemArguments(key, value, "fileStorage.setItem");
      const dataName = dataFileName(key);
      await run("setItem", key, () =>
        locks.underLock(dataName, key, (assertOwnership) =>
          records.write(dataName, newRecord(key, value), assertOwnership),
        ),
      );
    },

    async removeItem(key) {
      ensureOpen("removeItem");
      validateStorageKey(key, "fileStorage.removeItem");
      const dataName = dataFileName(key);
      await run("removeItem", key, () =>
        locks.underLock(dataName, key, (assertOwnership) => records.remove(dataName, assertOwnership)),
      );
    },

    async compareAndSet(key, expectedVersion, value) {
      ensureOpen("compareAndSet");
      validateCompareAndSetArguments(key, expectedVersion, value, "fileStorage.compareAndSet");
      return run("compareAndSet", key, () => compareAndSet(key, expectedVersion, value));
    },

    async keys(prefix) {
      ensureOpen("keys");
      validateStoragePrefix(prefix, "fileStorage.keys");
      return run("keys", undefined, () => listKeys(prefix));
    },

    async listRange(prefix, options) {
      ensureOpen("listRange");
      validateRangeArguments(prefix, options, "fileStorage.listRange");
      return run("listRange", undefined, () => listRange(prefix, options.after, options.limit));
    },

    async clear() {
      ensureOpen("clear");
      await run("clear", undefined, async () => {
        for (const name of await directory.list()) {
          if (!name.endsWith(DATA_SUFFIX) || (await records.keyOf(name)) === undefined) continue;
          await locks.underLock(name, undefined, (assertOwnership) => records.remove(name, assertOwnership));
        }
      });
    },

    async dispose() {
      disposed = true;
      // Operations already called finish and release their locks; one blocked by another writer's lock fails fast.
      await pending.settled();
    },
  };
}
