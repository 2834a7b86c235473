import { describe, expect, it, vi } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { type RetryContext, type RetryOptions, retry } from "../../src/retry/retry";
import { createManualClock, type ManualClock } from "../../src/time/manual-clock";
import { sleep } from "../../src/time/sleep";

type Outcome<T> = { status: "fulfilled"; value: T } | { status: "rejected"; reason: unknown };

/** Runs a retry on a manual clock to its end, with every backoff wait elapsing instantly. */
async function settle<T>(clock: ManualClock, promise: Promise<T>): Promise<Outcome<T>> {
  // Attach the handlers first so an early rejection never counts as unhandled.
  const outcome = promise.then(
    (value): Outcome<T> => ({ status: "fulfilled", value }),
    (reason: unknown): Outcome<T> => ({ status: "rejected", reason }),
  );
  await clock.runAllAsync();
  return outcome;
}

function rejection<T>(outcome: Outcome<T>): unknown {
  if (outcome.status !== "rejected") throw new Error(`expected a rejection, got ${String(outcome.value)}`);
  return outcome.reason;
}

/** An operation that fails `failures` times with the errors from `makeError`, then returns "ok". */
function flaky(failures: number, makeError: (attempt: number) => unknown = (attempt) => new Error(`fail ${attempt}`)) {
  const startedAt: number[] = [];
  let clock: ManualClock | undefined;
  const operation = vi.fn(async ({ attempt }: RetryContext) => {
    startedAt.push(clock?.now() ?? Number.NaN);
    if (attempt <= failures) throw makeError(attempt);
    return "ok";
  });
  return {
    operation,
    startedAt,
    attach(target: ManualClock) {
      clock = target;
    },
  };
}

function setup(failures: number, makeError?: (attempt: number) => unknown) {
  const clock = createManualClock(1_000_000);
  const subject = flaky(failures, makeError);
  subject.attach(clock);
  const delays: number[] = [];
  const onRetry = vi.fn((_error: unknown, _attempt: number, delayMs: number) => {
    delays.push(delayMs);
  });
  const run = (options: RetryOptions = {}) => settle(clock, retry(subject.operation, { clock, onRetry, ...options }));
  return { clock, ...subject, delays, onRetry, run };
}

