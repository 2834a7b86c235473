import { createHash, randomUUID } from "node:crypto";

// Every name the store creates is lower-case ASCII, starts with a letter and a dash and ends with a fixed suffix, so
// it is portable to case-insensitive filesystems and never collides with `.`, `..` or the device names Windows
// reserves (`CON`, `NUL`, …).
/** Prefix of a data file named after its key's encoding. */
export const ENCODED_PREFIX = "k-";
/** Prefix of a data file named after the hash of its key's encoding (for keys too long to encode in a name). */
export const HASHED_PREFIX = "h-";
/** Suffix of every data file. */
export const DATA_SUFFIX = ".json";
/** Suffix of a lock file, appended to the data file's name. */
export const LOCK_SUFFIX = ".lock";
/** Suffix of a temporary file. */
export const TEMP_SUFFIX = ".tmp";

const TEMP_PREFIX = "t-";
const TEMP_OWNER = /^t-(\d+)-/;
// Most filesystems cap a name at 255 bytes; the data name, plus the lock suffix, must stay under that. Longer
// encodings are replaced by their hash, and the key is then read back from the record itself.
const MAX_ENCODED_LENGTH = 200;
const ENCODED_TOKEN = /\^[a-z]|%u[0-9a-f]{4}|%[0-9a-f]{2}|[a-z0-9._-]/y;

/**
 * The file name of a key's record: its encoding when short enough, its hash otherwise.
 *
 * @param key - A storage key.
 * @returns `k-<encoding>.json` or `h-<sha256>.json`.
 */
export function dataFileName(key: string): string {
  const encoded = encodeKey(key);
  if (encoded.length <= MAX_ENCODED_LENGTH) return `${ENCODED_PREFIX}${encoded}${DATA_SUFFIX}`;
  // Hashing the encoding, not the key, keeps lone surrogates (which UTF-8 cannot carry) distinct.
  return `${HASHED_PREFIX}${createHash("sha256").update(encoded).digest("hex")}${DATA_SUFFIX}`;
}

/**
 * The key of an encoded data file name, when the name is the one canonical name of that key.
 *
 * @param name - A file name starting with `k-` and ending with `.json`.
 * @returns The key, or `undefined` for a name the store would not have written.
 */
export function keyOfEncodedName(name: string): string | undefined {
  const key = decodeKey(name.slice(ENCODED_PREFIX.length, -DATA_SUFFIX.length));
  // Only the one canonical name of a key counts, so two spellings can never list a key twice.
  return key !== undefined && dataFileName(key) === name ? key : undefined;
}

/**
 * A unique name for a temporary file in the store's directory.
 *
 * @returns `t-<pid>-<uuid>.tmp`.
 */
export function temporaryFileName(): string {
  // The process id lets a sweep recognise the leftovers of a crashed writer.
  return `${TEMP_PREFIX}${process.pid}-${randomUUID()}${TEMP_SUFFIX}`;
}

/**
 * Whether a name is a temporary file of the store.
 *
 * @param name - A file name in the store's directory.
 * @returns `true` for `t-….tmp`.
 */
export function isTemporaryFileName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/**
 * The id of the process that created a temporary file.
 *
 * @param name - A temporary file name.
 * @returns The process id, or `NaN` when the name carries none.
 */
export function temporaryFileOwner(name: string): number {
  return Number(TEMP_OWNER.exec(name)?.[1]);
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
