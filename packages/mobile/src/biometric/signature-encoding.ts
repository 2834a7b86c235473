import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";

/**
 * Whether a stored credential public key (COSE, as registration stored it) is an EC2 key, whose WebAuthn signatures
 * are ASN.1 DER `Ecdsa-Sig-Value`s (WebAuthn §6.5.6). RSA and EdDSA signatures are raw bytes and have one form.
 */
export function signsWithDerEcdsa(publicKey: Uint8Array<ArrayBuffer>): boolean {
  try {
    return cose.isCOSEPublicKeyEC2(decodeCredentialPublicKey(publicKey));
  } catch {
    return false;
  }
}

/**
 * Whether an ECDSA signature is in DER, the one encoding of `SEQUENCE { r INTEGER, s INTEGER }`: minimal lengths that
 * match the bytes exactly, positive integers with no redundant leading zero, nothing after. The verifier beneath
 * reads the integers out of a looser parse (a changed tag or outer length still verified), so the same signature
 * had many byte forms; a login whose signed bytes were changed anywhere must fail.
 */
export function isCanonicalDerEcdsaSignature(signature: Uint8Array): boolean {
  // The largest curve WebAuthn uses is P-521: integers of at most 66 bytes plus a sign byte, so an integer's length
  // is one byte, and the sequence's is one byte below 128 or 0x81 and one byte from 128 on (never both forms).
  if (signature.length < 8 || signature[0] !== 0x30) return false;
  const longForm = signature[1] === 0x81;
  const header = longForm ? 3 : 2;
  const contentLength = longForm ? (signature[2] ?? 0) : (signature[1] ?? 0);
  if (contentLength !== signature.length - header || (longForm ? contentLength < 0x80 : contentLength >= 0x80)) {
    return false;
  }
  let offset = header;
  for (let integer = 0; integer < 2; integer++) {
    const length = signature[offset + 1] ?? 0;
    if (signature[offset] !== 0x02 || length < 1 || length > 67 || offset + 2 + length > signature.length) return false;
    const first = signature[offset + 2] ?? 0;
    const second = signature[offset + 3] ?? 0;
    // Negative (top bit set), or a leading zero the next byte does not need.
    if (first & 0x80 || (first === 0 && (length === 1 || (second & 0x80) === 0))) return false;
    offset += 2 + length;
  }
  return offset === signature.length;
}
