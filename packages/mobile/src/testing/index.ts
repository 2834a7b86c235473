/**
 * @module @pelbiot/mobile/testing
 *
 * Test tools for apps built on `@pelbiot/mobile`: a deterministic simulation of offline sync under partitions,
 * duplicate and lost deliveries, concurrent syncs and device restarts; and a software WebAuthn authenticator
 * (Node only) for testing passkey login without a device.
 */
export {
  runSyncSimulation,
  type SyncSimulationFaults,
  type SyncSimulationOptions,
  type SyncSimulationResult,
} from "./run-sync-simulation";
export {
  SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
  type SoftwareAuthenticatorOverrides,
} from "./software-authenticator";
