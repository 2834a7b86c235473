import { createHash, randomUUID } from "node:crypto";
import { PelbiotError } from "../errors/pelbiot-error";

// Set-aside names start with their own letter and end with a suffix that no read, listing or sweep looks at.
const DAMAGED_PREFIX = "d-";
const DAMAGED_SUFFIX = ".damaged";
const DAMAGED_VERSION_PREFIX = "damaged-";

/**
 * The version token of a damaged record file: a hash of its bytes, so it changes whenever the file is rewritten.
 * The store's integrity error carries it as `details.damagedVersion`, and `compareAndSet` accepts it as the expected
 * version, which lets a caller replace or remove exactly the damaged file it saw and nothing written since.
 *
 * @param bytes - The whole content of the record file.
 * @returns A token that never equals a version of a valid record.
 */
export function damagedVersionOf(bytes: Uint8Array): string {
  return `${DAMAGED_VERSION_PREFIX}${createHash("sha256").update(bytes).digest("hex")}`;
}

/**
 * The name a damaged record file is renamed to when it is removed, so its bytes stay in the directory for an
 * operator: `d-<uuid>-<data file name without .json>.damaged`.
 *
 * @param dataName - The record's data file name, ending in `.json`.
 * @returns A unique file name that is at most 255 bytes for every data file name the store creates.
 */
export function damagedFileName(dataName: string): string {
  return `${DAMAGED_PREFIX}${randomUUID()}-${dataName.replace(/\.json$/, "")}${DAMAGED_SUFFIX}`;
}

/**
 * The `damagedVersion` an integrity error of the file store carries, when `error` is one.
 *
 * @param error - Anything thrown while reading a record.
 * @returns The token, or `undefined` when `error` is not a damaged-record error.
 */
export function damagedVersionIn(error: unknown): string | undefined {
  if (!PelbiotError.is(error, "INTEGRITY_ERROR")) return undefined;
  const token = error.details?.damagedVersion;
  return typeof token === "string" ? token : undefined;
}
