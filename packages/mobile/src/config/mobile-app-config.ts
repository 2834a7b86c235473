import { createValidator, describeType, PelbiotError, type Validator } from "@pelbiot/core";
import type { SemVer } from "semver";
import compare from "semver/functions/compare.js";
import parse from "semver/functions/parse.js";
import {
  checkPluralCoverage,
  type PluralCoverageOptions,
  type PluralCoverageReport,
  type TranslationTable,
} from "./check-plural-coverage";
import { canonicalizeLanguageTag, isKnownLocale, type LanguageResolution, resolveLanguage } from "./negotiate-language";

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
  readonly offlineSyncInterval: number;
  /** Most queued mutations per device. */
  readonly maxOfflineRecords: number;
  /** Schema version of the remote config in force, or `0` when only local defaults apply. */
  readonly schemaVersion: number;
}

/** The verdict of {@link MobileAppConfig.checkVersion}. */
export type VersionStatus = "ok" | "soft_update" | "force_update" | "unsupported";

/** The result of {@link MobileAppConfig.checkVersion}. */
export interface VersionCheckResult {
  /** What the app should do. */
  readonly status: VersionStatus;
  /** A sentence saying why, fit for logs. */
  readonly reason: string;
  /** The installed version as parsed (build metadata kept). */
  readonly installed: string;
  /** The platform whose policy applied, or `null` for the global policy. */
  readonly platform: string | null;
  /** The minimum version that applied. */
  readonly minVersion: string;
  /** The recommended version that applied. */
  readonly recommendedVersion: string;
}

/** A config sent by the server: a schema version plus any subset of {@link MobileAppConfigOptions} but `remoteSchemaVersion`. */
export type RemoteConfigPayload = { readonly schemaVersion: number } & Readonly<
  Omit<MobileAppConfigOptions, "remoteSchemaVersion">
>;

/** The result of {@link MobileAppConfig.applyRemoteConfig}. */
export interface RemoteConfigResult {
  /** The schema version now in force. */
  readonly schemaVersion: number;
  /** Option names whose effective value changed. */
  readonly changed: readonly string[];
}

const OPTION_KEYS = [
  "minVersion",
  "recommendedVersion",
  "blockedVersions",
  "platforms",
  "supportedLanguages",
  "defaultLanguage",
  "offlineSyncInterval",
  "maxOfflineRecords",
] as const;
const PLATFORM_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const VERSION_HINT = 'a semantic version such as "1.4.2" (prerelease "-beta.1" and build "+42" allowed)';

function parseVersion(check: Validator, path: string, value: unknown): SemVer | undefined {
  if (typeof value !== "string") {
    check.fail(path, `must be ${VERSION_HINT}, got ${describeType(value)}`);
    return undefined;
  }
  const parsed = value.length <= 256 ? parse(value) : null;
  if (parsed === null) check.fail(path, `must be ${VERSION_HINT}, got ${describeType(value)}`);
  return parsed ?? undefined;
}

/** Validates options (constructor or merged remote) into a resolved config, collecting every issue. */
function resolveOptions(
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
    offlineSyncInterval = 30_000,
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
      for (const key of Object.keys(policy)) {
        if (!["minVersion", "recommendedVersion", "supported"].includes(key)) {
          check.fail(
            `${path}.${key}`,
            "is not a known platform policy field (minVersion, recommendedVersion, supported)",
          );
        }
      }
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
  check.number(`${prefix}offlineSyncInterval`, offlineSyncInterval, { integer: true, min: 1000, max: 86_400_000 });
  check.number(`${prefix}maxOfflineRecords`, maxOfflineRecords, { integer: true, min: 1, max: 1_000_000 });
  return Object.freeze({
    minVersion: min?.version ?? "0.0.0",
    recommendedVersion: recommended?.version ?? "0.0.0",
    blockedVersions: Object.freeze(blocked),
    platforms: Object.freeze(resolvedPlatforms),
    supportedLanguages: Object.freeze(languages),
    defaultLanguage: fallbackLanguage,
    offlineSyncInterval: offlineSyncInterval as number,
    maxOfflineRecords: maxOfflineRecords as number,
    schemaVersion,
  });
}

/**
 * The app-side configuration of a PELBIOT mobile app: which versions may run, which languages it speaks, how often
 * it syncs and how much it may queue offline, overridable at run time by a validated remote config.
 *
 * @example
 * ```ts
 * const config = new MobileAppConfig({
 *   minVersion: "1.0.0",
 *   supportedLanguages: ["en", "es", "fr"],
 *   offlineSyncInterval: 30000,
 *   maxOfflineRecords: 10000,
 * });
 * config.checkVersion("0.9.3").status; // "force_update"
 * config.negotiateLanguage(["pt-BR", "fr-CA"]); // "fr"
 * ```
 */
