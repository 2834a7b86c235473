import { type FileHandle, open, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";

/** The directory of one file storage, with the few operations every part of the store needs. */
export interface FileDirectory {
  /** The absolute path of the directory. */
  readonly root: string;
  /** Whether writes are flushed to the disk before they resolve. */
  readonly fsync: boolean;
  /** The absolute path of a file in the directory. */
  pathOf(name: string): string;
  /** Flushes the directory entries to the disk (when `fsync` is on), so a rename survives a power loss. */
  sync(): Promise<void>;
  /** The names in the directory; none when the directory does not exist (yet). */
  list(): Promise<string[]>;
}

// What opening or flushing a directory answers on platforms (Windows) and filesystems that cannot do it.
const DIRECTORY_SYNC_UNSUPPORTED_CODES = ["EISDIR", "EPERM", "EACCES", "EINVAL", "EBADF", "ENOTSUP"];

/**
 * Describes the directory of a file storage.
 *
 * @param root - The absolute path of the directory.
 * @param fsync - Whether to flush the directory after renames.
 * @returns The directory's operations.
 */
export function createFileDirectory(root: string, fsync: boolean): FileDirectory {
  return {
    root,
    fsync,
    pathOf: (name) => join(root, name),
    async sync() {
      if (!fsync) return;
      let handle: FileHandle | undefined;
      try {
        handle = await open(root, "r");
        await handle.sync();
      } catch (error) {
        // Where a directory cannot be opened or flushed, the rename is already done.
        if (!DIRECTORY_SYNC_UNSUPPORTED_CODES.includes(errorCode(error) ?? "")) throw error;
      } finally {
        await handle?.close();
      }
    },
    async list() {
      try {
        return await readdir(root);
      } catch (error) {
        if (errorCode(error) === "ENOENT") return [];
        throw error;
      }
    },
  };
}

/**
 * The `code` of a Node.js system error (`ENOENT`, `EEXIST`, …).
 *
 * @param error - Anything thrown.
 * @returns The code, or `undefined` when `error` carries none.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === "string" ? code : undefined;
}

/**
 * Deletes a file, ignoring every failure: for leftovers that a later sweep removes if this attempt cannot.
 *
 * @param path - The file to delete.
 */
export async function unlinkQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/**
 * A key as quoted in error messages, cut to 100 characters.
 *
 * @param key - A storage key.
 * @returns The key as a JSON string literal.
 */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}
