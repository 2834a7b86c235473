import { createValidator } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWellFormedText } from "../../src/internal/well-formed-text";
import { checkRecordData, checkSyncId, planPushBatches, utf8ByteLength } from "../../src/sync/mutation-limits";

const encoder = new TextEncoder();
const bytesOf = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;
// Any sequence of UTF-16 units, lone surrogate halves included.
const anyUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((units) => String.fromCharCode(...units));
const anyText = fc.oneof(anyUnits, fc.string({ unit: "binary", maxLength: 40 }));

describe("mutation limits", () => {
  it("utf8ByteLength matches what TextEncoder produces, lone surrogates included", () => {
    fc.assert(fc.property(anyText, (text) => utf8ByteLength(text) === encoder.encode(text).length));
  });

  it("isWellFormedText agrees with String.prototype.isWellFormed", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const native = (text as unknown as { isWellFormed(): boolean }).isWellFormed();
        return isWellFormedText(text) === native;
      }),
    );
  });

  it("checkSyncId refuses lone surrogates with VALIDATION issues, not URIError", () => {
    for (const id of ["\uD800", "a\uDC00", "\uDBFF\uDBFF", "x\uD83D"]) {
      const check = createValidator("test");
      expect(checkSyncId(check, "id", id, 200)).toBe(false);
      expect(check.issues).toEqual([
        { path: "id", message: "must be well-formed text (no lone UTF-16 surrogate halves)" },
      ]);
    }
    expect(checkSyncId(createValidator("test"), "id", "emoji-\uD83D\uDE00", 200)).toBe(true);
  });

  it("checkRecordData accepts data exactly when its JSON fits in the byte limit", () => {
    const record = fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 6,
    });
    fc.assert(
      fc.property(record, fc.integer({ min: 2, max: 400 }), (data, maxBytes) => {
        const check = createValidator("test");
        const accepted = checkRecordData(check, "data", data as Record<string, unknown>, {
          value: maxBytes,
          option: "maxMutationSize",
        });
        return accepted === bytesOf(data) <= maxBytes;
      }),
    );
  });

  it("checkRecordData refuses non-JSON values, cycles and hostile nesting without overflowing the stack", () => {
    const message = (data: Record<string, unknown>): string | undefined => {
      const check = createValidator("test");
      checkRecordData(check, "data", data, { value: 1_000_000, option: "maxMutationSize" });
      return check.issues[0]?.message;
    };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 0;
    for (let level = 0; level < 200_000; level += 1) deep = [deep];
    expect(message({ when: new Date(0) })).toMatch(/only JSON values/);
    expect(message({ big: 1n })).toMatch(/only JSON values/);
    expect(message({ gone: undefined })).toMatch(/only JSON values/);
    expect(message(cyclic)).toMatch(/nested more than 64 levels/);
    expect(message({ deep })).toMatch(/nested more than 64 levels/);
    expect(
      message({
        list: Array.from({ length: 20 }, () => Object.fromEntries([...Array(600).keys()].map((key) => [key, 1]))),
      }),
    ).toMatch(/more than 10000 keys/);
    expect(message({ ok: [1, "two", null, { three: true }] })).toBeUndefined();
  });

  it("planPushBatches keeps order and stays within count and bytes", () => {
    const mutation = fc.record({ id: fc.string({ maxLength: 5 }), text: fc.string({ unit: "binary", maxLength: 60 }) });
    fc.assert(
      fc.property(
        fc.array(mutation, { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 600 }),
        (mutations, maxCount, maxBytes) => {
          const batches = planPushBatches(mutations, { maxCount, maxBytes });
          expect(batches.flat()).toEqual(mutations);
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxCount);
            // Only a mutation too big for any batch travels alone over the limit.
            if (batch.length > 1) expect(bytesOf(batch)).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });
});
