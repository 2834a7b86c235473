import { describe, expect, it } from "vitest";
import type { PelbiotErrorCode } from "../../src/errors/error-codes";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { getRetryAfterMs, isRetryableError } from "../../src/retry/is-retryable-error";

describe("isRetryableError", () => {
  it.each<[PelbiotErrorCode, boolean]>([
    ["VALIDATION_ERROR", false],
    ["CONFIGURATION_ERROR", false],
    ["ABORTED", false],
    ["NOT_FOUND", false],
    ["INTEGRITY_ERROR", false],
    ["UNSUPPORTED", false],
    ["RETRY_EXHAUSTED", false],
    ["PROVIDER_ERROR", true],
    ["TIMEOUT", true],
    ["STORAGE_ERROR", true],
    ["CONFLICT", true],
    ["INTERNAL_ERROR", true],
  ])("treats %s as retryable: %s", (code, expected) => {
    expect(isRetryableError(new PelbiotError(code, "x"))).toBe(expected);
  });

  it("retries unknown failures but not AbortErrors", () => {
    expect(isRetryableError(new TypeError("fetch failed"))).toBe(true);
    expect(isRetryableError("a string")).toBe(true);
    expect(isRetryableError(undefined)).toBe(true);
    expect(isRetryableError(new DOMException("aborted", "AbortError"))).toBe(false);
  });

  it("does not retry programming errors, except fetch's network-failure TypeError in each runtime", () => {
    expect(isRetryableError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isRetryableError(new RangeError("Invalid array length"))).toBe(false);
    expect(isRetryableError(new ReferenceError("x is not defined"))).toBe(false);
    expect(isRetryableError(new SyntaxError("Unexpected token"))).toBe(false);
    for (const message of [
      "fetch failed",
      "Failed to fetch",
      "NetworkError when attempting to fetch resource.",
      "Load failed",
      "Network request failed",
    ]) {
      expect(isRetryableError(new TypeError(message))).toBe(true);
    }
    expect(isRetryableError(Object.assign(new TypeError("bug"), { retryable: true }))).toBe(true);
  });

  it("retries a real fetch to a closed port", async () => {
    const error = await fetch("http://127.0.0.1:1/").catch((caught: unknown) => caught);
    expect(isRetryableError(error)).toBe(true);
  });

  it("lets an explicit retryable hint win", () => {
    expect(isRetryableError(new PelbiotError("PROVIDER_ERROR", "400", { details: { retryable: false } }))).toBe(false);
    expect(isRetryableError(new PelbiotError("NOT_FOUND", "not yet", { details: { retryable: true } }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("declined"), { retryable: false }))).toBe(false);
    expect(isRetryableError({ retryable: "no" })).toBe(true);
  });
});

describe("getRetryAfterMs", () => {
  it("reads a valid hint from the error or its details", () => {
    expect(getRetryAfterMs(new PelbiotError("PROVIDER_ERROR", "429", { details: { retryAfterMs: 2_000 } }))).toBe(
      2_000,
    );
    expect(getRetryAfterMs(Object.assign(new Error("503"), { retryAfterMs: 0 }))).toBe(0);
  });

  it("ignores missing and invalid hints", () => {
    expect(getRetryAfterMs(new Error("plain"))).toBeUndefined();
    expect(getRetryAfterMs({ retryAfterMs: -1 })).toBeUndefined();
    expect(getRetryAfterMs({ retryAfterMs: Number.NaN })).toBeUndefined();
    expect(getRetryAfterMs({ retryAfterMs: "5" })).toBeUndefined();
    expect(getRetryAfterMs({ details: { retryAfterMs: undefined } })).toBeUndefined();
    expect(getRetryAfterMs(null)).toBeUndefined();
  });
});