export class MobileAppConfig {
  readonly #defaults: Readonly<Record<string, unknown>>;
  readonly #remoteSchemaVersion: number;
  #current: ResolvedMobileAppConfig;

  /**
   * @param options - See {@link MobileAppConfigOptions}; every field has a default.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid option at once.
   * @throws {PelbiotError} UNSUPPORTED when the engine lacks `Intl.Locale` or `Intl.PluralRules`.
   */
  constructor(options: MobileAppConfigOptions = {}) {
    if (typeof Intl === "undefined" || typeof Intl.Locale !== "function" || typeof Intl.PluralRules !== "function") {
      throw new PelbiotError(
        "UNSUPPORTED",
        "MobileAppConfig needs Intl.Locale and Intl.PluralRules; on engines without them (e.g. Hermes) load the " +
          "@formatjs/intl-locale and @formatjs/intl-pluralrules polyfills before creating it.",
      );
    }
    const check = createValidator("MobileAppConfig");
    if (!check.object("options", options)) check.done();
    const { remoteSchemaVersion = 1, ...rest } = options;
    check.number("options.remoteSchemaVersion", remoteSchemaVersion, { integer: true, min: 1, max: 1_000_000 });
    for (const key of Object.keys(rest)) {
      if (!(OPTION_KEYS as readonly string[]).includes(key)) {
        check.fail(`options.${key}`, `is not a known option (${OPTION_KEYS.join(", ")}, remoteSchemaVersion)`);
      }
    }
    this.#current = resolveOptions(rest, check, "options.", 0);
    check.done();
    // A deep copy: later remote merges start from these, so the caller's arrays must not leak in by reference.
    this.#defaults = Object.freeze(JSON.parse(JSON.stringify(rest)) as Record<string, unknown>);
    this.#remoteSchemaVersion = remoteSchemaVersion;
  }

  /** The configuration in force: local defaults merged with the last good remote config. Frozen. */
  get current(): ResolvedMobileAppConfig {
    return this.#current;
  }

  /** Oldest app version allowed (global policy). */
  get minVersion(): string {
    return this.#current.minVersion;
  }

  /** Canonical BCP 47 tags of the supported languages. */
  get supportedLanguages(): readonly string[] {
    return this.#current.supportedLanguages;
  }

  /** Milliseconds between sync attempts. */
  get offlineSyncInterval(): number {
    return this.#current.offlineSyncInterval;
  }

  /** Most mutations the offline queue may hold per device. */
  get maxOfflineRecords(): number {
    return this.#current.maxOfflineRecords;
  }

  /**
   * Decides whether an installed app version may run: `unsupported` when its platform is not (or no longer)
   * supported, `force_update` below the minimum or on a blocked version, `soft_update` below the recommended
   * version, else `ok`. Versions compare by semver precedence: build metadata is ignored and a prerelease sorts
   * before its release (`1.0.0-rc.1` is below `1.0.0`).
   *
   * @param installed - The running app's version, e.g. `"1.4.2+317"`.
   * @param platform - Selects a per-platform policy (`"ios"`, `"android"`, …); omitted → the global policy.
   * @returns The status with a reason.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed version or platform name.
   * @example
   * ```ts
   * config.checkVersion("1.2.0+build.7", "ios"); // { status: "ok", reason: "…", … }
   * ```
   */
  checkVersion(installed: string, platform?: string): VersionCheckResult {
    const check = createValidator("MobileAppConfig.checkVersion");
    const version = parseVersion(check, "installed", installed);
    if (platform !== undefined) {
      check.string("platform", platform, {
        maxLength: 32,
        pattern: { regex: PLATFORM_NAME, description: "a lower-case platform name such as ios, android or web" },
      });
    }
    check.done();
    const parsed = version as SemVer;
    const config = this.#current;
    const platforms = Object.keys(config.platforms);
    const policy = platform === undefined ? undefined : config.platforms[platform];
    const applied = policy ?? config;
    const base = {
      installed: parsed.raw.trim().replace(/^[=v]+/, ""),
      platform: policy === undefined ? null : (platform as string),
      minVersion: applied.minVersion,
      recommendedVersion: applied.recommendedVersion,
    };
    if (platform !== undefined && platforms.length > 0 && policy === undefined) {
      return {
        ...base,
        status: "unsupported",
        reason: `Platform "${platform}" is not supported (supported: ${platforms.join(", ")}).`,
      };
    }
    if (policy?.supported === false) {
      return { ...base, status: "unsupported", reason: `Platform "${platform}" is no longer supported.` };
    }
    if (compare(parsed, applied.minVersion) < 0) {
      return {
        ...base,
        status: "force_update",
        reason: `Version ${parsed.version} is below the minimum ${applied.minVersion}.`,
      };
    }
    if (config.blockedVersions.some((blocked) => compare(parsed, blocked) === 0)) {
      return { ...base, status: "force_update", reason: `Version ${parsed.version} has been withdrawn (blocked).` };
    }
    if (compare(parsed, applied.recommendedVersion) < 0) {
      return {
        ...base,
        status: "soft_update",
        reason: `Version ${parsed.version} is below the recommended ${applied.recommendedVersion}.`,
      };
    }
    return { ...base, status: "ok", reason: `Version ${parsed.version} meets the minimum ${applied.minVersion}.` };
  }

