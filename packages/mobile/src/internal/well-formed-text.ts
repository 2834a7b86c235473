/**
 * Whether a string is well-formed UTF-16: every surrogate half has its partner. A lone half cannot be encoded as
 * UTF-8 (nor by `encodeURIComponent`), so ids holding one are refused up front.
 *
 * @param text - The string.
 * @returns `true` when it holds no lone surrogate.
 */
export function isWellFormedText(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit > 0xdbff) return false; // a low half with no high half before it
    const next = text.charCodeAt(index + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    index += 1;
  }
  return true;
}
