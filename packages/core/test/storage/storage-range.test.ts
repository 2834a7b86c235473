import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_STORAGE_RANGE_LIMIT } from "../../src/storage/storage-adapter";
import { compareStorageKeys, rangeCandidates, validateRangeArguments } from "../../src/storage/storage-range";
import { captureValidationIssues } from "../../src/testing/capture-validation-issues";

const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("compareStorageKeys", () => {
  it("orders well-formed strings as their UTF-8 bytes do (code-point order)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (left, right) => {
        expect(Math.sign(compareStorageKeys(left, right))).toBe(Math.sign(Buffer.compare(utf8(left), utf8(right))));
      }),
    );
  });

  it("differs from code-unit order exactly where U+E000–U+FFFF meets a character above U+FFFF", () => {
    expect(["z😀", "z\uffff", "z\ue000", "zz"].sort(compareStorageKeys)).toEqual(["zz", "z\ue000", "z\uffff", "z😀"]);
    expect(["z😀", "z\uffff"].sort()).toEqual(["z😀", "z\uffff"]);
    expect(compareStorageKeys("ab", "abc")).toBeLessThan(0);
    expect(compareStorageKeys("same", "same")).toBe(0);
  });
});

describe("rangeCandidates", () => {
  it("keeps the prefix's keys after the cursor, in code-point order", () => {
    const keys = ["q:2", "q:1", "p:1", "q:😀", "q:\uffff", "q", "q:10"];
    expect(rangeCandidates(keys, "q:", undefined)).toEqual(["q:1", "q:10", "q:2", "q:\uffff", "q:😀"]);
    expect(rangeCandidates(keys, "q:", "q:10")).toEqual(["q:2", "q:\uffff", "q:😀"]);
    expect(rangeCandidates(keys, "", "q:\uffff")).toEqual(["q:😀"]);
  });
});

describe("validateRangeArguments", () => {
  it("accepts a prefix with a limit, and an optional cursor", () => {
    expect(() => validateRangeArguments("", { limit: 1 }, "test.listRange")).not.toThrow();
    expect(() =>
      validateRangeArguments("a", { after: "", limit: MAX_STORAGE_RANGE_LIMIT }, "test.listRange"),
    ).not.toThrow();
    expect(() => validateRangeArguments("a", { after: undefined, limit: 5 }, "test.listRange")).not.toThrow();
  });

  it("reports every malformed argument at once, naming the call and what is accepted", () => {
    expect(
      captureValidationIssues(() => validateRangeArguments(7, { limit: 0, after: 3, limt: 2 }, "test.listRange")),
    ).toEqual([
      "prefix: must be a string, got number 7",
      'options.limt: "limt" is not a known option (did you mean "limit"?); accepted: after, limit',
      "options.after: must be a string, got number 3",
      "options.limit: must be at least 1, got 0",
    ]);
  });

  it("rejects a limit above the maximum and a missing options object", () => {
    expect(captureValidationIssues(() => validateRangeArguments("a", { limit: 1001 }, "test.listRange"))).toEqual([
      "options.limit: must be at most 1000, got 1001",
    ]);
    expect(captureValidationIssues(() => validateRangeArguments("a", undefined, "test.listRange"))).toEqual([
      "options: must be an object, got undefined",
    ]);
    expect(() => validateRangeArguments("a", { limit: 1.5 }, "test.listRange")).toThrow(
      "Invalid input to test.listRange: options.limit: must be an integer, got 1.5",
    );
  });
});
