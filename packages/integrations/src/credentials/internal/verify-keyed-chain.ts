import type { AuditChainPoint, AuditVerification } from "../verify-audit-chain";
import { type AuditPointRole, auditEntryMac, auditPointMac, macEquals } from "./audit-mac";

function fail(index: number, reason: string): AuditVerification {
  return { valid: false, checkedEntries: index, firstInvalidIndex: index, reason };
}

function isPoint(value: unknown): value is AuditChainPoint {
  const point = value as Partial<AuditChainPoint> | null;
  return (
    typeof point === "object" &&
    point !== null &&
    Number.isSafeInteger(point.sequence) &&
    (point.sequence as number) >= 0 &&
    typeof point.hash === "string" &&
    typeof point.mac === "string"
  );
}

function sealedBy(key: Buffer, chainId: string, role: AuditPointRole, point: AuditChainPoint): boolean {
  return macEquals(point.mac, auditPointMac(key, chainId, role, point));
}

/**
 * Verifies an audit chain under the audit key; never throws, whatever the input. See `verifyAuditChain` for exactly
 * what a valid result proves.
 *
 * @param chain - An exported chain, possibly altered or not a chain at all.
 * @param key - The audit key.
 * @param checkpoint - A head sealed earlier and kept apart from the chain: the chain must reach it and agree with it.
 */
export function verifyKeyedAuditChain(chain: unknown, key: Buffer, checkpoint?: AuditChainPoint): AuditVerification {
  const candidate = chain as Partial<Record<"chainId" | "anchor" | "head" | "entries", unknown>> | null;
  if (typeof candidate !== "object" || candidate === null || !Array.isArray(candidate.entries)) {
    return fail(0, "the chain is not an object with an entries array");
  }
  const { chainId, anchor, head, entries } = candidate as {
    chainId: unknown;
    anchor: unknown;
    head: unknown;
    entries: unknown[];
  };
  if (typeof chainId !== "string") return fail(0, "the chain has no chainId");
  if (!isPoint(anchor)) return fail(0, "the anchor is missing or malformed");
  if (!isPoint(head)) return fail(entries.length, "the head is missing or malformed");
  if (!sealedBy(key, chainId, "anchor", anchor)) {
    return fail(0, "the anchor is not sealed by the audit key: entries were dropped from the start or it was forged");
  }
  let previous: { sequence: number; hash: string } = anchor;
  for (const [index, value] of entries.entries()) {
    const entry = value as Record<string, unknown> | null;
    if (typeof entry !== "object" || entry === null) return fail(index, "entry is not an object");
    if (entry.sequence !== previous.sequence + 1) {
      return fail(index, `sequence ${String(entry.sequence)} does not follow ${previous.sequence}`);
    }
    if (entry.previousHash !== previous.hash) return fail(index, "previousHash does not link to the entry before");
    const { hash, ...rest } = entry;
    const expected = auditEntryMac(key, chainId, rest as Parameters<typeof auditEntryMac>[2]);
    if (!macEquals(hash, expected))
      return fail(index, "the entry's MAC does not match its content under the audit key");
    previous = { sequence: entry.sequence as number, hash: expected };
  }
  if (head.sequence !== previous.sequence || head.hash !== previous.hash) {
    return fail(entries.length, "the last entry is not the recorded head: entries were removed or added");
  }
  if (!sealedBy(key, chainId, "head", head)) {
    return fail(entries.length, "the head is not sealed by the audit key: entries were removed from the end");
  }
  if (checkpoint !== undefined) {
    if (!isPoint(checkpoint) || !sealedBy(key, chainId, "head", checkpoint)) {
      return fail(entries.length, "the checkpoint is not a head sealed by the audit key for this chain");
    }
    if (checkpoint.sequence > head.sequence) {
      return fail(
        entries.length,
        `the chain ends at ${head.sequence}, before the checkpoint at ${checkpoint.sequence}`,
      );
    }
    const known =
      checkpoint.sequence === anchor.sequence
        ? anchor.hash
        : (entries[checkpoint.sequence - anchor.sequence - 1] as { hash?: unknown } | undefined)?.hash;
    if (checkpoint.sequence >= anchor.sequence && known !== checkpoint.hash) {
      return fail(entries.length, "the chain disagrees with the checkpoint: it was rewritten");
    }
  }
  return { valid: true, checkedEntries: entries.length, firstInvalidIndex: null, reason: null };
}
