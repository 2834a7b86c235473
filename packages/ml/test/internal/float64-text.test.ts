import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFloat64, decodeFloat64Table, encodeFloat64, encodeFloat64Table } from "../../src/internal/float64-text";

describe("encodeFloat64 / decodeFloat64", () => {
  it("round-trips every float64 bit for bit, -0, NaN and infinities included", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 5000 }), (values) => {
        const decoded = decodeFloat64(encodeFloat64(values));
        expect(decoded).toBeDefined();
        expect(Array.from(decoded ?? []).map((value) => Object.is(value, values[0]) || value)).toHaveLength(
          values.length,
        );
        for (const [index, value] of values.entries()) expect(Object.is(decoded?.[index], value)).toBe(true);
      }),
      { seed: 20261204, numRuns: 100 },
    );
  });

  it("writes the little-endian bytes as standard base64, readable by an independent decoder", () => {
    const text = encodeFloat64([1, -2.5]);
    const bytes = Buffer.from(text, "base64");
    expect(bytes.readDoubleLE(0)).toBe(1);
    expect(bytes.readDoubleLE(8)).toBe(-2.5);
    expect(text).toBe(bytes.toString("base64"));
    expect(encodeFloat64([])).toBe("");
  });

  it("refuses text that is not canonical base64 of whole float64 numbers", () => {
    const one = encodeFloat64([1]);
    for (const text of [one.slice(1), `${one} `, one.replace("=", ""), "AAAA", "@@@@", `${one}${one}`.slice(0, 14)]) {
      expect(decodeFloat64(text)).toBeUndefined();
    }
    expect(Array.from(decodeFloat64(`${one.slice(0, -1)}=`) ?? [])).toEqual([1]);
  });
});

describe("encodeFloat64Table / decodeFloat64Table", () => {
  it("round-trips every float64 bit for bit through a table of the distinct numbers", () => {
    const repeated = fc.array(fc.constantFrom(0, -0, 0.5, 1 / 3, Number.NaN, 1e-300, 2), { maxLength: 3000 });
    fc.assert(
      fc.property(fc.oneof(repeated, fc.array(fc.double(), { maxLength: 500 })), (values) => {
        const text = encodeFloat64Table(values);
        const decoded = decodeFloat64Table(text);
        expect(decoded?.length).toBe(values.length);
        for (const [index, value] of values.entries()) expect(Object.is(decoded?.[index], value)).toBe(true);
        // The table holds each distinct number once (by its bits).
        const [table = ""] = text.split(".");
        expect(decodeFloat64(table)?.length).toBe(
          new Set(values.map((value) => (Object.is(value, -0) ? "-0" : String(value)))).size,
        );
      }),
      { seed: 20261205, numRuns: 100 },
    );
  });

  it("refuses an index beyond the table, a missing part, or bad base64", () => {
    const table = encodeFloat64([0.25, 0.5]);
    expect(Array.from(decodeFloat64Table(`${table}.AQAAAA==`) ?? [])).toEqual([0.5, 0.25]);
    for (const text of [`${table}.AgA=`, table, `${table}.AQA=.AQA=`, `${table}.AQ`, `@.AQA=`]) {
      expect(decodeFloat64Table(text)).toBeUndefined();
    }
  });
});
