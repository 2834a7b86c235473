import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPelbiotErrorCode, PELBIOT_ERROR_CODES } from "../../src/errors/error-codes";
import { PelbiotError, toPelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";

describe("PelbiotError", () => {
  it("carries code, message, cause and details", () => {
    const cause = new Error("socket hang up");
    const error = new PelbiotError("PROVIDER_ERROR", "Stripe rejected the charge", { cause, details: { status: 502 } });
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toBe("Stripe rejected the charge");
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ status: 502 });
    expect(error.name).toBe("PelbiotError");
    expect(error).toBeInstanceOf(Error);
    expect(error.toJSON()).toEqual({
      name: "PelbiotError",
      code: "PROVIDER_ERROR",
      message: "Stripe rejected the charge",
      details: { status: 502 },
    });
  });

  it("is() recognises errors by marker, also from another copy of the class", () => {
    // A structural twin: what the CJS copy of the class produces when the ESM copy is also loaded.
    const foreign = Object.assign(new Error("other copy"), { code: "NOT_FOUND", [Symbol.for("pelbiot.error")]: true });
    expect(foreign instanceof PelbiotError).toBe(false);
    expect(PelbiotError.is(foreign)).toBe(true);
    expect(PelbiotError.is(foreign, "NOT_FOUND")).toBe(true);
    expect(PelbiotError.is(foreign, "CONFLICT")).toBe(false);
  });

  it("is() rejects look-alikes without the marker or with an unknown code", () => {
    expect(PelbiotError.is(new Error("plain"))).toBe(false);
    expect(PelbiotError.is({ code: "NOT_FOUND" })).toBe(false);
    expect(PelbiotError.is({ code: "MADE_UP", [Symbol.for("pelbiot.error")]: true })).toBe(false);
    expect(PelbiotError.is(null)).toBe(false);
    expect(PelbiotError.is("NOT_FOUND")).toBe(false);
  });

  it("every documented code is UPPER_SNAKE and recognised", () => {
    for (const code of PELBIOT_ERROR_CODES) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(isPelbiotErrorCode(code)).toBe(true);
    }
    expect(new Set(PELBIOT_ERROR_CODES).size).toBe(PELBIOT_ERROR_CODES.length);
    expect(isPelbiotErrorCode("not_found")).toBe(false);
  });
});

describe("toPelbiotError", () => {
  it("passes PELBIOT errors through unchanged", () => {
    const error = new PelbiotError("CONFLICT", "version moved");
    expect(toPelbiotError(error)).toBe(error);
  });

  it("maps AbortError and TimeoutError, and wraps other errors with their cause", () => {
    const abort = new DOMException("stopped", "AbortError");
    expect(toPelbiotError(abort).code).toBe("ABORTED");
    expect(toPelbiotError(new DOMException("late", "TimeoutError")).code).toBe("TIMEOUT");
    const plain = new TypeError("bad");
    const wrapped = toPelbiotError(plain, "PROVIDER_ERROR");
    expect(wrapped.code).toBe("PROVIDER_ERROR");
    expect(wrapped.cause).toBe(plain);
    expect(wrapped.message).toBe("bad");
  });

  it("turns any thrown value into an error with INTERNAL_ERROR by default", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const error = toPelbiotError(value);
        expect(PelbiotError.is(error)).toBe(true);
        if (!PelbiotError.is(value) && !(value instanceof Error)) {
          expect(error.code).toBe("INTERNAL_ERROR");
          expect(error.cause).toBe(value);
        }
      }),
    );
  });

  it("clips long thrown strings in the message", () => {
    const error = toPelbiotError("x".repeat(10_000));
    expect(error.message.length).toBeLessThan(300);
  });
});

describe("PelbiotValidationError", () => {
  it("lists every issue with its path in the message and in issues", () => {
    const error = new PelbiotValidationError(
      [
        { path: "options.maxAttempts", message: "must be an integer, got 1.5" },
        { path: "url", message: "must be an https URL" },
      ],
      "WebhookManager.registerWebhook",
    );
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.message).toBe(
      "Invalid input to WebhookManager.registerWebhook: options.maxAttempts: must be an integer, got 1.5; url: must be an https URL",
    );
    expect(error.issues).toHaveLength(2);
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect(PelbiotValidationError.isValidationError(new PelbiotError("VALIDATION_ERROR", "no issues"))).toBe(false);
    expect(PelbiotError.is(error, "VALIDATION_ERROR")).toBe(true);
  });
});
