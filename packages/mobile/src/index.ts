/**
 * @module @pelbiot/mobile
 *
 * Mobile app building blocks: app configuration, offline sync, push notifications, WebAuthn passkeys and UI optimisation.
 *
 * This release ships the package skeleton only (build, exports map, types); MobileAppConfig, OfflineSyncManager, PushNotificationManager, BiometricAuthManager and MobileUIOptimizer
 * arrive in the next minor releases. Nothing here pretends to work before it does.
 */
export {};
