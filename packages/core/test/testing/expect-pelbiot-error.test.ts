import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";

describe("expectPelbiotErrorAsync", () => {
  it("accepts a promise or a function, and a synchronous throw counts", async () => {
    const thrown = new PelbiotError("TIMEOUT", "slow");
    await expect(expectPelbiotErrorAsync(Promise.reject(thrown), "TIMEOUT")).resolves.toBe(thrown);
    await expect(
      expectPelbiotErrorAsync(async () => {
        throw thrown;
      }, "TIMEOUT"),
    ).resolves.toBe(thrown);
    await expect(
      expectPelbiotErrorAsync(() => {
        throw thrown;
      }, "TIMEOUT"),
    ).resolves.toBe(thrown);
  });

  it("fails when the promise resolves or rejects with another code", async () => {
    await expect(expectPelbiotErrorAsync(Promise.resolve(1), "TIMEOUT")).rejects.toThrow(/resolved/);
    await expect(expectPelbiotErrorAsync(Promise.reject(new PelbiotError("ABORTED", "x")), "TIMEOUT")).rejects.toThrow(
      /got PelbiotError ABORTED/,
    );
  });
});

describe("without a code", () => {
  it("accepts any PelbiotError and still fails on other errors and on success", async () => {
    const thrown = new PelbiotError("CONFLICT", "raced");
    await expect(expectPelbiotErrorAsync(Promise.reject(thrown))).resolves.toBe(thrown);
    await expect(expectPelbiotErrorAsync(Promise.reject(new TypeError("bug")))).rejects.toThrow(
      /Expected a PelbiotError, got TypeError: bug/,
    );
    await expect(expectPelbiotErrorAsync(Promise.resolve(1))).rejects.toThrow(/reject with a PelbiotError/);
  });
});
