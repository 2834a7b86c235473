import { generateKeyPairSync, sign } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCanonicalDerEcdsaSignature } from "../../src/biometric/signature-encoding";

const CURVES = ["prime256v1", "secp384r1", "secp521r1"] as const;
const KEYS = CURVES.map((namedCurve) => generateKeyPairSync("ec", { namedCurve }).privateKey);

/**
 * Real DER signatures from node:crypto (OpenSSL), the independent encoder: 40 per curve, so both integers come with
 * and without the sign byte, and P-521's come with the long-form sequence length. Signing is the slow part, so the
 * properties draw from this pool rather than sign each run.
 */
const POOL = KEYS.flatMap((key) =>
  Array.from({ length: 40 }, (_, index) =>
    sign("sha256", Buffer.from(`message ${index}`), { key, dsaEncoding: "der" }),
  ),
);

/** Where the headers are: the sequence's tag and length bytes, then each integer's tag and length. */
function headerPositions(signature: Uint8Array): number[] {
  const start = signature[1] === 0x81 ? 3 : 2;
  const rLength = signature[start + 1] ?? 0;
  return [
    ...Array.from({ length: start }, (_, index) => index),
    start,
    start + 1,
    start + 2 + rLength,
    start + 3 + rLength,
  ];
}

const signatures = fc.constantFrom(...POOL);

describe("isCanonicalDerEcdsaSignature", () => {
  it("accepts the signatures OpenSSL writes, on P-256, P-384 and P-521, in both length forms", () => {
    fc.assert(
      fc.property(signatures, (signature) => isCanonicalDerEcdsaSignature(signature)),
      { numRuns: 150 },
    );
  });

  it("refuses any change to the sequence or integer headers", () => {
    fc.assert(
      fc.property(signatures, fc.nat(), fc.integer({ min: 1, max: 255 }), (signature, which, mask) => {
        const headers = headerPositions(signature);
        const index = headers[which % headers.length] ?? 0;
        const changed = Buffer.from(signature);
        changed[index] = (changed[index] ?? 0) ^ mask;
        expect(isCanonicalDerEcdsaSignature(changed)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses trailing bytes, a truncation and a redundant leading zero", () => {
    fc.assert(
      fc.property(signatures, fc.integer({ min: 0, max: 255 }), (signature, extra) => {
        expect(isCanonicalDerEcdsaSignature(Buffer.concat([signature, Buffer.from([extra])]))).toBe(false);
        expect(isCanonicalDerEcdsaSignature(signature.subarray(0, signature.length - 1))).toBe(false);
        // r padded with one more zero byte, lengths fixed up: the same number, a second encoding.
        const start = signature[1] === 0x81 ? 3 : 2;
        const content = signature.length - start + 1;
        const padded = Buffer.concat([
          Buffer.from(content < 0x80 ? [0x30, content] : [0x30, 0x81, content]),
          Buffer.from([0x02, (signature[start + 1] ?? 0) + 1, 0x00]),
          signature.subarray(start + 2),
        ]);
        expect(isCanonicalDerEcdsaSignature(padded)).toBe(false);
        // The sequence's length in the long form where the short one fits.
        if (start === 2) {
          const longForm = Buffer.concat([Buffer.from([0x30, 0x81]), signature.subarray(1)]);
          expect(isCanonicalDerEcdsaSignature(longForm)).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("refuses negative integers, empty integers and other shapes", () => {
    expect(isCanonicalDerEcdsaSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]))).toBe(false);
    expect(isCanonicalDerEcdsaSignature(Uint8Array.from([0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01]))).toBe(false);
    expect(isCanonicalDerEcdsaSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]))).toBe(false);
    expect(isCanonicalDerEcdsaSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]))).toBe(true);
    expect(isCanonicalDerEcdsaSignature(new Uint8Array(0))).toBe(false);
  });
});
