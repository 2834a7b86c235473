import { createValidator } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInfluxPoint, isWritablePoint } from "../../src/influxdb/influx-point-check";
import { escapeKey, escapeMeasurement, formatTimestamp, quoteString } from "../../src/influxdb/line-protocol";

function issuesOf(point: unknown): string[] {
  const check = createValidator("test");
  checkInfluxPoint(check, "point", point);
  try {
    check.done();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

const name = fc.string({ unit: fc.constantFrom("a", " ", ",", "=", '"', "\\", "\n", "\t", "#", "é"), maxLength: 6 });
const fieldValue = fc.oneof(
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant({}),
);
const point = fc.record(
  {
    measurement: fc.oneof(name, fc.integer()),
    tags: fc.dictionary(name, fc.oneof(name, fc.constant(""), fc.constant(null), fc.integer()), { maxKeys: 3 }),
    fields: fc.dictionary(fc.oneof(name, fc.constant("time")), fieldValue, { maxKeys: 3 }),
    timestamp: fc.oneof(fc.double(), fc.date({ noInvalidDate: false }), fc.constant("2026-01-01")),
  },
  { requiredKeys: [] },
);

describe("InfluxDB point checks", () => {
  it("the fast path accepts only points the full check accepts", () => {
    fc.assert(
      fc.property(point, (candidate) => {
        if (isWritablePoint(candidate)) expect(issuesOf(candidate)).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it("accepts plain valid points on the fast path", () => {
    expect(isWritablePoint({ measurement: "m", tags: { a: "b" }, fields: { v: 1 }, timestamp: 5 })).toBe(true);
  });

  it("escapes every separator so no unescaped comma, space or equals sign is left in a name", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(escapeKey(value).replace(/\\[, =]/g, "")).not.toMatch(/[, =]/);
        expect(escapeMeasurement(value).replace(/\\[, ]/g, "")).not.toMatch(/[, ]/);
        const quoted = quoteString(value).slice(1, -1);
        expect(quoted.replace(/\\["\\]/g, "")).not.toMatch(/["\\]/);
      }),
    );
  });

  it("converts milliseconds to each precision", () => {
    const at = Date.UTC(2026, 0, 1, 0, 0, 1, 999);
    expect(formatTimestamp(at, "ms")).toBe(String(at));
    expect(formatTimestamp(at, "ns")).toBe(`${at}000000`);
    expect(formatTimestamp(at + 0.5, "ns")).toBe(`${at}500000`);
    expect(formatTimestamp(at + 0.5, "u")).toBe(`${at}500`);
    expect(formatTimestamp(at, "s")).toBe(String((at - 999) / 1000));
    expect(formatTimestamp(at, "m")).toBe(String(Math.floor(at / 60_000)));
    expect(formatTimestamp(-1.5, "ms")).toBe("-1");
    expect(formatTimestamp(-1.5, "ns")).toBe("-1500000");
  });
});
