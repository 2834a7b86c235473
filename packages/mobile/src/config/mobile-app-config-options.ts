import { createValidator, describeType, type Validator } from "@pelbiot/core";
import type { SemVer } from "semver";
import compare from "semver/functions/compare.js";
import parse from "semver/functions/parse.js";
import { readDurationOption } from "../internal/read-duration-option";
import { canonicalizeLanguageTag, isKnownLocale } from "./negotiate-language";

/** Version policy of one platform (`ios`, `android`, `web`, …). */
export interface PlatformVersionPolicy {
  /** Versions below this must update before the app may be used (`force_update`). */
  minVersion: string;
  /** Versions below this are asked, not forced, to update (`soft_update`). Must not be below `minVersion`. */
  recommendedVersion?: string;
  /** `false` ends support for the whole platform: every version gets `unsupported`. @default true */
  supported?: boolean;
}

/** Options of {@link MobileAppConfig}. Every field can also be overridden by a remote config. */
export interface MobileAppConfigOptions {
  /** Oldest app version allowed to run (semver; `+build` metadata is ignored when comparing). @default "0.0.0" */
  minVersion?: string;
  /** Versions below this get `soft_update`. Must not be below `minVersion`. @default minVersion */
  recommendedVersion?: string;
  /** Exact versions withdrawn after release (e.g. a bad build): they get `force_update`. @default [] */
  blockedVersions?: readonly string[];
  /**
   * Per-platform policies that replace the global ones for that platform. When given, a platform passed to
   * {@link MobileAppConfig.checkVersion} that is not listed here is `unsupported`.
   * @default {}
   */
  platforms?: Readonly<Record<string, PlatformVersionPolicy>>;
  /** BCP 47 tags of the languages the app ships, in preference order for ties. @default ["en"] */
  supportedLanguages?: readonly string[];
  /** Language used when no requested language matches; one of `supportedLanguages`. @default supportedLanguages[0] */
  defaultLanguage?: string;
  /** Milliseconds between background sync attempts (1 s to 24 h). @default 30000 */
  offlineSyncIntervalMs?: number;
  /**
   * The original guide's name of `offlineSyncIntervalMs`, still accepted as its alias; give one or the other, not
   * both.
   */
  offlineSyncInterval?: number;
  /** Most mutations the offline queue may hold per device (1 to 1,000,000). @default 10000 */
  maxOfflineRecords?: number;
  /** Newest remote-config schema version this build understands; payloads with a higher one are refused. @default 1 */
  remoteSchemaVersion?: number;
}

/** The validated, canonical configuration in force. */
export interface ResolvedMobileAppConfig {
  /** Global minimum version, normalised (no build metadata). */
  readonly minVersion: string;
  /** Global recommended version (equals `minVersion` when none was set). */
  readonly recommendedVersion: string;
  /** Withdrawn versions, normalised. */
  readonly blockedVersions: readonly string[];
  /** Per-platform policies with their defaults filled in. */
  readonly platforms: Readonly<Record<string, Readonly<Required<PlatformVersionPolicy>>>>;
  /** Canonical BCP 47 tags. */
  readonly supportedLanguages: readonly string[];
  /** Canonical fallback language, one of `supportedLanguages`. */
  readonly defaultLanguage: string;
  /** Milliseconds between sync attempts. */
  readonly offlineSyncIntervalMs: number;
  /** The same as `offlineSyncIntervalMs`, under the original guide's name. */
  readonly offlineSyncInterval: number;
  /** Most queued mutations per device. */
  readonly maxOfflineRecords: number;
  /** Schema version of the remote config in force, or `0` when only local defaults apply. */
  readonly schemaVersion: number;
}

/** A config sent by the server: a schema version plus any subset of {@link MobileAppConfigOptions} but `remoteSchemaVersion`. */
export type RemoteConfigPayload = {
  /** The config's schema version, from 1; one newer than the app's `remoteSchemaVersion` is refused with `UNSUPPORTED`. */
  readonly schemaVersion: number;
} & Readonly<Omit<MobileAppConfigOptions, "remoteSchemaVersion">>;

/** Every option that a remote config may set, in documentation order. */
export const REMOTE_OPTION_KEYS = [
  "minVersion",
  "recommendedVersion",
  "blockedVersions",
  "platforms",
  "supportedLanguages",
  "defaultLanguage",
  "offlineSyncIntervalMs",
  "offlineSyncInterval",
  "maxOfflineRecords",
] as const;
const PLATFORM_POLICY_KEYS = ["minVersion", "recommendedVersion", "supported"] as const;
const SYNC_INTERVAL = { name: "offlineSyncIntervalMs", alias: "offlineSyncInterval" } as const;
/** The shape of a platform name. */
export const PLATFORM_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const VERSION_HINT = 'a semantic version such as "1.4.2" (prerelease "-beta.1" and build "+42" allowed)';

