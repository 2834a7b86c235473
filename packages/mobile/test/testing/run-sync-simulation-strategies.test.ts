import { describe, expect, it } from "vitest";
import { expectInvariantsOverSeeds } from "./sync-simulation-helpers";

// Every built-in automatic strategy must resolve every conflict by itself: replicas converge, nothing is lost and
// nothing is applied twice, over 1,000 seeded schedules each. (Field merge, the slowest, has a file of its own, so
// the test workers share the three runs out.)
describe("runSyncSimulation with each automatic strategy", () => {
  it.each(["server-wins", "client-wins"] as const)(
    "%s holds every invariant over 1,000 seeded schedules",
    async (conflictStrategy) => {
      const totals = await expectInvariantsOverSeeds({ conflictStrategy });
      expect(totals.resolvedByUser).toBe(0);
    },
    60_000,
  );
});
