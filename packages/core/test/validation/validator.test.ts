import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { captureValidationIssues } from "../../src/testing/capture-validation-issues";
import { describeType } from "../../src/validation/describe-type";
import { createValidator, toEpochMillis } from "../../src/validation/validator";

describe("createValidator", () => {
  it("collects every issue before throwing", () => {
    const issues = captureValidationIssues(() => {
      const check = createValidator("demo");
      check.string("name", "");
      check.number("count", 1.5, { integer: true });
      check.number("ratio", Number.NaN);
      check.oneOf("mode", "fast", ["safe", "strict"]);
      check.array("items", "nope");
      check.object("options", []);
      check.boolean("flag", 1);
      check.timestamp("at", "yesterday");
      check.fn("callback", 3);
      check.done();
    });
    expect(issues).toEqual([
      "name: must be a non-empty string",
      "count: must be an integer, got 1.5",
      "ratio: must be a finite number, got number NaN",
      'mode: must be one of "safe", "strict", got string "fast"',
      'items: must be an array, got string "nope"',
      "options: must be an object, got array(0)",
      "flag: must be a boolean, got number 1",
      'at: must be a Date, epoch milliseconds or an ISO-8601 string, got string "yesterday"',
      "callback: must be a function, got number 3",
    ]);
  });

  it("passes valid input and returns type guards", () => {
    const check = createValidator();
    expect(check.string("a", "ok", { maxLength: 2 })).toBe(true);
    expect(check.number("b", 5, { min: 1, max: 5, integer: true, positive: true })).toBe(true);
    expect(check.array("c", [1], { minLength: 1, maxLength: 1 })).toBe(true);
    expect(check.timestamp("d", "2026-01-02T03:04:05Z")).toBe(true);
    expect(check.timestamp("e", new Date(0))).toBe(true);
    expect(check.string("f", "abc", { pattern: { regex: /^[a-z]+$/, description: "lowercase letters" } })).toBe(true);
    expect(() => check.done()).not.toThrow();
  });

  it("reports bounds with the accepted range", () => {
    const issues = captureValidationIssues(() => {
      const check = createValidator();
      check.number("low", 0, { positive: true });
      check.number("min", 2, { min: 3 });
      check.number("max", 9, { max: 8 });
      check.string("long", "abcdef", { maxLength: 3 });
      check.string("short", "ab", { minLength: 3 });
      check.string("shape", "ABC", { pattern: { regex: /^[a-z]+$/, description: "lowercase letters" } });
      check.array("few", [], { minLength: 1 });
      check.array("many", [1, 2], { maxLength: 1 });
      check.done();
    });
    expect(issues).toEqual([
      "low: must be greater than 0, got 0",
      "min: must be at least 3, got 2",
      "max: must be at most 8, got 9",
      "long: must be at most 3 characters, got 6",
      "short: must be at least 3 characters",
      "shape: must be lowercase letters",
      "few: must hold at least 1 item(s), got 0",
      "many: must hold at most 1 item(s), got 2",
    ]);
  });

  it("never throws from a check, only from done(), for any input", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const check = createValidator();
        check.string("s", value);
        check.number("n", value, { integer: true });
        check.object("o", value);
        check.array("a", value);
        check.timestamp("t", value);
        const failed = check.issues.length > 0;
        if (failed) expect(() => check.done()).toThrow(PelbiotValidationError);
        else expect(() => check.done()).not.toThrow();
      }),
    );
  });
});

describe("toEpochMillis", () => {
  it("accepts dates, finite numbers and ISO strings only", () => {
    expect(toEpochMillis(new Date(42))).toBe(42);
    expect(toEpochMillis(42)).toBe(42);
    expect(toEpochMillis("1970-01-01T00:00:00.042Z")).toBe(42);
    expect(toEpochMillis("2026-11-26")).toBe(Date.UTC(2026, 10, 26));
    expect(toEpochMillis(new Date(Number.NaN))).toBeUndefined();
    expect(toEpochMillis(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(toEpochMillis("Thursday")).toBeUndefined();
    expect(toEpochMillis("2026-13-45")).toBeUndefined();
    expect(toEpochMillis(null)).toBeUndefined();
  });
});

describe("createValidator redactStrings", () => {
  it("describes rejected strings by length only, in every check", () => {
    const issues = captureValidationIssues(() => {
      const check = createValidator("demo", { redactStrings: true });
      check.number("version", "sk_live_secret");
      check.object("options", "sk_live_secret");
      check.oneOf("mode", "sk_live_secret", ["safe"]);
      check.done();
    });
    expect(issues).toEqual([
      "version: must be a finite number, got string of length 14",
      "options: must be an object, got string of length 14",
      'mode: must be one of "safe", got string of length 14',
    ]);
  });
});

describe("describeType", () => {
  it("never echoes whole objects or long strings", () => {
    expect(describeType({ password: "hunter2" })).toBe("object");
    expect(describeType("x".repeat(100))).toBe("string of length 100");
    expect(describeType([1, 2])).toBe("array(2)");
    expect(describeType(undefined)).toBe("undefined");
    expect(describeType(10n)).toBe("bigint 10");
  });
});