/**
 * Parses a semantic version, adding an issue when it is not one.
 *
 * @param check - The validator collecting the call's issues.
 * @param path - The value's path in the issue.
 * @param value - The value.
 * @returns The parsed version, or `undefined`.
 */
export function parseVersion(check: Validator, path: string, value: unknown): SemVer | undefined {
  if (typeof value !== "string") {
    check.fail(path, `must be ${VERSION_HINT}, got ${describeType(value)}`);
    return undefined;
  }
  const parsed = value.length <= 256 ? parse(value) : null;
  if (parsed === null) check.fail(path, `must be ${VERSION_HINT}, got ${describeType(value)}`);
  return parsed ?? undefined;
}

/**
 * Validates config fields (the constructor's options, or a remote payload merged over them) into a resolved config,
 * collecting every issue.
 *
 * @param options - The fields.
 * @param check - The validator of the call.
 * @param prefix - Path prefix of the fields, with its dot (`"options."` or `"payload."`).
 * @param schemaVersion - The remote schema version in force (0 for local defaults only).
 * @returns The resolved config (meaningful only when `check` has no issues).
 */
export function resolveConfigFields(
  options: Record<string, unknown>,
  check: Validator,
  prefix: string,
  schemaVersion: number,
): ResolvedMobileAppConfig {
  const {
    minVersion = "0.0.0",
    recommendedVersion,
    blockedVersions = [],
    platforms = {},
    supportedLanguages = ["en"],
    defaultLanguage,
    maxOfflineRecords = 10_000,
  } = options;
  const min = parseVersion(check, `${prefix}minVersion`, minVersion);
  const recommended =
    recommendedVersion === undefined ? min : parseVersion(check, `${prefix}recommendedVersion`, recommendedVersion);
  if (min && recommended && compare(recommended, min) < 0) {
    check.fail(
      `${prefix}recommendedVersion`,
      `must not be below minVersion ${min.version}, got ${recommended.version}`,
    );
  }
  const blocked: string[] = [];
  if (check.array(`${prefix}blockedVersions`, blockedVersions, { maxLength: 1000 })) {
    blockedVersions.forEach((version, index) => {
      const parsed = parseVersion(check, `${prefix}blockedVersions.${index}`, version);
      if (parsed) blocked.push(parsed.version);
    });
  }
  const resolvedPlatforms: Record<string, Required<PlatformVersionPolicy>> = {};
  if (check.object(`${prefix}platforms`, platforms)) {
    for (const [name, policy] of Object.entries(platforms)) {
      const path = `${prefix}platforms.${name}`;
      if (!PLATFORM_NAME.test(name)) {
        check.fail(path, "platform name must be lower-case letters, digits, '-' or '_' (e.g. ios, android, web)");
        continue;
      }
      if (!check.object(path, policy)) continue;
      const { minVersion: platformMin, recommendedVersion: platformRecommended, supported = true } = policy;
      const pMin = parseVersion(check, `${path}.minVersion`, platformMin);
      const pRecommended =
        platformRecommended === undefined
          ? pMin
          : parseVersion(check, `${path}.recommendedVersion`, platformRecommended);
      check.boolean(`${path}.supported`, supported);
      if (pMin && pRecommended && compare(pRecommended, pMin) < 0) {
        check.fail(`${path}.recommendedVersion`, `must not be below minVersion ${pMin.version}`);
      }
      check.knownKeys(path, policy, PLATFORM_POLICY_KEYS);
      if (pMin && pRecommended && typeof supported === "boolean") {
        resolvedPlatforms[name] = { minVersion: pMin.version, recommendedVersion: pRecommended.version, supported };
      }
    }
  }
  const languages: string[] = [];
  if (check.array(`${prefix}supportedLanguages`, supportedLanguages, { minLength: 1, maxLength: 500 })) {
    supportedLanguages.forEach((tag, index) => {
      const path = `${prefix}supportedLanguages.${index}`;
      const canonical = canonicalizeLanguageTag(tag);
      if (canonical === undefined) {
        check.fail(path, `must be a well-formed BCP 47 tag such as "en" or "pt-BR", got ${describeType(tag)}`);
      } else if (!isKnownLocale(canonical)) {
        check.fail(
          path,
          `"${canonical}" is a locale this JavaScript engine has no data for (plural rules would be wrong)`,
        );
      } else if (languages.includes(canonical)) {
        check.fail(path, `duplicates "${canonical}"`);
      } else languages.push(canonical);
    });
  }
  let fallbackLanguage = languages[0] ?? "en";
  if (defaultLanguage !== undefined) {
    const canonical = canonicalizeLanguageTag(defaultLanguage);
    if (canonical === undefined) check.fail(`${prefix}defaultLanguage`, "must be a well-formed BCP 47 tag");
    else if (languages.length > 0 && !languages.includes(canonical)) {
      check.fail(
        `${prefix}defaultLanguage`,
        `must be one of supportedLanguages (${languages.join(", ")}), got "${canonical}"`,
      );
    } else fallbackLanguage = canonical;
  }
  const interval = readDurationOption(check, prefix.slice(0, -1), options, SYNC_INTERVAL, {
    min: 1000,
    max: 86_400_000,
  });
  check.number(`${prefix}maxOfflineRecords`, maxOfflineRecords, { integer: true, min: 1, max: 1_000_000 });
  return Object.freeze({
    minVersion: min?.version ?? "0.0.0",
    recommendedVersion: recommended?.version ?? "0.0.0",
    blockedVersions: Object.freeze(blocked),
    platforms: Object.freeze(resolvedPlatforms),
    supportedLanguages: Object.freeze(languages),
    defaultLanguage: fallbackLanguage,
    offlineSyncIntervalMs: interval ?? 30_000,
    offlineSyncInterval: interval ?? 30_000,
    maxOfflineRecords: maxOfflineRecords as number,
    schemaVersion,
  });
}

