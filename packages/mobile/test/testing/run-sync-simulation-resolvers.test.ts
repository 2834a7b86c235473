import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConflictResolverFunction, ConflictStrategy, RecordData } from "../../src/sync/sync-types";
import { runSyncSimulation } from "../../src/testing/run-sync-simulation";
import { expectInvariantsOverSeeds } from "./sync-simulation-helpers";

// Keeps each field's larger number; an edit beats a delete. Collisions on "b" are left to the person instead, so
// the run covers both a resolver deciding and a resolver deferring to resolveConflict.
const largestValue: ConflictResolverFunction = (conflict) => {
  const local = conflict.local;
  const remote = conflict.remote.data;
  if (local === null || remote === null) return local === null ? "remote" : "local";
  if (conflict.fields.includes("b")) return undefined;
  const merged: RecordData = { ...remote };
  for (const [field, value] of Object.entries(local)) {
    const theirs = merged[field];
    if (typeof theirs !== "number" || (typeof value === "number" && value > theirs)) merged[field] = value;
  }
  return { data: merged };
};

// The scripted user of the "manual" strategy has a file of its own (run-sync-simulation-manual.test.ts), so the test
// workers share the two 1,000-schedule runs out.
describe("runSyncSimulation with conflicts settled by a person or a custom resolver", () => {
  it("a custom resolver (deferring some conflicts to the user) holds every invariant over 1,000 schedules", async () => {
    let calls = 0;
    const totals = await expectInvariantsOverSeeds({
      conflictStrategy: (conflict) => {
        calls += 1;
        return largestValue(conflict);
      },
      userResolvesConflicts: true,
    });
    expect(calls).toBeGreaterThan(0);
    expect(totals.resolvedByUser).toBeGreaterThan(0);
  }, 60_000);

  it("every strategy converges for any seed, size and fault mix (property)", async () => {
    const strategy = fc.constantFrom<ConflictStrategy>(
      "last-writer-wins",
      "server-wins",
      "client-wins",
      "field-merge",
      "manual",
      largestValue,
    );
    const rate = fc.double({ min: 0, max: 0.5, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.nat({ max: 2 ** 32 - 1 }),
          conflictStrategy: strategy,
          devices: fc.integer({ min: 1, max: 4 }),
          steps: fc.integer({ min: 0, max: 30 }),
          records: fc.integer({ min: 1, max: 4 }),
          faults: fc.record({ partition: rate, duplicate: rate, lostResponse: rate, crash: rate }),
        }),
        async (options) => {
          const result = await runSyncSimulation({ ...options, userResolvesConflicts: true });
          expect(result.violations).toEqual([]);
        },
      ),
      { numRuns: 100, seed: 20261203 },
    );
  }, 60_000);
});
