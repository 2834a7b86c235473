import { countSmsSegments, isGsm7 } from "@pelbiot/integrations";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// GSM 03.38 (3GPP TS 23.038 §6.2.1): the basic table without ESC, and the extension table.
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION = "\f^{}\\[~]|€";

describe("countSmsSegments", () => {
  it.each([
    ["", "GSM-7", 0, 0],
    ["a".repeat(160), "GSM-7", 160, 1],
    ["a".repeat(161), "GSM-7", 161, 2],
    ["a".repeat(306), "GSM-7", 306, 2],
    ["a".repeat(307), "GSM-7", 307, 3],
    ["€".repeat(80), "GSM-7", 160, 1],
    ["€".repeat(81), "GSM-7", 162, 2],
    ["Price: {5€} [ok] ~|^\\", "GSM-7", 30, 1], // 21 characters, 9 of them from the extension table
    ["你".repeat(70), "UCS-2", 70, 1],
    ["你".repeat(71), "UCS-2", 71, 2],
    ["你".repeat(134), "UCS-2", 134, 2],
    ["你".repeat(135), "UCS-2", 135, 3],
    // Twilio's own sample Message (twilio.json successExample): body "Hello! 👍", num_segments "1".
    ["Hello! 👍", "UCS-2", 9, 1],
    // One character outside GSM-7 turns the whole message into UCS-2.
    [`${"a".repeat(69)}ç`, "UCS-2", 70, 1],
    [`${"a".repeat(70)}ç`, "UCS-2", 71, 2],
  ] as const)("%j is %s, %i units, %i segment(s)", (text, encoding, units, segments) => {
    expect(countSmsSegments(text)).toMatchObject({ encoding, units, segments });
  });

  it("never splits an escape sequence or a surrogate pair across segments", () => {
    // 152 + 2 + 152 = 306 septets, which would fit 2 × 153, but the € cannot straddle the boundary.
    expect(countSmsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`).segments).toBe(3);
    // 66 + 2 + 66 = 134 code units = 2 × 67, but the emoji cannot straddle the boundary.
    expect(countSmsSegments(`${"你".repeat(66)}😀${"你".repeat(66)}`).segments).toBe(3);
  });

  it("knows every GSM 03.38 character and nothing else", () => {
    expect(isGsm7(BASIC + EXTENSION)).toBe(true);
    for (const character of ["ç", "á", "`", "\t", "😀", "€\u200b"]) expect(isGsm7(character)).toBe(false);
  });

  it("for basic GSM text matches the textbook formula", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASIC), maxLength: 800 }), (text) => {
        const n = text.length;
        const expected = n === 0 ? 0 : n <= 160 ? 1 : Math.ceil(n / 153);
        expect(countSmsSegments(text)).toMatchObject({ encoding: "GSM-7", units: n, segments: expected });
      }),
    );
  });

  it("for UCS-2 text without surrogates matches the textbook formula", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("你", "ç", "á", "ж", "a"), minLength: 1, maxLength: 400 }),
        (text) => {
          fc.pre(!isGsm7(text));
          const n = text.length;
          expect(countSmsSegments(text)).toMatchObject({
            encoding: "UCS-2",
            units: n,
            segments: n <= 70 ? 1 : Math.ceil(n / 67),
          });
        },
      ),
    );
  });

  it("never gives fewer segments than the units need, nor more than one per character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (text) => {
        const { segments, units, unitsPerSegment } = countSmsSegments(text);
        expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / unitsPerSegment));
        expect(segments).toBeLessThanOrEqual([...text].length);
      }),
    );
  });
});
