import { createValidator, PelbiotError } from "@pelbiot/core";
import type { SemVer } from "semver";
import compare from "semver/functions/compare.js";
import { samePath, withValidationContext } from "../internal/with-validation-context";
import {
  checkPluralCoverage,
  type PluralCoverageOptions,
  type PluralCoverageReport,
  type TranslationTable,
} from "./check-plural-coverage";
import {
  type MobileAppConfigOptions,
  mergeRemoteFields,
  PLATFORM_NAME,
  parseVersion,
  REMOTE_OPTION_KEYS,
  type RemoteConfigPayload,
  type ResolvedMobileAppConfig,
  resolveConfigFields,
  resolveMobileAppConfigOptions,
} from "./mobile-app-config-options";
import { type LanguageResolution, resolveLanguage } from "./negotiate-language";

export type {
  MobileAppConfigOptions,
  PlatformVersionPolicy,
  RemoteConfigPayload,
  ResolvedMobileAppConfig,
} from "./mobile-app-config-options";

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

/** The result of {@link MobileAppConfig.applyRemoteConfig}. */
export interface RemoteConfigResult {
  /** The schema version now in force. */
  readonly schemaVersion: number;
  /** Option names whose effective value changed. */
  readonly changed: readonly string[];
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
    const resolved = resolveMobileAppConfigOptions(options);
    this.#current = resolved.config;
    this.#defaults = resolved.defaults;
    this.#remoteSchemaVersion = resolved.remoteSchemaVersion;
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
  get offlineSyncIntervalMs(): number {
    return this.#current.offlineSyncIntervalMs;
  }

  /** The same as {@link MobileAppConfig.offlineSyncIntervalMs}, under the original guide's name. */
  get offlineSyncInterval(): number {
    return this.#current.offlineSyncIntervalMs;
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
    const { supportedLanguages, defaultLanguage } = this.#current;
    return withValidationContext("MobileAppConfig.negotiateLanguage", samePath, () =>
      resolveLanguage(requested, supportedLanguages, defaultLanguage),
    ).language;
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
    const { supportedLanguages, defaultLanguage } = this.#current;
    return withValidationContext("MobileAppConfig.resolveLanguage", samePath, () =>
      resolveLanguage(requested, supportedLanguages, defaultLanguage),
    );
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
    if (check.object("options", options)) check.knownKeys("options", options, ["expectedLocales", "type"]);
    check.done();
    return withValidationContext("MobileAppConfig.checkTranslations", samePath, () =>
      checkPluralCoverage(table, { expectedLocales: this.#current.supportedLanguages, ...options }),
    );
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
    check.knownKeys("payload", fields, REMOTE_OPTION_KEYS);
    const merged = mergeRemoteFields(this.#defaults, fields);
    const next = resolveConfigFields(merged, check, "payload.", schemaVersion);
    check.done();
    const previous = this.#current;
    const changed = REMOTE_OPTION_KEYS.filter((key) => JSON.stringify(previous[key]) !== JSON.stringify(next[key]));
    this.#current = next;
    return { schemaVersion, changed };
  }
}
