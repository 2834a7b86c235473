/**
 * @module @pelbiot/mobile/server
 *
 * The server half of offline sync: the framework-free coordinator that applies pushed mutations exactly once and
 * serves changes after a cursor, and a handler that mounts it in any HTTP framework. Kept out of the main entry so
 * apps on devices do not ship it.
 */

export { handleSyncRequest, type SyncHttpRequest, type SyncHttpResponse } from "../sync/handle-sync-request";
export {
  createSyncCoordinator,
  type MutationValidator,
  type SyncCoordinator,
  type SyncCoordinatorOptions,
} from "../sync/sync-coordinator";
