import { expect } from "vitest";
import { runSyncSimulation, type SyncSimulationOptions } from "../../src/testing/run-sync-simulation";

/** Schedules per strategy: every strategy must hold the invariants over this many seeds. */
export const SEEDS = 1000;

/**
 * Steps per schedule for the per-strategy runs: shorter than the simulator's default of 40 so six strategies times
 * 1,000 seeds stay a few seconds, yet long enough for conflicts, rejections and every fault to occur many times.
 */
export const STEPS = 24;

/**
 * Runs seeds 1..SEEDS with the given options, expects no violation, and expects the schedules to have exercised
 * every fault and outcome at least once.
 *
 * @param options - Everything but the seed.
 * @returns The summed statistics.
 */
export async function expectInvariantsOverSeeds(options: Omit<SyncSimulationOptions, "seed">) {
  const totals = { conflicts: 0, rejected: 0, superseded: 0, duplicatesDelivered: 0, lostResponses: 0, crashes: 0 };
  let resolvedByUser = 0;
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const result = await runSyncSimulation({ steps: STEPS, ...options, seed });
    if (result.violations.length > 0) failures.push(`seed ${seed}: ${result.violations.join("; ")}`);
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result.stats[key];
    resolvedByUser += result.stats.resolvedByUser;
  }
  expect(failures.slice(0, 5), `${failures.length} of ${SEEDS} seeds failed`).toEqual([]);
  for (const [key, value] of Object.entries(totals)) expect(value, key).toBeGreaterThan(0);
  return { ...totals, resolvedByUser };
}
