/**
 * @module @pelbiot/mobile
 *
 * Mobile app building blocks that run on the device (React Native, a PWA, or Node): offline-first sync with
 * three-way conflict detection and hybrid logical clocks, the framework-free coordinator that applies pushed
 * mutations exactly once, and HTTP and in-memory transports. Uses only web-standard APIs.
 */
export {
  createHybridLogicalClock,
  type HlcParts,
  type HybridLogicalClock,
  type HybridLogicalClockOptions,
  parseHlc,
} from "./sync/hybrid-logical-clock";
export {
  type OfflineSyncEvents,
  OfflineSyncManager,
  type OfflineSyncManagerOptions,
  type SyncStats,
} from "./sync/offline-sync-manager";
export type {
  ConflictDecision,
  ConflictResolverFunction,
  ConflictStrategy,
  OfflineMutationInput,
  QueuedMutation,
  RecordData,
  ServerChange,
  ServerRecord,
  SyncConflict,
  SyncResult,
} from "./sync/sync-types";
export { applyMutation, jsonEqual, type MergeResult, mergeThreeWay } from "./sync/three-way-merge";