  /**
   * Picks the best supported language for the user's preferences (BCP 47, likely-subtag matching, so `pt-BR`
   * finds `pt` and `zh-TW` finds `zh-Hant` but never `zh-Hans`), falling back to the default language.
   *
   * @param requested - One tag or a priority-ordered list such as `navigator.languages`.
   * @returns A supported tag.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when a requested tag is malformed.
   * @example
   * ```ts
   * config.negotiateLanguage(["pt-BR", "fr-CA"]); // "fr" with supportedLanguages ["en", "es", "fr"]
   * ```
   */
  negotiateLanguage(requested: string | readonly string[]): string {
    return this.resolveLanguage(requested).language;
  }

  /**
   * Like {@link MobileAppConfig.negotiateLanguage}, with the fallback chain for message lookup, the writing
   * direction and the plural categories of the chosen language.
   *
   * @param requested - One tag or a priority-ordered list.
   * @returns The full resolution.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when a requested tag is malformed.
   * @example
   * ```ts
   * config.resolveLanguage("ar-EG"); // { language: "ar", rtl: true, fallbackChain: ["ar", "en"], … }
   * ```
   */
  resolveLanguage(requested: string | readonly string[]): LanguageResolution {
    return resolveLanguage(requested, this.#current.supportedLanguages, this.#current.defaultLanguage);
  }

  /**
   * Checks a translation table against the supported languages: every plural message must define each CLDR plural
   * category its locale needs (from `Intl.PluralRules`), and every supported language must have a table.
   *
   * @param table - Messages per locale.
   * @param options - The rule type (`cardinal` by default); expected locales default to the supported languages.
   * @returns The gaps found.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed table.
   * @example
   * ```ts
   * config.checkTranslations({ en: { files: { one: "# file", other: "# files" } } }).complete;
   * ```
   */
  checkTranslations(table: TranslationTable, options: PluralCoverageOptions = {}): PluralCoverageReport {
    const check = createValidator("MobileAppConfig.checkTranslations");
    if (!check.object("options", options)) check.done();
    return checkPluralCoverage(table, { expectedLocales: this.#current.supportedLanguages, ...options });
  }

  /**
   * Applies a server-provided config: its fields are merged over the local defaults (not over the previous remote
   * config, so a field the server stops sending returns to its default), then validated as a whole. An invalid or
   * too-new payload is refused and the last good config stays in force.
   *
   * @param payload - `{ schemaVersion, …options }`, typically parsed from a JSON response.
   * @returns The schema version in force and the options that changed.
   * @throws {PelbiotError} UNSUPPORTED when `schemaVersion` is newer than `remoteSchemaVersion` (the app must update).
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid field; the config is unchanged.
   * @example
   * ```ts
   * config.applyRemoteConfig({ schemaVersion: 1, minVersion: "1.2.0", offlineSyncInterval: 60000 });
   * ```
   */
  applyRemoteConfig(payload: RemoteConfigPayload): RemoteConfigResult {
    const check = createValidator("MobileAppConfig.applyRemoteConfig");
    if (!check.object("payload", payload)) check.done();
    const { schemaVersion, ...fields } = payload;
    if (!check.number("payload.schemaVersion", schemaVersion, { integer: true, min: 1 })) check.done();
    if (schemaVersion > this.#remoteSchemaVersion) {
      throw new PelbiotError(
        "UNSUPPORTED",
        `Remote config schema version ${schemaVersion} is newer than this build understands (${this.#remoteSchemaVersion}); keeping the last good config.`,
        { details: { schemaVersion, supported: this.#remoteSchemaVersion } },
      );
    }
    for (const key of Object.keys(fields)) {
      if (!(OPTION_KEYS as readonly string[]).includes(key)) {
        check.fail(`payload.${key}`, `is not a remotely configurable option (${OPTION_KEYS.join(", ")})`);
      }
    }
    const merged: Record<string, unknown> = { ...this.#defaults, ...fields };
    if (fields.platforms !== undefined && typeof fields.platforms === "object" && fields.platforms !== null) {
      const localPlatforms = (this.#defaults.platforms ?? {}) as Record<string, unknown>;
      merged.platforms = { ...localPlatforms, ...fields.platforms };
    }
    const next = resolveOptions(merged, check, "payload.", schemaVersion);
    check.done();
    const previous = this.#current;
    const changed = OPTION_KEYS.filter((key) => JSON.stringify(previous[key]) !== JSON.stringify(next[key]));
    this.#current = next;
    return { schemaVersion, changed };
  }
}