describe("retry", () => {
  it("returns the first success, passing the attempt number and signal to each attempt", async () => {
    const { operation, run } = setup(0);
    await expect(run()).resolves.toEqual({ status: "fulfilled", value: "ok" });
    expect(operation).toHaveBeenCalledTimes(1);
    const context = operation.mock.calls[0]?.[0];
    expect(context?.attempt).toBe(1);
    expect(context?.signal).toBeInstanceOf(AbortSignal);
    expect(context?.signal.aborted).toBe(false);
  });

  it("forwards the caller's own signal to each attempt", async () => {
    const { operation, run } = setup(1);
    const controller = new AbortController();
    await run({ signal: controller.signal });
    expect(operation.mock.calls.map(([context]) => context.signal)).toEqual([controller.signal, controller.signal]);
  });

  it("succeeds after N failures, waiting exactly the jittered delays", async () => {
    const { operation, startedAt, delays, onRetry, run } = setup(3);
    const outcome = await run({ random: () => 0.5 });
    expect(outcome).toEqual({ status: "fulfilled", value: "ok" });
    // Full jitter with random() = 0.5: half of the 200, 400, 800 ms ceilings.
    expect(delays).toEqual([100, 200, 400]);
    expect(startedAt.map((time) => time - 1_000_000)).toEqual([0, 100, 300, 700]);
    expect(operation.mock.calls.map(([context]) => context.attempt)).toEqual([1, 2, 3, 4]);
    expect(onRetry.mock.calls.map(([error, attempt]) => [(error as Error).message, attempt])).toEqual([
      ["fail 1", 1],
      ["fail 2", 2],
      ["fail 3", 3],
    ]);
  });

  it("keeps full-jitter waits within [0, ceiling]", async () => {
    const low = setup(2);
    await low.run({ random: () => 0 });
    expect(low.delays).toEqual([0, 0]);
    const high = setup(2);
    await high.run({ random: () => 0.999_999 });
    expect(high.delays).toEqual([199, 399]);
  });

  it("caps computed waits at maxDelayMs", async () => {
    const { delays, run } = setup(4);
    await run({ jitter: "none", initialDelayMs: 1_000, multiplier: 10, maxDelayMs: 5_000 });
    expect(delays).toEqual([1_000, 5_000, 5_000, 5_000]);
  });

  it("throws RETRY_EXHAUSTED with the last failure as cause once maxAttempts is used up", async () => {
    const { operation, delays, clock, run } = setup(Number.POSITIVE_INFINITY);
    const error = rejection(await run({ jitter: "none" }));
    expect(PelbiotError.is(error, "RETRY_EXHAUSTED")).toBe(true);
    const exhausted = error as PelbiotError;
    expect((exhausted.cause as Error).message).toBe("fail 5");
    expect(exhausted.details).toEqual({ attempts: 5, reason: "max-attempts", elapsedMs: 3_000 });
    expect(exhausted.message).toContain("fail 5");
    expect(operation).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([200, 400, 800, 1_600]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("respects a custom maxAttempts, including a single attempt", async () => {
    const once = setup(Number.POSITIVE_INFINITY);
    const error = rejection(await once.run({ maxAttempts: 1 }));
    expect((error as PelbiotError).details).toMatchObject({ attempts: 1, reason: "max-attempts" });
    expect(once.operation).toHaveBeenCalledTimes(1);
    expect(once.onRetry).not.toHaveBeenCalled();
  });

  it("rethrows a non-retryable error as-is after one attempt", async () => {
    const original = new PelbiotValidationError([{ path: "amount", message: "must be positive" }]);
    const { operation, run } = setup(5, () => original);
    expect(rejection(await run())).toBe(original);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("lets shouldRetry decide, with the failed attempt's number", async () => {
    const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const { operation, run } = setup(5);
    const error = rejection(await run({ shouldRetry }));
    expect((error as Error).message).toBe("fail 2");
    expect(operation).toHaveBeenCalledTimes(2);
    expect(shouldRetry.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2]);
  });

  it("honours a retryAfterMs hint beyond maxDelayMs", async () => {
    const { delays, startedAt, run } = setup(
      2,
      () => new PelbiotError("PROVIDER_ERROR", "429", { details: { retryAfterMs: 45_000 } }),
    );
    await expect(run({ random: () => 0.5 })).resolves.toMatchObject({ status: "fulfilled" });
    expect(delays).toEqual([45_000, 45_000]);
    expect(startedAt.map((time) => time - 1_000_000)).toEqual([0, 45_000, 90_000]);
  });

  it("uses an explicit delay from a RetryDecision", async () => {
    const { delays, run } = setup(2);
    await run({ shouldRetry: (_error, attempt) => ({ retry: true, delayMs: attempt * 1_234 }) });
    expect(delays).toEqual([1_234, 2_468]);
  });

  it("stops with RETRY_EXHAUSTED (reason deadline) before a wait that would reach maxElapsedMs", async () => {
    const { operation, delays, clock, run } = setup(Number.POSITIVE_INFINITY);
    const error = rejection(await run({ jitter: "none", maxElapsedMs: 1_400, maxAttempts: 10 }));
    // Waits of 200 and 400 fit (t = 600); the next wait of 800 would end at 1,400, the deadline.
    expect(delays).toEqual([200, 400]);
    expect(operation).toHaveBeenCalledTimes(3);
    expect(PelbiotError.is(error, "RETRY_EXHAUSTED")).toBe(true);
    expect((error as PelbiotError).details).toEqual({ attempts: 3, reason: "deadline", elapsedMs: 600 });
    expect(((error as PelbiotError).cause as Error).message).toBe("fail 3");
    expect(clock.now()).toBe(1_000_600);
  });

  it("counts time spent inside attempts towards maxElapsedMs", async () => {
    const clock = createManualClock();
    const operation = vi.fn(async () => {
      await sleep(500, { clock });
      throw new Error("slow failure");
    });
    const error = rejection(
      await settle(clock, retry(operation, { clock, jitter: "none", maxElapsedMs: 1_000, maxAttempts: 10 })),
    );
    // Attempt 1 fails at 500 and waits 200; attempt 2 fails at 1,200, already past the budget.
    expect((error as PelbiotError).details).toMatchObject({ attempts: 2, reason: "deadline", elapsedMs: 1_200 });
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it("never waits for a Retry-After past the deadline", async () => {
    const { operation, run } = setup(5, () => ({ retryAfterMs: 60_000 }));
    const error = rejection(await run({ maxElapsedMs: 30_000 }));
    expect((error as PelbiotError).details).toMatchObject({ reason: "deadline", attempts: 1 });
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("rejects with ABORTED when aborted mid-wait, and starts no further attempt", async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const operation = vi.fn(async () => {
      throw new Error("down");
    });
    const promise = retry(operation, { clock, signal: controller.signal, jitter: "none" });
    const outcome = promise.catch((error: unknown) => error);
    await clock.advanceAsync(150);
    expect(operation).toHaveBeenCalledTimes(1);
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error("shutdown"));
    const error = await outcome;
    expect(PelbiotError.is(error, "ABORTED")).toBe(true);
    expect(((error as PelbiotError).cause as Error).message).toBe("shutdown");
    expect(clock.pendingTimers).toBe(0);
    await clock.runAllAsync();
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("starts no attempt when the signal has already aborted", async () => {
    const operation = vi.fn(async () => "never");
    await expect(retry(operation, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "ABORTED" });
    expect(operation).not.toHaveBeenCalled();
  });

  it("reports ABORTED when an attempt fails because of the abort", async () => {
    const controller = new AbortController();
    const clock = createManualClock();
    const operation = vi.fn(async ({ signal }: RetryContext) => {
      expect(signal).toBe(controller.signal);
      controller.abort("stop");
      throw new DOMException("aborted", "AbortError");
    });
    const error = rejection(await settle(clock, retry(operation, { clock, signal: controller.signal })));
    expect(PelbiotError.is(error, "ABORTED")).toBe(true);
    expect((error as PelbiotError).cause).toBe("stop");
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("handles operations that throw synchronously", async () => {
    const clock = createManualClock();
    let calls = 0;
    const operation = ((): Promise<string> => {
      calls += 1;
      if (calls < 2) throw new Error("sync");
      return Promise.resolve("done");
    }) as () => Promise<string>;
    await expect(settle(clock, retry(operation, { clock }))).resolves.toEqual({ status: "fulfilled", value: "done" });
  });

  it("rejects with what shouldRetry or onRetry throw", async () => {
    const classifierBug = new Error("classifier bug");
    const first = setup(1);
    expect(
      rejection(
        await first.run({
          shouldRetry: () => {
            throw classifierBug;
          },
        }),
      ),
    ).toBe(classifierBug);
    const listenerBug = new Error("listener bug");
    const second = setup(1);
    expect(
      rejection(
        await second.run({
          onRetry: () => {
            throw listenerBug;
          },
        }),
      ),
    ).toBe(listenerBug);
    expect(second.operation).toHaveBeenCalledTimes(1);
  });

  it("rejects a malformed RetryDecision", async () => {
    const { run } = setup(1);
    const error = rejection(await run({ shouldRetry: () => ({ retry: true, delayMs: -5 }) }));
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues[0]?.path).toBe("shouldRetry().delayMs");
  });

  it("rejects invalid options before any attempt, listing every issue", async () => {
    const operation = vi.fn(async () => "never");
    const error = await retry(operation, {
      maxAttempts: 0,
      initialDelayMs: -1,
      maxDelayMs: Number.NaN,
      multiplier: 0.5,
      jitter: "half" as never,
      maxElapsedMs: -10,
      signal: {} as never,
      clock: { now: () => 0 } as never,
      random: 0.5 as never,
      shouldRetry: true as never,
      onRetry: "log" as never,
    }).catch((caught: unknown) => caught);
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "options.initialDelayMs",
      "options.maxDelayMs",
      "options.multiplier",
      "options.jitter",
      "options.maxAttempts",
      "options.maxElapsedMs",
      "options.signal",
      "options.clock",
      "options.random",
      "options.shouldRetry",
      "options.onRetry",
    ]);
    expect(operation).not.toHaveBeenCalled();
    await expect(retry("nope" as never)).rejects.toThrow(/operation: must be a function/);
    await expect(retry(operation, { maxAttempts: 2.5 })).rejects.toThrow(/options\.maxAttempts: must be an integer/);
  });

  it("allows maxAttempts: Infinity only when maxElapsedMs or signal bounds it", async () => {
    await expect(retry(async () => 1, { maxAttempts: Number.POSITIVE_INFINITY })).rejects.toThrow(
      /may be Infinity only together with maxElapsedMs or signal/,
    );
    const { operation, run } = setup(12);
    await expect(run({ maxAttempts: Number.POSITIVE_INFINITY, maxElapsedMs: 3_600_000 })).resolves.toMatchObject({
      status: "fulfilled",
    });
    expect(operation).toHaveBeenCalledTimes(13);
  });

  it("runs on the system clock by default", async () => {
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("transient");
        return calls;
      },
      { initialDelayMs: 1, jitter: "none", multiplier: 1 },
    );
    expect(result).toBe(3);
  });
});
