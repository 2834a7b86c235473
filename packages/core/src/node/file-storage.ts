import { createHash, randomUUID } from "node:crypto";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { join, resolve } from "node:path";
import { PelbiotError } from "../errors/pelbiot-error";
import type { StorageAdapter } from "../storage/storage-adapter";
import {
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "../storage/validate-key";
import { createValidator } from "../validation/validator";
import { damagedFileName, damagedVersionIn, damagedVersionOf } from "./damaged-record-file";

/**
 * Options of {@link createFileStorage}.
 *
 * @example
 * ```ts
 * const options: FileStorageOptions = { directory: "./data/pelbiot", lockTimeoutMs: 5_000 };
 * ```
 */
export interface FileStorageOptions {
  /**
   * The directory that holds one file per key. It is created on first use. Several stores and processes may share
   * it, as long as they run on the same host (locks are recognised as abandoned by process id) and the directory is
   * on a local filesystem (network filesystems do not all honour exclusive create and atomic rename).
   */
  directory: string;
  /**
   * Flush every written file, and the directory entry that makes it visible, to the disk before the write resolves,
   * so an acknowledged write survives a power loss. Turning it off keeps writes atomic and crash-safe for the
   * process, but a power loss may then roll recent writes back.
   * @default true
   */
  fsync?: boolean;
  /**
   * How long, in milliseconds, a write waits for another writer's lock on the same key before it fails with
   * `TIMEOUT`. Locks of crashed processes are broken at once, so only a live, slow writer makes a write wait.
   * @default 10000
   */
  lockTimeoutMs?: number;
  /**
   * Age, in milliseconds, after which a lock is presumed abandoned and broken even though its process id still
   * answers (the id may have been reused, or the owner is frozen). Keep it far above the time one write takes.
   * @default 30000
   */
  staleLockMs?: number;
}

// File names. Every name the store creates is lower-case ASCII, starts with a letter and a dash and ends with a
// fixed suffix, so it is portable to case-insensitive filesystems and never collides with `.`, `..` or the device
// names Windows reserves (`CON`, `NUL`, …).
const ENCODED_PREFIX = "k-";
const HASHED_PREFIX = "h-";
const TEMP_PREFIX = "t-";
const DATA_SUFFIX = ".json";
const LOCK_SUFFIX = ".lock";
const TEMP_SUFFIX = ".tmp";
// Most filesystems cap a name at 255 bytes; the data name, plus the lock suffix, must stay under that. Longer
// encodings are replaced by their hash, and the key is then read back from the record itself.
const MAX_ENCODED_LENGTH = 200;
const ENCODED_TOKEN = /\^[a-z]|%u[0-9a-f]{4}|%[0-9a-f]{2}|[a-z0-9._-]/y;

const RECORD_FORMAT = "pelbiot-file-storage/1";
// Where a lock must be created empty and filled a moment later, one still unreadable after this long lost its owner
// in between.
const UNREADABLE_LOCK_GRACE_MS = 2_000;
// What link() answers on filesystems without hard links (FAT, some network and Android mounts).
const LINK_UNSUPPORTED_CODES = ["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV", "EMLINK"];
const LOCK_RETRY_MIN_DELAY_MS = 1;
const LOCK_RETRY_MAX_DELAY_MS = 50;

/** The record stored in each data file. */
interface FileRecord {
  readonly key: string;
  readonly version: string;
  readonly value: string;
}

/** Who holds a lock, as written into the lock file. */
interface LockOwner {
  readonly pid: number;
  /** The owner's start time in clock ticks since boot (Linux only), which tells a reused process id apart. */
  readonly start: string | null;
  /** Unique per acquisition, so an owner can tell whether the lock file is still its own. */
  readonly id: string;
}

/** A lock file as read at one moment. */
interface LockSnapshot {
  readonly raw: string;
  readonly inode: bigint;
  readonly ageMs: number;
  readonly owner: LockOwner | undefined;
}

/** Thrown inside a locked section when another process broke the lock; the section is then retried from scratch. */
class LockLostError extends Error {
  constructor() {
    super("The key lock was broken by another process");
    this.name = "LockLostError";
  }
}

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
  validateOptions(options);
  const { directory, fsync = true, lockTimeoutMs = 10_000, staleLockMs = 30_000 } = options;
  const root = resolve(directory);
  const runExclusive = createKeyedMutex();
  const pending = new Set<Promise<unknown>>();
  let disposed = false;
  let ready: Promise<void> | undefined;

  const disposedError = (method: string): PelbiotError =>
    new PelbiotError(
      "STORAGE_ERROR",
      `fileStorage.${method} was called after dispose(); create a new file storage instead.`,
      { details: { directory: root } },
    );

  const ensureOpen = (method: string): void => {
    if (disposed) throw disposedError(method);
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

  const ensureReady = (): Promise<void> => {
    if (ready === undefined) {
      const opening = (async () => {
        await mkdir(root, { recursive: true });
        await sweepLeftovers(await readdir(root));
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
    pending.add(operation);
    const forget = (): void => {
      pending.delete(operation);
    };
    operation.then(forget, forget);
    return operation;
  };

  const pathOf = (name: string): string => join(root, name);

  const syncDirectory = async (): Promise<void> => {
    if (!fsync) return;
    let handle: FileHandle | undefined;
    try {
      handle = await open(root, "r");
      await handle.sync();
    } catch (error) {
      // Some platforms (Windows) and filesystems cannot open or flush a directory; the rename is already done there.
      if (!["EISDIR", "EPERM", "EACCES", "EINVAL", "EBADF", "ENOTSUP"].includes(errorCode(error) ?? "")) throw error;
    } finally {
      await handle?.close();
    }
  };

  const readRecord = async (dataName: string, key: string): Promise<FileRecord | null> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(pathOf(dataName));
    } catch (error) {
      if (errorCode(error) === "ENOENT") return null;
      throw error;
    }
    const record = parseRecord(bytes.toString("utf8"));
    if (record === undefined || record.key !== key) {
      throw new PelbiotError(
        "INTEGRITY_ERROR",
        `The file storage record of key ${quoteKey(key)} (${pathOf(dataName)}) is damaged: its checksum or key does ` +
          "not match. Delete the file or restore it from a backup.",
        { details: { directory: root, key, file: dataName, damagedVersion: damagedVersionOf(bytes) } },
      );
    }
    return record;
  };

  // Removing a damaged record keeps its bytes aside for an operator instead of deleting them.
  const setAsideDamaged = async (dataName: string, assertOwnership: () => Promise<void>): Promise<void> => {
    await assertOwnership();
    await rename(pathOf(dataName), pathOf(damagedFileName(dataName)));
    await syncDirectory();
  };

  const inspectLock = async (lockPath: string): Promise<LockSnapshot | undefined> => {
    let handle: FileHandle;
    try {
      handle = await open(lockPath, "r");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw error;
    }
    try {
      // Status and content come from the same open file, so they describe the same lock.
      const status = await handle.stat({ bigint: true });
      const raw = await handle.readFile("utf8");
      return { raw, inode: status.ino, ageMs: Date.now() - Number(status.mtimeMs), owner: parseLockOwner(raw) };
    } finally {
      await handle.close();
    }
  };

  const isLockStale = async (snapshot: LockSnapshot): Promise<boolean> => {
    if (snapshot.ageMs > staleLockMs) return true;
    const { owner } = snapshot;
    if (owner === undefined) return snapshot.ageMs > UNREADABLE_LOCK_GRACE_MS;
    if (!isProcessRunning(owner.pid)) return true;
    if (owner.start === null) return false;
    const start = await readProcessStart(owner.pid);
    return start !== undefined && start !== owner.start;
  };

  /** Breaks the lock when it is stale. Returns whether the lock is gone, so acquiring it may be retried at once. */
  const breakLockIfStale = async (lockPath: string): Promise<boolean> => {
    const observed = await inspectLock(lockPath);
    if (observed === undefined) return true;
    if (!(await isLockStale(observed))) return false;
    // Renaming is atomic, so exactly one breaker moves a given lock file aside; deleting in place could remove a
    // fresh lock that another breaker had created in the meantime.
    const asidePath = pathOf(temporaryFileName());
    try {
      await rename(lockPath, asidePath);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return true;
      throw error;
    }
    const moved = await inspectLock(asidePath);
    if (moved !== undefined && (moved.inode !== observed.inode || moved.raw !== observed.raw)) {
      // The lock was replaced between the inspection and the rename: put the live one back unless a newer lock is
      // already in place. Either way its owner re-checks ownership before committing and starts over if needed.
      await link(asidePath, lockPath).catch(() => undefined);
    }
    await unlinkQuietly(asidePath);
    return true;
  };

  // Set once hard links turn out to be unsupported in this directory.
  let exclusiveCreateOnly = false;

  /**
   * Creates the lock file with its content in one atomic step: the content goes to a temporary file, which is then
   * hard-linked to the lock's name (linking fails when the name exists, just like an exclusive create). Creating the
   * lock with `wx` and writing it afterwards would leave an empty, ownerless lock whenever a writer is killed in
   * between, and nobody could tell that lock from one being written. Falls back to `wx` where links are unsupported.
   */
  const tryCreateLock = async (lockPath: string, content: string): Promise<boolean> => {
    if (!exclusiveCreateOnly) {
      const temporaryPath = pathOf(temporaryFileName());
      try {
        await writeFile(temporaryPath, content, { encoding: "utf8", flag: "wx" });
        try {
          await link(temporaryPath, lockPath);
          return true;
        } catch (error) {
          const code = errorCode(error);
          if (code === "EEXIST") return false;
          if (!LINK_UNSUPPORTED_CODES.includes(code ?? "")) throw error;
          exclusiveCreateOnly = true;
        }
      } finally {
        await unlinkQuietly(temporaryPath);
      }
    }
    let handle: FileHandle;
    try {
      handle = await open(lockPath, "wx");
    } catch (error) {
      if (errorCode(error) === "EEXIST") return false;
      throw error;
    }
    try {
      await handle.writeFile(content, "utf8");
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlinkQuietly(lockPath);
      throw error;
    }
    return true;
  };

  const acquireLock = async (lockPath: string, key: string | undefined, deadline: number): Promise<string> => {
    const start = await ownProcessStart();
    let delayMs = LOCK_RETRY_MIN_DELAY_MS;
    for (;;) {
      const id = randomUUID();
      const owner: LockOwner = { pid: process.pid, start: start ?? null, id };
      const content = JSON.stringify({ ...owner, acquiredAt: new Date().toISOString() });
      if (await tryCreateLock(lockPath, content)) return id;
      if (await breakLockIfStale(lockPath)) continue;
      // Writes called before dispose() still complete when their lock is free; only waiting for a live holder stops.
      if (disposed) {
        throw new PelbiotError(
          "STORAGE_ERROR",
          `File storage in ${root} was disposed while a write waited for its lock; the write did not happen.`,
          { details: { directory: root } },
        );
      }
      if (Date.now() >= deadline) {
        const subject = key === undefined ? `the lock ${lockPath}` : `the lock of key ${quoteKey(key)}`;
        throw new PelbiotError(
          "TIMEOUT",
          `File storage waited ${lockTimeoutMs} ms for ${subject} in ${root}, held by another live writer. ` +
            "Raise lockTimeoutMs, or lower staleLockMs if a writer froze.",
          { details: { directory: root, lockFile: lockPath, lockTimeoutMs } },
        );
      }
      // Random jitter keeps competing processes from retrying in lockstep.
      await sleep(delayMs * (0.5 + Math.random()));
      delayMs = Math.min(delayMs * 2, LOCK_RETRY_MAX_DELAY_MS);
    }
  };

  const holdsLock = async (lockPath: string, id: string): Promise<boolean> => {
    try {
      return parseLockOwner(await readFile(lockPath, "utf8"))?.id === id;
    } catch (error) {
      if (errorCode(error) === "ENOENT") return false;
      throw error;
    }
  };

  /**
   * Runs `task` while holding the lock of one data file. `task` must call `assertOwnership` right before it
   * commits; when the lock was broken meanwhile, the whole task runs again under a fresh lock.
   */
  const underLock = <T>(
    dataName: string,
    key: string | undefined,
    task: (assertOwnership: () => Promise<void>) => Promise<T>,
  ): Promise<T> =>
    runExclusive(dataName, async () => {
      const lockPath = pathOf(`${dataName}${LOCK_SUFFIX}`);
      const deadline = Date.now() + lockTimeoutMs;
      for (;;) {
        const id = await acquireLock(lockPath, key, deadline);
        try {
          return await task(async () => {
            if (!(await holdsLock(lockPath, id))) throw new LockLostError();
          });
        } catch (error) {
          if (!(error instanceof LockLostError)) throw error;
        } finally {
          // A failed release must not turn a committed write into an error; the lock is broken later as stale.
          if (await holdsLock(lockPath, id).catch(() => false)) await unlinkQuietly(lockPath);
        }
      }
    });

  const writeRecord = async (
    dataName: string,
    record: FileRecord,
    assertOwnership: () => Promise<void>,
  ): Promise<void> => {
    const temporaryPath = pathOf(temporaryFileName());
    try {
      const handle = await open(temporaryPath, "wx");
      try {
        await handle.writeFile(serialiseRecord(record), "utf8");
        if (fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await assertOwnership();
      await rename(temporaryPath, pathOf(dataName));
    } catch (error) {
      await unlinkQuietly(temporaryPath);
      throw error;
    }
    await syncDirectory();
  };

  const deleteRecord = async (dataName: string, assertOwnership: () => Promise<void>): Promise<void> => {
    await assertOwnership();
    try {
      await unlink(pathOf(dataName));
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw error;
    }
    await syncDirectory();
  };

  // Best effort: a leftover that cannot be removed now is simply tried again later.
  const sweepLeftovers = async (names: readonly string[]): Promise<void> => {
    for (const name of names) {
      try {
        if (name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX)) {
          const pid = Number(/^t-(\d+)-/.exec(name)?.[1]);
          const ownerGone = Number.isSafeInteger(pid) && pid !== process.pid && !isProcessRunning(pid);
          if (ownerGone || Date.now() - (await stat(pathOf(name))).mtimeMs > staleLockMs) {
            await unlinkQuietly(pathOf(name));
          }
        } else if (name.endsWith(LOCK_SUFFIX)) {
          await breakLockIfStale(pathOf(name));
        }
      } catch {
        // Left for the next sweep.
      }
    }
  };

  // The key of a data file, or undefined for files that are not (valid) records of this store.
  const keyOfDataFile = async (name: string): Promise<string | undefined> => {
    if (name.startsWith(ENCODED_PREFIX)) {
      const key = decodeKey(name.slice(ENCODED_PREFIX.length, -DATA_SUFFIX.length));
      // Only the one canonical name of a key counts, so two spellings can never list a key twice.
      return key !== undefined && dataFileName(key) === name ? key : undefined;
    }
    if (!name.startsWith(HASHED_PREFIX)) return undefined;
    let text: string;
    try {
      text = await readFile(pathOf(name), "utf8");
    } catch (error) {
      if (errorCode(error) === "ENOENT") return undefined;
      throw error;
    }
    const record = parseRecord(text);
    return record !== undefined && dataFileName(record.key) === name ? record.key : undefined;
  };

  const listDirectory = async (): Promise<string[]> => {
    try {
      return await readdir(root);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw error;
    }
  };

  return {
    specificationVersion: "v1",
    name: "file",

    async getItem(key) {
      ensureOpen("getItem");
      validateStorageKey(key, "fileStorage.getItem");
      return run("getItem", key, async () => (await readRecord(dataFileName(key), key))?.value ?? null);
    },

    async getEntry(key) {
      ensureOpen("getEntry");
      validateStorageKey(key, "fileStorage.getEntry");
      return run("getEntry", key, async () => {
        const record = await readRecord(dataFileName(key), key);
        return record === null ? null : { value: record.value, version: record.version };
      });
    },

    async setItem(key, value) {
      ensureOpen("setItem");
      validateSetItemArguments(key, value, "fileStorage.setItem");
      const dataName = dataFileName(key);
      await run("setItem", key, () =>
        underLock(dataName, key, (assertOwnership) =>
          writeRecord(dataName, { key, version: randomUUID(), value }, assertOwnership),
        ),
      );
    },

    async removeItem(key) {
      ensureOpen("removeItem");
      validateStorageKey(key, "fileStorage.removeItem");
      const dataName = dataFileName(key);
      await run("removeItem", key, () =>
        underLock(dataName, key, (assertOwnership) => deleteRecord(dataName, assertOwnership)),
      );
    },

    async compareAndSet(key, expectedVersion, value) {
      ensureOpen("compareAndSet");
      validateCompareAndSetArguments(key, expectedVersion, value, "fileStorage.compareAndSet");
      const dataName = dataFileName(key);
      return run("compareAndSet", key, () =>
        underLock(dataName, key, async (assertOwnership) => {
          let current: FileRecord | null;
          try {
            current = await readRecord(dataName, key);
          } catch (error) {
            // A damaged record is replaced or removed only by the caller that names it by its damagedVersion.
            if (expectedVersion === null || damagedVersionIn(error) !== expectedVersion) throw error;
            if (value === null) await setAsideDamaged(dataName, assertOwnership);
            else await writeRecord(dataName, { key, version: randomUUID(), value }, assertOwnership);
            return true;
          }
          if ((current?.version ?? null) !== expectedVersion) return false;
          if (value === null) {
            if (current !== null) await deleteRecord(dataName, assertOwnership);
          } else {
            await writeRecord(dataName, { key, version: randomUUID(), value }, assertOwnership);
          }
          return true;
        }),
      );
    },

    async keys(prefix) {
      ensureOpen("keys");
      validateStoragePrefix(prefix, "fileStorage.keys");
      return run("keys", undefined, async () => {
        const names = await listDirectory();
        const keys: string[] = [];
        let leftovers = false;
        for (const name of names) {
          if (!name.endsWith(DATA_SUFFIX)) {
            leftovers ||= name.endsWith(TEMP_SUFFIX) || name.endsWith(LOCK_SUFFIX);
            continue;
          }
          const key = await keyOfDataFile(name);
          if (key !== undefined && (prefix === undefined || key.startsWith(prefix))) keys.push(key);
        }
        if (leftovers) await sweepLeftovers(names);
        // The default sort compares UTF-16 code units, which is the order the contract promises.
        return keys.sort();
      });
    },

    async clear() {
      ensureOpen("clear");
      await run("clear", undefined, async () => {
        for (const name of await listDirectory()) {
          if (!name.endsWith(DATA_SUFFIX) || (await keyOfDataFile(name)) === undefined) continue;
          await underLock(name, undefined, (assertOwnership) => deleteRecord(name, assertOwnership));
        }
      });
    },

    async dispose() {
      disposed = true;
      // Operations already called finish and release their locks; one blocked by another writer's lock fails fast.
      await Promise.allSettled([...pending]);
    },
  };
}

function validateOptions(options: FileStorageOptions): void {
  const validator = createValidator("createFileStorage");
  if (validator.object("options", options)) {
    validator.string("options.directory", options.directory);
    if (options.fsync !== undefined) validator.boolean("options.fsync", options.fsync);
    if (options.lockTimeoutMs !== undefined) {
      validator.number("options.lockTimeoutMs", options.lockTimeoutMs, { min: 0 });
    }
    if (options.staleLockMs !== undefined) {
      validator.number("options.staleLockMs", options.staleLockMs, { positive: true });
    }
  }
  validator.done();
}

/** The file name of a key's record: its encoding when short enough, its hash otherwise. */
function dataFileName(key: string): string {
  const encoded = encodeKey(key);
  if (encoded.length <= MAX_ENCODED_LENGTH) return `${ENCODED_PREFIX}${encoded}${DATA_SUFFIX}`;
  // Hashing the encoding, not the key, keeps lone surrogates (which UTF-8 cannot carry) distinct.
  return `${HASHED_PREFIX}${createHash("sha256").update(encoded).digest("hex")}${DATA_SUFFIX}`;
}

function encodeKey(key: string): string {
  let encoded = "";
  for (let index = 0; index < key.length; index += 1) {
    const unit = key.charCodeAt(index);
    const isLowerOrDigit = (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x30 && unit <= 0x39);
    if (isLowerOrDigit || unit === 0x2d || unit === 0x2e || unit === 0x5f) {
      encoded += String.fromCharCode(unit);
    } else if (unit >= 0x41 && unit <= 0x5a) {
      encoded += `^${String.fromCharCode(unit + 0x20)}`;
    } else if (unit < 0x100) {
      encoded += `%${unit.toString(16).padStart(2, "0")}`;
    } else {
      // Whole UTF-16 units rather than UTF-8 bytes: a key may hold a lone surrogate, which UTF-8 cannot represent.
      encoded += `%u${unit.toString(16).padStart(4, "0")}`;
    }
  }
  return encoded;
}

function decodeKey(encoded: string): string | undefined {
  let key = "";
  ENCODED_TOKEN.lastIndex = 0;
  while (ENCODED_TOKEN.lastIndex < encoded.length) {
    const token = ENCODED_TOKEN.exec(encoded)?.[0];
    if (token === undefined) return undefined;
    if (token.startsWith("^")) key += token.slice(1).toUpperCase();
    else if (token.startsWith("%u")) key += String.fromCharCode(Number.parseInt(token.slice(2), 16));
    else if (token.startsWith("%")) key += String.fromCharCode(Number.parseInt(token.slice(1), 16));
    else key += token;
  }
  return key;
}

function temporaryFileName(): string {
  // The process id lets a sweep recognise the leftovers of a crashed writer.
  return `${TEMP_PREFIX}${process.pid}-${randomUUID()}${TEMP_SUFFIX}`;
}

function checksumOf(key: string, version: string, value: string): string {
  // JSON escapes lone surrogates, so the hashed text is well-formed and the checksum is unambiguous.
  return createHash("sha256")
    .update(JSON.stringify([RECORD_FORMAT, key, version, value]))
    .digest("hex");
}

function serialiseRecord(record: FileRecord): string {
  const { key, version, value } = record;
  return JSON.stringify({ format: RECORD_FORMAT, key, version, checksum: checksumOf(key, version, value), value });
}

function parseRecord(text: string): FileRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { format, key, version, checksum, value } = parsed as Record<string, unknown>;
  if (format !== RECORD_FORMAT || typeof key !== "string" || typeof version !== "string") return undefined;
  if (typeof value !== "string" || checksum !== checksumOf(key, version, value)) return undefined;
  return { key, version, value };
}

function parseLockOwner(raw: string): LockOwner | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { pid, start, id } = parsed as Record<string, unknown>;
  // A pid of 0 or below would address a process group in process.kill, so only positive ids are trusted.
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0 || typeof id !== "string") return undefined;
  if (start !== null && typeof start !== "string") return undefined;
  return { pid, start, id };
}

function isProcessRunning(pid: number): boolean {
  try {
    // Signal 0 only checks that the process exists; EPERM means it exists but belongs to another user.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== "ESRCH";
  }
}

let ownStart: Promise<string | undefined> | undefined;

function ownProcessStart(): Promise<string | undefined> {
  ownStart ??= readProcessStart(process.pid);
  return ownStart;
}

/** The start time of a process in clock ticks since boot, on Linux; `undefined` elsewhere or when it is gone. */
async function readProcessStart(pid: number): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  try {
    const status = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses, so fields are counted from its closing one;
    // the start time is field 22.
    return status.slice(status.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

function sleep(delayMs: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, delayMs));
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === "string" ? code : undefined;
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}

/** Serialises tasks that share a name, in call order; tasks with different names run concurrently. */
function createKeyedMutex(): <T>(name: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return async (name, task) => {
    const previous = tails.get(name) ?? Promise.resolve();
    let release = (): void => undefined;
    const done = new Promise<void>((resolvePromise) => {
      release = resolvePromise;
    });
    const tail = previous.then(() => done);
    tails.set(name, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // Drop the entry once the queue is empty, so the map does not grow with every key ever written.
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}
