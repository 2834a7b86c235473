import { describe, expect, it } from "vitest";
import { createPendingOperations } from "../../src/internal/pending-operations";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe("createPendingOperations", () => {
  it("settles at once when nothing is pending", async () => {
    await createPendingOperations().settled();
  });

  it("waits for every tracked operation, failed ones included, and returns each operation unchanged", async () => {
    const pending = createPendingOperations();
    const first = deferred();
    const second = deferred();
    expect(pending.track(first.promise)).toBe(first.promise);
    pending.track(second.promise).catch(() => undefined);
    let settled = false;
    const waiting = pending.settled().then(() => {
      settled = true;
    });
    first.resolve();
    await first.promise;
    await Promise.resolve();
    expect(settled).toBe(false);
    second.reject(new Error("failed"));
    await waiting;
    expect(settled).toBe(true);
    // Counting starts again from zero.
    const third = deferred();
    pending.track(third.promise);
    const again = pending.settled();
    third.resolve();
    await again;
  });
});
