/**
 * Decodes standard base64 (RFC 4648 §4, with padding) only when `text` is the canonical encoding of its bytes:
 * decoding and encoding again must give `text` back. That refuses whitespace, missing or extra padding, the URL-safe
 * alphabet, stray characters and non-zero trailing bits, all of which Node's lenient decoder would otherwise accept
 * and silently map several texts onto the same bytes.
 *
 * @param text - The candidate base64 text.
 * @returns The bytes, or `undefined` when `text` is not canonical base64.
 */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}
