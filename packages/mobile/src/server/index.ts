/**
 * @module @pelbiot/mobile/server
 *
 * The server half of offline sync: the framework-free coordinator that applies pushed mutations exactly once and
 * serves changes after a cursor, and a handler that mounts it in any HTTP framework; and the WebAuthn relying party
 * for biometric (passkey) login. Kept out of the main entry so
 * apps on devices do not ship it.
 */

export {
  BIOMETRIC_MODALITIES,
  BiometricAuthManager,
  type BiometricAuthManagerEvents,
  type BiometricAuthManagerOptions,
  type BiometricCredential,
  type BiometricModality,
  type BiometricRejectionReason,
  type BiometricVerification,
  REJECTION_ERROR_CODES,
  type RegistrationRequestOptions,
} from "../biometric/biometric-auth-manager";
export { handleSyncRequest, type SyncHttpRequest, type SyncHttpResponse } from "../sync/handle-sync-request";
export {
  createSyncCoordinator,
  type MutationValidator,
  type SyncCoordinator,
  type SyncCoordinatorOptions,
} from "../sync/sync-coordinator";
