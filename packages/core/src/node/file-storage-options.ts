import { createValidator } from "../validation/validator";

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

/** {@link FileStorageOptions} with every default applied. */
export interface ResolvedFileStorageOptions {
  readonly directory: string;
  readonly fsync: boolean;
  readonly lockTimeoutMs: number;
  readonly staleLockMs: number;
}

const FILE_STORAGE_OPTION_KEYS = ["directory", "fsync", "lockTimeoutMs", "staleLockMs"] as const;

/**
 * Validates the options of `createFileStorage` and applies the defaults.
 *
 * @param options - What the caller passed.
 * @returns The frozen, resolved options.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed option.
 */
export function resolveFileStorageOptions(options: unknown): ResolvedFileStorageOptions {
  const check = createValidator("createFileStorage");
  if (check.object("options", options)) {
    check.knownKeys("options", options, FILE_STORAGE_OPTION_KEYS);
    const { directory, fsync, lockTimeoutMs, staleLockMs } = options as Partial<FileStorageOptions>;
    check.string("options.directory", directory);
    if (fsync !== undefined) check.boolean("options.fsync", fsync);
    if (lockTimeoutMs !== undefined) check.number("options.lockTimeoutMs", lockTimeoutMs, { min: 0 });
    if (staleLockMs !== undefined) check.number("options.staleLockMs", staleLockMs, { positive: true });
  }
  check.done();
  const { directory, fsync = true, lockTimeoutMs = 10_000, staleLockMs = 30_000 } = options as FileStorageOptions;
  return Object.freeze({ directory, fsync, lockTimeoutMs, staleLockMs });
}
