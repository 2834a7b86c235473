/**
 * @module @pelbiot/mobile/server
 *
 * The server half of offline sync: the framework-free coordinator that applies pushed mutations exactly once and
 * serves changes after a cursor, and a handler that mounts it in any HTTP framework. Also the push-notification
 * backend (PushNotificationManager with the in-process log transport and FCM; APNs and Web Push need Node and live
 * in `@pelbiot/mobile/node`) and the WebAuthn relying party for biometric (passkey) login. Kept out of the main entry
 * so apps on devices do not ship it.
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
export { createFcmTransport, type FcmTransportOptions, type GoogleServiceAccount } from "../push/fcm-transport";
export {
  createLogPushTransport,
  type LogPushTransport,
  type LogPushTransportOptions,
} from "../push/log-push-transport";
export {
  type DeliveryLogFilter,
  type DeliveryResult,
  type DeliveryStatus,
  type DeviceFilter,
  type DevicePrunedEvent,
  type PushDevice,
  type PushMessage,
  type PushNotification,
  type PushNotificationEvents,
  PushNotificationManager,
  type PushNotificationManagerOptions,
  type PushPlatform,
  type PushRetryOptions,
  type PushTransport,
  type RegisterDeviceDetails,
  type ResolvedPushNotification,
  type SendReport,
  type TransportOutcome,
  type WebPushSubscription,
} from "../push/push-notification-manager";
export { DELIVERY_STATUSES, PUSH_PLATFORMS } from "../push/push-notification-manager-types";
export { handleSyncRequest, type SyncHttpRequest, type SyncHttpResponse } from "../sync/handle-sync-request";
export {
  createSyncCoordinator,
  type MutationValidator,
  type SyncCoordinator,
  type SyncCoordinatorOptions,
} from "../sync/sync-coordinator";
