/**
 * @module @pelbiot/mobile
 *
 * Mobile app building blocks that run on the device (React Native, a PWA, or Node): app configuration (versions,
 * languages, remote config), offline-first sync with three-way conflict detection and hybrid logical clocks over
 * HTTP or in-memory transports, and UI optimisation (window size classes, fluid type, responsive images). Uses only
 * web-standard APIs. The sync coordinator (server half) is in `@pelbiot/mobile/server`; the sync simulation harness
 * in `@pelbiot/mobile/testing`.
 */

export {
  checkPluralCoverage,
  type PluralCoverageOptions,
  type PluralCoverageReport,
  type PluralGap,
  type TranslationMessage,
  type TranslationTable,
} from "./config/check-plural-coverage";
export {
  MobileAppConfig,
  type MobileAppConfigOptions,
  type PlatformVersionPolicy,
  type RemoteConfigPayload,
  type RemoteConfigResult,
  type ResolvedMobileAppConfig,
  type VersionCheckResult,
  type VersionStatus,
} from "./config/mobile-app-config";
export {
  getPluralCategories,
  getTextDirection,
  type LanguageResolution,
  PLURAL_CATEGORIES,
  type PluralCategory,
  resolveLanguage,
} from "./config/negotiate-language";
export {
  createHybridLogicalClock,
  type HlcParts,
  type HybridLogicalClock,
  type HybridLogicalClockOptions,
  parseHlc,
} from "./sync/hybrid-logical-clock";
export {
  type AutoSync,
  type AutoSyncOptions,
  type ConflictResolution,
  type OfflineSyncEvents,
  OfflineSyncManager,
  type OfflineSyncManagerOptions,
  type SyncReport,
  type SyncStats,
} from "./sync/offline-sync-manager";
export type { SyncCoordinator } from "./sync/sync-coordinator";
export type {
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
  PushResult,
  SyncTransport,
} from "./sync/sync-protocol";
export {
  createHttpSyncTransport,
  createInMemorySyncTransport,
  type HttpSyncTransportOptions,
} from "./sync/sync-transports";
export type {
  ConflictDecision,
  ConflictResolverFunction,
  ConflictStrategy,
  OfflineMutationInput,
  QuarantinedChange,
  QueuedMutation,
  RecordData,
  ServerChange,
  ServerRecord,
  SyncConflict,
  SyncResult,
} from "./sync/sync-types";
export {
  applyMutation,
  jsonEqual,
  type MergeResult,
  type MergeThreeWayOptions,
  mergeThreeWay,
} from "./sync/three-way-merge";
export {
  createFluidTypeScale,
  type FluidTypeScale,
  type FluidTypeScaleOptions,
  type FluidTypeStep,
} from "./ui/fluid-type-scale";
export { MobileUIOptimizer, type MobileUIOptimizerOptions } from "./ui/mobile-ui-optimizer";
export {
  DEFAULT_IMAGE_QUALITY,
  IMAGE_FORMAT_ORDER,
  type ImageFormat,
  type ImageSizeRule,
  type ImageSource,
  type ImageUrlBuilder,
  planResponsiveImage,
  type ResponsiveImageOptions,
  type ResponsiveImagePlan,
} from "./ui/plan-responsive-image";
export {
  getHeightSizeClass,
  getResponsiveLayout,
  getWidthSizeClass,
  HEIGHT_BREAKPOINTS,
  type HeightSizeClass,
  LAYOUT_BY_WIDTH_CLASS,
  type NavigationPattern,
  type ResponsiveLayout,
  WIDTH_BREAKPOINTS,
  type WidthSizeClass,
} from "./ui/window-size-class";
