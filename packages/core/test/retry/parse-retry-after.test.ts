import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { parseRetryAfter } from "../../src/retry/parse-retry-after";

const NOW = Date.UTC(2015, 9, 21, 7, 28, 0);

describe("parseRetryAfter", () => {
  it("parses delay-seconds", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter(" 5 ", NOW)).toBe(5_000);
    expect(parseRetryAfter("007", NOW)).toBe(7_000);
  });

  it("parses an IMF-fixdate relative to now, clamping the past to 0", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Thu, 22 Oct 2015 07:28:00 GMT", NOW)).toBe(86_400_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("wed, 21 oct 2015 07:28:01 gmt", NOW)).toBe(1_000);
  });

  it("parses the obsolete RFC 850 and asctime forms", () => {
    expect(parseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", NOW)).toBe(60_000);
    expect(parseRetryAfter("Wed Oct 21 07:28:10 2015", NOW)).toBe(10_000);
    expect(parseRetryAfter("Sun Nov  6 08:49:37 2016", Date.UTC(2016, 10, 6, 8, 49, 0))).toBe(37_000);
  });

  it("reads a two-digit year more than 50 years ahead as the previous century", () => {
    const now = Date.UTC(2025, 0, 1);
    // "70" would be 2070 (45 years ahead): kept. "80" would be 2080 (55 years ahead): read as 1980, in the past.
    expect(parseRetryAfter("Tuesday, 01-Jan-70 00:00:00 GMT", now)).toBe(Date.UTC(2070, 0, 1) - now);
    expect(parseRetryAfter("Tuesday, 01-Jan-80 00:00:00 GMT", now)).toBe(0);
  });

  it("returns undefined for absent or malformed values", () => {
    for (const value of [
      null,
      undefined,
      "",
      "   ",
      "-1",
      "1.5",
      "1e3",
      "+5",
      "soon",
      "Wed, 31 Feb 2015 07:28:00 GMT",
      "Wed, 21 Oct 2015 24:00:00 GMT",
      "Wed, 21 Oct 2015 07:60:00 GMT",
      "Wed, 21 Oct 2015 07:28:00 UTC",
      "2015-10-21T07:28:00Z",
      "9".repeat(400),
    ]) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });

  it("measures dates against Date.now() by default", () => {
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT")).toBe(0);
    expect(parseRetryAfter("30")).toBe(30_000);
  });

  it("rejects arguments of the wrong type", () => {
    try {
      parseRetryAfter(42 as never, Number.NaN);
      expect.unreachable();
    } catch (error) {
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual(["headerValue", "now"]);
    }
  });

  it("turns any non-negative integer string n into n × 1000", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (seconds) => {
        return parseRetryAfter(String(seconds), NOW) === seconds * 1000;
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,15}$/), (digits) => parseRetryAfter(digits, NOW) === Number(digits) * 1000),
    );
  });
});
