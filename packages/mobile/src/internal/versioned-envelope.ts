import { PelbiotError, uuidv7 } from "@pelbiot/core";

/** A value and its version, as key-value stores without native versions keep them. */
export interface VersionedEnvelope {
  /** Version: a fresh UUIDv7 on every write, so it never repeats for a key. */
  v: string;
  /** The stored value. */
  d: string;
}

/** Wraps a value with a fresh version. */
export function sealEnvelope(value: string): string {
  return JSON.stringify({ v: uuidv7(), d: value } satisfies VersionedEnvelope);
}

/**
 * Reads an envelope written by {@link sealEnvelope}.
 *
 * @throws {PelbiotError} INTEGRITY_ERROR when the text is something else (another library's value, corruption).
 */
export function openEnvelope(text: string | null, where: string): VersionedEnvelope | null {
  if (text === null) return null;
  try {
    const envelope = JSON.parse(text) as { v?: unknown; d?: unknown };
    if (typeof envelope.v === "string" && typeof envelope.d === "string") return { v: envelope.v, d: envelope.d };
  } catch {
    // fall through to the integrity error
  }
  throw new PelbiotError("INTEGRITY_ERROR", `${where} does not hold a PELBIOT record`);
}
