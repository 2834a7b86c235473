import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { createAbortError, isAbortSignal, throwIfAborted } from "../../src/time/create-abort-error";

describe("createAbortError", () => {
  it("builds an ABORTED error carrying the signal's reason", () => {
    const reason = new Error("shutting down");
    const controller = new AbortController();
    controller.abort(reason);
    const error = createAbortError(controller.signal);
    expect(PelbiotError.is(error, "ABORTED")).toBe(true);
    expect(error.cause).toBe(reason);
    expect(error.message).toBe("The operation was aborted: shutting down");
  });

  it("throwIfAborted throws only for an aborted signal", () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
    expect(() => throwIfAborted(AbortSignal.abort())).toThrow(expect.objectContaining({ code: "ABORTED" }));
  });

  it("isAbortSignal recognises signals by shape", () => {
    expect(isAbortSignal(new AbortController().signal)).toBe(true);
    expect(isAbortSignal({ aborted: false })).toBe(false);
    expect(isAbortSignal(undefined)).toBe(false);
  });
});
