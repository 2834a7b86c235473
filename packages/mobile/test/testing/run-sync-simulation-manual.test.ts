import { describe, expect, it } from "vitest";
import { runSyncSimulation } from "../../src/testing/run-sync-simulation";
import { expectInvariantsOverSeeds } from "./sync-simulation-helpers";

// The "manual" strategy leaves every conflict open; the simulation's scripted user settles them through
// resolveConflict. (Custom resolvers are in run-sync-simulation-resolvers.test.ts.)
describe("runSyncSimulation with conflicts settled by a person or a custom resolver", () => {
  it("manual: a scripted user resolving through resolveConflict holds every invariant over 1,000 schedules", async () => {
    const totals = await expectInvariantsOverSeeds({ conflictStrategy: "manual" });
    expect(totals.resolvedByUser).toBeGreaterThan(0);
  }, 60_000);

  it("replays the same schedule, user's choices included, for the same seed", async () => {
    const first = await runSyncSimulation({ seed: 11, conflictStrategy: "manual" });
    expect(first.stats.resolvedByUser).toBeGreaterThan(0);
    expect(await runSyncSimulation({ seed: 11, conflictStrategy: "manual" })).toEqual(first);
  });
});
