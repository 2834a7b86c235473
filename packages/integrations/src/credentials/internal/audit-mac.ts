import { createHmac, timingSafeEqual } from "node:crypto";
import type { AuditChainPoint, AuditEntry } from "../verify-audit-chain";

/** Which end of an exported chain a point seals. */
export type AuditPointRole = "anchor" | "head";

/**
 * HMAC-SHA-256 (hex) of an entry under the audit key: over the chain id, the previous entry's MAC and a fixed-order
 * JSON array of the entry's fields. Without the key nobody can recompute it, so an edited entry cannot be re-chained.
 */
export function auditEntryMac(key: Buffer, chainId: string, entry: Omit<AuditEntry, "hash">): string {
  const canonical = JSON.stringify([
    "pelbiot.audit-entry/v2",
    chainId,
    entry.previousHash,
    entry.sequence,
    entry.time,
    entry.actor,
    entry.action,
    entry.result,
    entry.provider,
    entry.userId,
    entry.credentialVersion,
    entry.errorCode,
  ]);
  return createHmac("sha256", key).update(canonical).digest("hex");
}

/**
 * HMAC-SHA-256 (hex) sealing a chain end. The role is part of the input, so an entry's MAC can never stand in for an
 * anchor or a head, and a head cannot be moved back to an earlier entry without the key.
 */
export function auditPointMac(
  key: Buffer,
  chainId: string,
  role: AuditPointRole,
  point: Omit<AuditChainPoint, "mac">,
): string {
  const canonical = JSON.stringify(["pelbiot.audit-point/v2", chainId, role, point.sequence, point.hash]);
  return createHmac("sha256", key).update(canonical).digest("hex");
}

/** Constant-time comparison of two hex MACs; `false` for anything that is not a string of the right length. */
export function macEquals(given: unknown, expected: string): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
