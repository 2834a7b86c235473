/**
 * @module @pelbiot/mobile/testing
 *
 * Test tools for apps built on `@pelbiot/mobile`: a deterministic simulation of offline sync under partitions,
 * duplicate and lost deliveries, concurrent syncs and device restarts.
 */
export {
  runSyncSimulation,
  type SyncSimulationFaults,
  type SyncSimulationOptions,
  type SyncSimulationResult,
} from "./run-sync-simulation";
