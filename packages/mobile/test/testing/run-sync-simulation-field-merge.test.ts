import { describe, expect, it } from "vitest";
import { expectInvariantsOverSeeds } from "./sync-simulation-helpers";

// The field-merge strategy must resolve every conflict by itself: replicas converge, nothing is lost and nothing is
// applied twice, over 1,000 seeded schedules. (The other automatic strategies are in
// run-sync-simulation-strategies.test.ts.)
describe("runSyncSimulation with each automatic strategy", () => {
  it("field-merge holds every invariant over 1,000 seeded schedules", async () => {
    const totals = await expectInvariantsOverSeeds({ conflictStrategy: "field-merge" });
    expect(totals.resolvedByUser).toBe(0);
  }, 60_000);
});
