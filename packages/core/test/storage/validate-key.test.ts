import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import {
  checkStorageKey,
  MAX_STORAGE_KEY_LENGTH,
  validateStorageKey,
  validateStoragePrefix,
} from "../../src/storage/validate-key";
import { createValidator } from "../../src/validation/validator";

function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("validateStorageKey", () => {
  it.each([
    ["a single character", "k"],
    ["awkward characters", "a/b:c ..🚀"],
    ["the maximum length", "x".repeat(MAX_STORAGE_KEY_LENGTH)],
  ])("accepts %s", (_, key) => {
    expect(() => validateStorageKey(key, "test.getItem")).not.toThrow();
  });

  it.each([
    ["an empty string", "", "must be a non-empty string"],
    ["a number", 42, "must be a string, got number 42"],
    ["null", null, "must be a string, got null"],
    ["undefined", undefined, "must be a string, got undefined"],
    ["a key one unit too long", "x".repeat(MAX_STORAGE_KEY_LENGTH + 1), "must be at most 1024 characters, got 1025"],
    ["512 emoji plus one unit", `${"🚀".repeat(512)}x`, "must be at most 1024 characters, got 1025"],
  ])("rejects %s with VALIDATION_ERROR", (_, key, message) => {
    const error = thrownBy(() => validateStorageKey(key, "test.getItem"));
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues).toEqual([{ path: "key", message }]);
    expect((error as Error).message).toContain("test.getItem");
  });
});

describe("checkStorageKey", () => {
  it("adds its issue to a validator shared with other checks", () => {
    const validator = createValidator("test.setItem");
    expect(checkStorageKey(validator, "key", "")).toBe(false);
    validator.string("value", 1, { minLength: 0 });
    expect(validator.issues.map((issue) => issue.path)).toEqual(["key", "value"]);
    expect(checkStorageKey(validator, "other", "fine")).toBe(true);
    expect(validator.issues).toHaveLength(2);
  });
});

describe("validateStoragePrefix", () => {
  it("accepts undefined, the empty string and a string of the maximum length", () => {
    expect(() => validateStoragePrefix(undefined, "test.keys")).not.toThrow();
    expect(() => validateStoragePrefix("", "test.keys")).not.toThrow();
    expect(() => validateStoragePrefix("p".repeat(MAX_STORAGE_KEY_LENGTH), "test.keys")).not.toThrow();
  });

  it.each([
    ["a number", 1],
    ["null", null],
    ["a string that is too long", "p".repeat(MAX_STORAGE_KEY_LENGTH + 1)],
  ])("rejects %s", (_, prefix) => {
    const error = thrownBy(() => validateStoragePrefix(prefix, "test.keys"));
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues[0]?.path).toBe("prefix");
  });
});
