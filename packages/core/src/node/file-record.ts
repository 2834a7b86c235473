import { createHash } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { PelbiotError } from "../errors/pelbiot-error";
import { damagedFileName, damagedVersionOf } from "./damaged-record-file";
import { errorCode, type FileDirectory, quoteKey, unlinkQuietly } from "./file-directory";
import { dataFileName, ENCODED_PREFIX, HASHED_PREFIX, keyOfEncodedName, temporaryFileName } from "./file-names";

const RECORD_FORMAT = "pelbiot-file-storage/1";

/** The record stored in each data file. */
export interface FileRecord {
  readonly key: string;
  readonly version: string;
  readonly value: string;
}

/** Called right before a write commits; rejects when the writer no longer holds the key's lock. */
export type AssertOwnership = () => Promise<void>;

/** Reading and writing the self-checking record files of one directory. */
export interface RecordFiles {
  /** The record in `dataName`, `null` when there is none; rejects with `INTEGRITY_ERROR` when it is damaged. */
  read(dataName: string, key: string): Promise<FileRecord | null>;
  /** Replaces the record atomically: temporary file, flush, ownership check, rename, directory flush. */
  write(dataName: string, record: FileRecord, assertOwnership: AssertOwnership): Promise<void>;
  /** Deletes the record; a missing file is not an error. */
  remove(dataName: string, assertOwnership: AssertOwnership): Promise<void>;
  /** Renames a damaged record to `d-<uuid>-<name>.damaged`, keeping its bytes for an operator. */
  setAsideDamaged(dataName: string, assertOwnership: AssertOwnership): Promise<void>;
  /** The key of a data file, or `undefined` for files that are not (valid) records of this store. */
  keyOf(name: string): Promise<string | undefined>;
}

/**
 * The record files of a file storage directory. Each file holds one JSON record with the key, the version, the value
 * and a SHA-256 checksum of the three, so a damaged file is reported instead of being returned.
 *
 * @param directory - The store's directory.
 * @returns The record operations.
 */
export function createRecordFiles(directory: FileDirectory): RecordFiles {
  const { pathOf } = directory;

  const read = async (dataName: string, key: string): Promise<FileRecord | null> => {
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
        { details: { directory: directory.root, key, file: dataName, damagedVersion: damagedVersionOf(bytes) } },
      );
    }
    return record;
  };

  const write = async (dataName: string, record: FileRecord, assertOwnership: AssertOwnership): Promise<void> => {
    const temporaryPath = pathOf(temporaryFileName());
    try {
      const handle = await open(temporaryPath, "wx");
      try {
        await handle.writeFile(serialiseRecord(record), "utf8");
        if (directory.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await assertOwnership();
      await rename(temporaryPath, pathOf(dataName));
    } catch (error) {
      await unlinkQuietly(temporaryPath);
      throw error;
    }
    await directory.sync();
  };

  const remove = async (dataName: string, assertOwnership: AssertOwnership): Promise<void> => {
    await assertOwnership();
    try {
      await unlink(pathOf(dataName));
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw error;
    }
    await directory.sync();
  };

  // Removing a damaged record keeps its bytes aside for an operator instead of deleting them.
  const setAsideDamaged = async (dataName: string, assertOwnership: AssertOwnership): Promise<void> => {
    await assertOwnership();
    await rename(pathOf(dataName), pathOf(damagedFileName(dataName)));
    await directory.sync();
  };

  const keyOf = async (name: string): Promise<string | undefined> => {
    if (name.startsWith(ENCODED_PREFIX)) return keyOfEncodedName(name);
    if (!name.startsWith(HASHED_PREFIX)) return undefined;
    // A hashed name does not reveal its key, so the key is read back from the record.
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

  return { read, write, remove, setAsideDamaged, keyOf };
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
