import { randomUUID } from "node:crypto";
import { type FileHandle, link, open, readFile, rename, writeFile } from "node:fs/promises";
import { createKeyedMutex } from "../concurrency/create-keyed-mutex";
import { PelbiotError } from "../errors/pelbiot-error";
import { sleep } from "../time/sleep";
import { errorCode, type FileDirectory, quoteKey, unlinkQuietly } from "./file-directory";
import { LOCK_SUFFIX, temporaryFileName } from "./file-names";
import type { AssertOwnership } from "./file-record";
import { isProcessRunning, ownProcessStart, readProcessStart } from "./process-identity";

// Where a lock must be created empty and filled a moment later, one still unreadable after this long lost its owner
// in between.
const UNREADABLE_LOCK_GRACE_MS = 2_000;
// What link() answers on filesystems without hard links (FAT, some network and Android mounts).
const LINK_UNSUPPORTED_CODES = ["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV", "EMLINK"];
const LOCK_RETRY_MIN_DELAY_MS = 1;
const LOCK_RETRY_MAX_DELAY_MS = 50;

/** Settings of {@link createFileLocks}. */
export interface FileLockSettings {
  /** How long a write waits for another writer's lock before it fails with `TIMEOUT`. */
  readonly lockTimeoutMs: number;
  /** Age after which a lock is presumed abandoned even though its process id still answers. */
  readonly staleLockMs: number;
  /** Whether the store was disposed: a write waiting for a live holder then stops. */
  readonly isDisposed: () => boolean;
}

/** The per-key locks of one file storage. */
export interface FileLocks {
  /**
   * Runs `task` while holding the lock of one data file. `task` must call `assertOwnership` right before it
   * commits; when the lock was broken meanwhile, the whole task runs again under a fresh lock.
   */
  underLock<T>(
    dataName: string,
    key: string | undefined,
    task: (assertOwnership: AssertOwnership) => Promise<T>,
  ): Promise<T>;
  /** Breaks the lock when it is stale. Resolves whether the lock is gone, so acquiring it may be retried at once. */
  breakLockIfStale(lockPath: string): Promise<boolean>;
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
 * The lock protocol of a file storage directory. Every write takes the key's lock: first an in-process keyed mutex,
 * then a lock file that names the owner's process. The lock file is created exclusively and complete (see
 * `tryCreateLock`), so `compareAndSet` is atomic across processes. A lock is broken when its owner is gone (or its
 * id was reused, detected on Linux), when it stays unreadable past a grace period, or when it is older than
 * `staleLockMs`; breaking renames it aside first, so two processes cannot both break it.
 *
 * @param directory - The store's directory.
 * @param settings - The timeout, the staleness age and the store's disposed state.
 * @returns The lock operations.
 */
export function createFileLocks(directory: FileDirectory, settings: FileLockSettings): FileLocks {
  const { pathOf, root } = directory;
  const { lockTimeoutMs, staleLockMs, isDisposed } = settings;
  const runExclusive = createKeyedMutex();
  // Set once hard links turn out to be unsupported in this directory.
  let exclusiveCreateOnly = false;

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

  /**
   * Creates the lock file with its content in one atomic step: the content goes to a temporary file, which is then
   * hard-linked to the lock's name (linking fails when the name exists, just like an exclusive create). Creating the
   * lock with `wx` and writing it afterwards would leave an empty, ownerless lock whenever a writer is killed in
   * between, and nobody could tell that lock from one being written. Falls back to `wx` where links are unsupported.
   */
  const tryCreateLock = async (lockPath: string, content: string): Promise<boolean> => {
    if (!exclusiveCreateOnly) {
      const linked = await tryLinkLock(lockPath, content);
      if (linked !== undefined) return linked;
      exclusiveCreateOnly = true;
    }
    return tryCreateLockExclusively(lockPath, content);
  };

  /** Resolves whether the link created the lock, or `undefined` when this filesystem has no hard links. */
  const tryLinkLock = async (lockPath: string, content: string): Promise<boolean | undefined> => {
    const temporaryPath = pathOf(temporaryFileName());
    try {
      // A failure to write the temporary file is the directory's problem, not a sign of missing links.
      await writeFile(temporaryPath, content, { encoding: "utf8", flag: "wx" });
      try {
        await link(temporaryPath, lockPath);
        return true;
      } catch (error) {
        const code = errorCode(error);
        if (code === "EEXIST") return false;
        if (!LINK_UNSUPPORTED_CODES.includes(code ?? "")) throw error;
        return undefined;
      }
    } finally {
      await unlinkQuietly(temporaryPath);
    }
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
      if (isDisposed()) {
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

  const underLock = <T>(
    dataName: string,
    key: string | undefined,
    task: (assertOwnership: AssertOwnership) => Promise<T>,
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

  return { underLock, breakLockIfStale };
}

async function tryCreateLockExclusively(lockPath: string, content: string): Promise<boolean> {
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
}

async function holdsLock(lockPath: string, id: string): Promise<boolean> {
  try {
    return parseLockOwner(await readFile(lockPath, "utf8"))?.id === id;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
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
