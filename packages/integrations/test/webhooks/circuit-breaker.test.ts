import { createManualClock } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../src/webhooks/circuit-breaker";
import { ConcurrencyLimiter } from "../../src/webhooks/concurrency-limiter";

const START = Date.UTC(2026, 0, 1);

function breaker() {
  const clock = createManualClock(START);
  const circuits = new CircuitBreaker({
    clock,
    failureThreshold: 2,
    cooldownMs: 1_000,
    signal: new AbortController().signal,
  });
  return { clock, circuits };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold, lets one probe through after the cooldown, and closes on success", async () => {
    const { clock, circuits } = breaker();
    circuits.record("ep_a", false);
    expect(await circuits.waitUntilClosed("ep_a", () => undefined)).toBe(false);
    circuits.record("ep_a", false);

    let waits = 0;
    const probe = circuits.waitUntilClosed("ep_a", () => {
      waits += 1;
    });
    expect(waits).toBe(1);
    // Another endpoint is never held up by ep_a's open circuit.
    expect(await circuits.waitUntilClosed("ep_b", () => undefined)).toBe(false);
    await clock.advanceAsync(1_000);
    expect(await probe).toBe(true);

    // While the probe is out, a second delivery keeps waiting.
    let second = false;
    const follower = circuits
      .waitUntilClosed("ep_a", () => undefined)
      .then(() => {
        second = true;
      });
    await clock.advanceAsync(1_000);
    expect(second).toBe(false);
    circuits.record("ep_a", true);
    await clock.advanceAsync(1_000);
    await follower;
    expect(second).toBe(true);
  });

  it("reopens on a failed probe and forgets an endpoint on reset", async () => {
    const { clock, circuits } = breaker();
    circuits.record("ep_a", false);
    circuits.record("ep_a", false);
    await clock.advanceAsync(1_000);
    expect(await circuits.waitUntilClosed("ep_a", () => undefined)).toBe(false);
    circuits.record("ep_a", false);
    let waited = false;
    const waiting = circuits.waitUntilClosed("ep_a", () => {
      waited = true;
    });
    expect(waited).toBe(true);
    circuits.reset("ep_a");
    await clock.advanceAsync(1_000);
    expect(await waiting).toBe(true);
    expect(await circuits.waitUntilClosed("ep_a", () => undefined)).toBe(false);
  });
});

describe("ConcurrencyLimiter", () => {
  it("holds at most the limit and hands released slots to waiters in order", async () => {
    const limiter = new ConcurrencyLimiter(2);
    await limiter.acquire();
    await limiter.acquire();
    const order: number[] = [];
    const third = limiter.acquire().then(() => order.push(3));
    const fourth = limiter.acquire().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    limiter.release();
    await third;
    expect(order).toEqual([3]);
    limiter.release();
    await fourth;
    expect(order).toEqual([3, 4]);
  });
});
