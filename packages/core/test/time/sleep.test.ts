import { describe, expect, it, vi } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createManualClock } from "../../src/time/manual-clock";
import { sleep } from "../../src/time/sleep";

describe("sleep", () => {
  it("resolves once the clock has advanced by ms", async () => {
    const clock = createManualClock();
    let resolved = false;
    const done = sleep(1_000, { clock }).then(() => {
      resolved = true;
    });
    await clock.advanceAsync(999);
    expect(resolved).toBe(false);
    await clock.advanceAsync(1);
    await done;
    expect(resolved).toBe(true);
  });

  it("works on the system clock by default", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it("rejects with ABORTED, cause = signal.reason, when aborted during the wait, and clears its timer", async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const waiting = sleep(1_000, { clock, signal: controller.signal });
    expect(clock.pendingTimers).toBe(1);
    controller.abort(reason);
    const error = await waiting.catch((caught: unknown) => caught);
    expect(PelbiotError.is(error, "ABORTED")).toBe(true);
    expect((error as PelbiotError).cause).toBe(reason);
    expect((error as PelbiotError).message).toContain("user cancelled");
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects at once, without a timer, when the signal has already aborted", async () => {
    const clock = createManualClock();
    const signal = AbortSignal.abort("too late");
    await expect(sleep(10, { clock, signal })).rejects.toMatchObject({ code: "ABORTED", cause: "too late" });
    expect(clock.pendingTimers).toBe(0);
  });

  it("removes its abort listener after resolving", async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const removeListener = vi.spyOn(controller.signal, "removeEventListener");
    const done = sleep(5, { clock, signal: controller.signal });
    await clock.advanceAsync(5);
    await done;
    expect(removeListener).toHaveBeenCalledWith("abort", expect.any(Function));
    // Aborting afterwards must not disturb the settled promise.
    controller.abort();
  });

  it("rejects malformed input, listing every issue", async () => {
    const error = await sleep(Number.NaN, { clock: {} as never, signal: "stop" as never }).catch((caught) => caught);
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "ms",
      "options.clock",
      "options.signal",
    ]);
  });
});
