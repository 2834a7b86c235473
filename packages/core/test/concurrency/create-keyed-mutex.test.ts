import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createKeyedMutex } from "../../src/concurrency/create-keyed-mutex";
import { captureValidationIssuesAsync } from "../../src/testing/capture-validation-issues";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";

/** A promise with its resolve function, so a test decides when a task finishes. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((resolvePromise) => {
    resolve = resolvePromise;
  });
  return { promise, resolve };
}

async function yieldTurns(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await Promise.resolve();
}

describe("createKeyedMutex", () => {
  it("never overlaps tasks of one key, runs them in call order, and starts the first task of every key at once", async () => {
    const task = fc.record({ key: fc.constantFrom("a", "b", "c"), turns: fc.nat({ max: 5 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(task, { minLength: 1, maxLength: 30 }), async (tasks) => {
        const runExclusive = createKeyedMutex();
        const running = new Map<string, number>();
        const started: number[] = [];
        let overlapped = false;
        let concurrent = 0;
        let mostConcurrent = 0;
        await Promise.all(
          tasks.map(({ key, turns }, index) =>
            runExclusive(key, async () => {
              running.set(key, (running.get(key) ?? 0) + 1);
              overlapped ||= (running.get(key) ?? 0) > 1;
              concurrent += 1;
              mostConcurrent = Math.max(mostConcurrent, concurrent);
              started.push(index);
              await yieldTurns(turns);
              concurrent -= 1;
              running.set(key, (running.get(key) ?? 0) - 1);
            }),
          ),
        );
        expect(overlapped).toBe(false);
        for (const key of ["a", "b", "c"]) {
          const calls = tasks.flatMap((item, index) => (item.key === key ? [index] : []));
          expect(started.filter((index) => tasks[index]?.key === key)).toEqual(calls);
        }
        expect(mostConcurrent).toBe(new Set(tasks.map((item) => item.key)).size);
        expect(runExclusive.activeKeys).toBe(0);
      }),
    );
  });

  it("runs tasks of different keys concurrently", async () => {
    const runExclusive = createKeyedMutex();
    const second = deferred();
    // The first task can only finish once the second has run, which a global lock would never allow.
    const first = runExclusive("a", async () => {
      await second.promise;
      return "a";
    });
    const other = runExclusive("b", async () => {
      second.resolve();
      return "b";
    });
    await expect(Promise.all([first, other])).resolves.toEqual(["a", "b"]);
  });

  it("passes a task's failure to its caller and still runs the tasks queued after it", async () => {
    const runExclusive = createKeyedMutex();
    const boom = new Error("boom");
    const failing = runExclusive("key", async () => {
      throw boom;
    });
    const throwingAtOnce = runExclusive("key", (() => {
      throw new Error("thrown before any promise");
    }) as () => Promise<never>);
    const next = runExclusive("key", async () => "next");
    await expect(failing).rejects.toBe(boom);
    await expect(throwingAtOnce).rejects.toThrow("thrown before any promise");
    await expect(next).resolves.toBe("next");
    expect(runExclusive.activeKeys).toBe(0);
  });

  it("forgets every key once its tasks have settled, however many distinct keys were used", async () => {
    const runExclusive = createKeyedMutex();
    const gate = deferred();
    const work = Array.from({ length: 1_000 }, (_, index) => runExclusive(`key-${index}`, () => gate.promise));
    expect(runExclusive.activeKeys).toBe(1_000);
    gate.resolve();
    await Promise.all(work);
    expect(runExclusive.activeKeys).toBe(0);
  });

  it("keeps a key while a queued task still waits for it", async () => {
    const runExclusive = createKeyedMutex();
    const gate = deferred();
    const first = runExclusive("key", () => gate.promise);
    const second = runExclusive("key", async () => "second");
    expect(runExclusive.activeKeys).toBe(1);
    gate.resolve();
    await first;
    await expect(second).resolves.toBe("second");
    expect(runExclusive.activeKeys).toBe(0);
  });

  it("rejects a malformed key or task with VALIDATION_ERROR and queues nothing", async () => {
    const runExclusive = createKeyedMutex();
    const issues = await captureValidationIssuesAsync(() =>
      runExclusive(42 as unknown as string, "not a task" as unknown as () => Promise<void>),
    );
    expect(issues).toEqual([expect.stringMatching(/^key: /), expect.stringMatching(/^task: /)]);
    await expectPelbiotErrorAsync(
      () => runExclusive("key", undefined as unknown as () => Promise<void>),
      "VALIDATION_ERROR",
    );
    expect(runExclusive.activeKeys).toBe(0);
  });
});
