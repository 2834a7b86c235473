/** The character set an SMS is sent in: the 7-bit GSM 03.38 alphabet, or UCS-2 (UTF-16) for anything else. */
export type SmsEncoding = "GSM-7" | "UCS-2";

/** How an SMS body is split into billable segments; see {@link countSmsSegments}. */
export interface SmsSegmentCount {
  /** `GSM-7` when every character is in the GSM 03.38 basic or extension table, else `UCS-2`. */
  readonly encoding: SmsEncoding;
  /** The number of segments (billable parts); 0 for an empty body. */
  readonly segments: number;
  /** The body's length in the encoding's units: septets for GSM-7 (extension characters take two), UTF-16 code units for UCS-2. */
  readonly units: number;
  /** How many units fit in one segment at this length: 160/153 septets or 70/67 code units. */
  readonly unitsPerSegment: number;
}

// GSM 03.38 basic table (3GPP TS 23.038 §6.2.1), minus 0x1B (the escape to the extension table).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
// GSM 03.38 extension table (§6.2.1.1): each is sent as ESC + code, so it takes two septets.
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

const GSM_SINGLE = 160;
const GSM_CONCATENATED = 153; // 7 septets go to the concatenation header (UDH)
const UCS2_SINGLE = 70;
const UCS2_CONCATENATED = 67;

/**
 * Whether a text can be sent in the GSM-7 alphabet (basic table plus extension table).
 *
 * @param text - The message body.
 * @returns `true` when every character is a GSM 03.38 character.
 * @example
 * ```ts
 * isGsm7("Price: 5€"); // true
 * isGsm7("Hello! 👍"); // false
 * ```
 */
export function isGsm7(text: string): boolean {
  for (const character of text) {
    if (!BASIC.has(character) && !EXTENSION.has(character)) return false;
  }
  return true;
}

/**
 * Counts the SMS segments a body needs, as carriers bill them: GSM-7 when the whole text fits the GSM 03.38 alphabet
 * (160 septets in one part, 153 per part once concatenated; extension characters such as `€`, `[`, `{` take two
 * septets and are never split across parts), else UCS-2 (70 code units in one part, 67 per part; a surrogate pair,
 * such as an emoji, is never split across parts).
 *
 * @param text - The message body.
 * @returns The encoding, segment count, length in units and units per segment.
 * @example
 * ```ts
 * countSmsSegments("a".repeat(161)); // { encoding: "GSM-7", segments: 2, units: 161, unitsPerSegment: 153 }
 * countSmsSegments("Hello! 👍").segments; // 1 (UCS-2, 9 code units)
 * ```
 */
export function countSmsSegments(text: string): SmsSegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? "GSM-7" : "UCS-2";
  // Each character's width in units: GSM-7 septets, or UTF-16 code units (2 for a surrogate pair).
  const widths: number[] = [];
  for (const character of text) {
    widths.push(encoding === "GSM-7" ? (EXTENSION.has(character) ? 2 : 1) : character.length);
  }
  const units = widths.reduce((sum, width) => sum + width, 0);
  const single = encoding === "GSM-7" ? GSM_SINGLE : UCS2_SINGLE;
  const concatenated = encoding === "GSM-7" ? GSM_CONCATENATED : UCS2_CONCATENATED;
  if (units === 0) return { encoding, segments: 0, units, unitsPerSegment: single };
  if (units <= single) return { encoding, segments: 1, units, unitsPerSegment: single };
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > concatenated) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return { encoding, segments, units, unitsPerSegment: concatenated };
}