/** Every constructor option: the remotely configurable ones plus `remoteSchemaVersion`. */
export const MOBILE_APP_CONFIG_OPTION_KEYS = [...REMOTE_OPTION_KEYS, "remoteSchemaVersion"] as const;

/** The constructor's options, validated: the config they resolve to and the fields remote configs merge over. */
export interface ResolvedMobileAppConfigOptions {
  /** The config in force before any remote config. */
  readonly config: ResolvedMobileAppConfig;
  /** The given fields (deep copy, `remoteSchemaVersion` left out), with the sync interval under its `Ms` name. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Newest remote-config schema version this build understands. */
  readonly remoteSchemaVersion: number;
}

/**
 * Validates the options of `new MobileAppConfig(options)`.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The resolved config, the defaults remote configs merge over, and the remote schema version.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option at once.
 * @example
 * ```ts
 * resolveMobileAppConfigOptions({ offlineSyncInterval: 60000 }).config.offlineSyncIntervalMs; // 60000
 * ```
 */
export function resolveMobileAppConfigOptions(options: unknown): ResolvedMobileAppConfigOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("MobileAppConfig constructor");
  if (!check.object("options", given)) check.done();
  const { remoteSchemaVersion = 1, ...fields } = given as Record<string, unknown>;
  check.knownKeys("options", given as Record<string, unknown>, MOBILE_APP_CONFIG_OPTION_KEYS);
  check.number("options.remoteSchemaVersion", remoteSchemaVersion, { integer: true, min: 1, max: 1_000_000 });
  const config = resolveConfigFields(fields, check, "options.", 0);
  check.done();
  // A deep copy: later remote merges start from these, so the caller's arrays must not leak in by reference.
  const defaults = JSON.parse(JSON.stringify(withIntervalMs(fields))) as Record<string, unknown>;
  return { config, defaults: Object.freeze(defaults), remoteSchemaVersion: remoteSchemaVersion as number };
}

/**
 * Merges a remote payload's fields over the local defaults. A payload that sets the sync interval (under either
 * name) replaces the local one, so the two names never meet in one merge.
 *
 * @param defaults - The constructor's fields, as {@link resolveMobileAppConfigOptions} returned them.
 * @param fields - The payload without `schemaVersion`.
 * @returns The merged fields; platforms are merged per platform.
 */
export function mergeRemoteFields(
  defaults: Readonly<Record<string, unknown>>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const base: Record<string, unknown> = { ...defaults };
  if (fields[SYNC_INTERVAL.name] !== undefined || fields[SYNC_INTERVAL.alias] !== undefined) {
    delete base[SYNC_INTERVAL.name];
  }
  const merged: Record<string, unknown> = { ...base, ...fields };
  if (typeof fields.platforms === "object" && fields.platforms !== null) {
    merged.platforms = { ...((defaults.platforms ?? {}) as Record<string, unknown>), ...fields.platforms };
  }
  return merged;
}

function withIntervalMs(fields: Record<string, unknown>): Record<string, unknown> {
  const { [SYNC_INTERVAL.alias]: alias, ...rest } = fields;
  return alias === undefined ? rest : { ...rest, [SYNC_INTERVAL.name]: alias };
}
