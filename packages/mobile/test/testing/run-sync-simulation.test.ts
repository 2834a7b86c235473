import { describe, expect, it } from "vitest";
import { createSyncCoordinator, type SyncCoordinator } from "../../src/sync/sync-coordinator";
import { runSyncSimulation } from "../../src/testing/run-sync-simulation";

describe("runSyncSimulation", () => {
  it("holds every invariant over 1,000 seeded schedules with partitions, duplicates, lost responses and crashes", async () => {
    const totals = { conflicts: 0, rejected: 0, superseded: 0, duplicatesDelivered: 0, lostResponses: 0, crashes: 0 };
    const failures: string[] = [];
    for (let seed = 1; seed <= 1000; seed += 1) {
      const result = await runSyncSimulation({ seed });
      if (result.violations.length > 0) failures.push(`seed ${seed}: ${result.violations.join("; ")}`);
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result.stats[key];
    }
    expect(failures).toEqual([]);
    // The schedules really exercised every fault and outcome.
    for (const [key, value] of Object.entries(totals)) expect(value, key).toBeGreaterThan(0);
  }, 120_000);

  it("replays the same schedule for the same seed", async () => {
    expect(await runSyncSimulation({ seed: 7 })).toEqual(await runSyncSimulation({ seed: 7 }));
  });

  it("finds divergence when conflicts are left unresolved", async () => {
    let diverged = 0;
    for (let seed = 1; seed <= 50; seed += 1) {
      const result = await runSyncSimulation({ seed, conflictStrategy: "manual", userResolvesConflicts: false });
      if (result.violations.some((violation) => violation.includes("open conflict"))) diverged += 1;
    }
    expect(diverged).toBeGreaterThan(0);
  });

  it("rejects invalid options", async () => {
    await expect(runSyncSimulation({ seed: -1, faults: { crash: 2 } })).rejects.toThrow(
      /options.seed: must be at least 0, got -1; options.faults.crash: must be at most 1, got 2/,
    );
    await expect(
      runSyncSimulation({ seed: 1, conflictStrategy: "newest" as never, userResolvesConflicts: "yes" as never }),
    ).rejects.toThrow(/options.conflictStrategy: .*options.userResolvesConflicts: /);
    await expect(
      runSyncSimulation({ seed: 1, coordinator: { push: async () => ({ results: [] }) } as never }),
    ).rejects.toThrow(/options.coordinator.pull: .*options.coordinator.getRecord: /);
  });

  it("runs the schedule against the coordinator it is given", async () => {
    const inner = createSyncCoordinator({
      validateMutation: (mutation) => (Object.values(mutation.data ?? {}).includes(13) ? "no 13" : undefined),
    });
    let pushes = 0;
    const counting: SyncCoordinator = {
      push: (request) => {
        pushes += 1;
        return inner.push(request);
      },
      pull: (request) => inner.pull(request),
      getRecord: (recordId) => inner.getRecord(recordId),
    };
    const result = await runSyncSimulation({ seed: 3, coordinator: counting });
    expect(result.violations).toEqual([]);
    expect(pushes).toBeGreaterThan(0);
    expect(result).toEqual(await runSyncSimulation({ seed: 3 }));
  });
});
