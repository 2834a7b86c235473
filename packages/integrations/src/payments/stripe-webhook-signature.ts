import { createHmac, timingSafeEqual } from "node:crypto";
import { PelbiotError } from "@pelbiot/core";

/** Options of {@link verifyStripeSignature}. */
export interface VerifyStripeSignatureOptions {
  /** Now, in epoch milliseconds. */
  readonly now: number;
  /**
   * How far the signed timestamp may lie from now in either direction, in milliseconds (Stripe's default is 300 s;
   * stripe-node checks only the past, rejecting the future as well is stricter).
   * @default 300_000
   */
  readonly toleranceMs?: number | undefined;
}

/**
 * Verifies a `Stripe-Signature` header the way stripe-node does: parse `t=…,v1=…[,v1=…]`, compute
 * hex(HMAC-SHA256(key = the whole `whsec_…` secret as UTF-8, `${t}.${rawBody}`)), accept when any `v1` matches in
 * constant time, then reject timestamps outside the tolerance.
 *
 * @param rawBody - The request body exactly as received (string or bytes), never re-serialised JSON.
 * @param header - The `Stripe-Signature` header.
 * @param secret - The endpoint secret.
 * @param options - The current time and tolerance.
 * @returns The signed timestamp in Unix seconds.
 * @throws {PelbiotError} INTEGRITY_ERROR for a malformed header, no matching signature or a stale timestamp.
 * @example
 * ```ts
 * verifyStripeSignature(body, request.headers["stripe-signature"], "whsec_…", { now: Date.now() });
 * ```
 */
export function verifyStripeSignature(
  rawBody: string | Uint8Array,
  header: string,
  secret: string,
  options: VerifyStripeSignatureOptions,
): number {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const index = part.indexOf("=");
    const key = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1") signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw invalid("Unable to extract timestamp and v1 signatures from the Stripe-Signature header");
  }
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody);
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${timestamp}.`, "utf8")
    .update(body)
    .digest();
  const matches = signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
    return timingSafeEqual(Buffer.from(signature, "hex"), expected);
  });
  if (!matches) throw invalid("No signatures found matching the expected signature for the payload");
  const toleranceMs = options.toleranceMs ?? 300_000;
  if (Math.abs(options.now - timestamp * 1000) > toleranceMs) {
    throw invalid(`Timestamp outside the tolerance zone (${toleranceMs / 1000} s)`);
  }
  return timestamp;
}

function invalid(message: string): PelbiotError {
  return new PelbiotError("INTEGRITY_ERROR", `Stripe webhook rejected: ${message}.`);
}
