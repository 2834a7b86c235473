import { PelbiotError, PelbiotValidationError } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import fc from "fast-check";
import compare from "semver/functions/compare";
import { describe, expect, it } from "vitest";
import { MobileAppConfig } from "../../src/config/mobile-app-config";

const guideOptions = {
  minVersion: "1.0.0",
  supportedLanguages: ["en", "es", "fr"],
  offlineSyncInterval: 30000,
  maxOfflineRecords: 10000,
};

function issuesOf(action: () => unknown): string[] {
  return captureValidationIssues(action).map((line) => line.slice(0, line.indexOf(":")));
}

describe("MobileAppConfig construction", () => {
  it("accepts the guide's options and exposes them", () => {
    const config = new MobileAppConfig(guideOptions);
    expect(config.minVersion).toBe("1.0.0");
    expect(config.supportedLanguages).toEqual(["en", "es", "fr"]);
    expect(config.offlineSyncInterval).toBe(30000);
    expect(config.maxOfflineRecords).toBe(10000);
    expect(config.current.defaultLanguage).toBe("en");
    expect(config.current.schemaVersion).toBe(0);
    expect(Object.isFrozen(config.current)).toBe(true);
  });

  it("has defaults for everything", () => {
    const config = new MobileAppConfig();
    expect(config.current).toMatchObject({
      minVersion: "0.0.0",
      supportedLanguages: ["en"],
      offlineSyncInterval: 30000,
    });
  });

  it("canonicalises language tags", () => {
    const config = new MobileAppConfig({ supportedLanguages: ["EN-us", "zh-hant-tw"], defaultLanguage: "zh-HANT-tw" });
    expect(config.supportedLanguages).toEqual(["en-US", "zh-Hant-TW"]);
    expect(config.current.defaultLanguage).toBe("zh-Hant-TW");
  });

  it("reports every invalid option at once", () => {
    const paths = issuesOf(
      () =>
        new MobileAppConfig({
          minVersion: "1.0",
          recommendedVersion: "banana",
          blockedVersions: ["1.2.3", "x"],
          platforms: { IOS: { minVersion: "1.0.0" }, android: { minVersion: 3 as unknown as string } },
          supportedLanguages: ["en", "en", "@@", "qqq"],
          defaultLanguage: "de",
          offlineSyncInterval: 10,
          maxOfflineRecords: 2.5,
          colour: "red",
        } as never),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "options.minVersion",
        "options.recommendedVersion",
        "options.blockedVersions.1",
        "options.platforms.IOS",
        "options.platforms.android.minVersion",
        "options.supportedLanguages.1",
        "options.supportedLanguages.2",
        "options.supportedLanguages.3",
        "options.defaultLanguage",
        "options.offlineSyncInterval",
        "options.maxOfflineRecords",
        "options.colour",
      ]),
    );
  });

  it("says which polyfills to load on an engine without Intl.Locale (as on Hermes)", () => {
    const original = Intl.Locale;
    try {
      (Intl as { Locale?: unknown }).Locale = undefined;
      expect(() => new MobileAppConfig()).toThrow(/@formatjs\/intl-locale/);
      try {
        new MobileAppConfig();
      } catch (error) {
        expect(PelbiotError.is(error, "UNSUPPORTED")).toBe(true);
      }
    } finally {
      (Intl as { Locale?: unknown }).Locale = original;
    }
    expect(new MobileAppConfig().supportedLanguages).toEqual(["en"]);
  });

  it("rejects wrong option types and a recommended version below the minimum", () => {
    expect(issuesOf(() => new MobileAppConfig(null as never))).toEqual(["options"]);
    expect(issuesOf(() => new MobileAppConfig({ supportedLanguages: "en" as never }))).toEqual([
      "options.supportedLanguages",
    ]);
    expect(issuesOf(() => new MobileAppConfig({ minVersion: "2.0.0", recommendedVersion: "1.9.9" }))).toEqual([
      "options.recommendedVersion",
    ]);
    expect(issuesOf(() => new MobileAppConfig({ supportedLanguages: [] }))).toEqual(["options.supportedLanguages"]);
  });
});

describe("MobileAppConfig.checkVersion", () => {
  const config = new MobileAppConfig({
    minVersion: "1.0.0",
    recommendedVersion: "1.4.0",
    blockedVersions: ["1.2.1"],
    platforms: {
      ios: { minVersion: "1.1.0", recommendedVersion: "1.5.0" },
      android: { minVersion: "1.0.0" },
      windows: { minVersion: "1.0.0", supported: false },
    },
  });

  it.each([
    ["0.9.9", undefined, "force_update"],
    ["1.0.0-rc.1", undefined, "force_update"],
    ["1.0.0", undefined, "soft_update"],
    ["1.2.1", undefined, "force_update"],
    ["1.2.1+build.99", undefined, "force_update"],
    ["1.3.9", undefined, "soft_update"],
    ["1.4.0-beta.2", undefined, "soft_update"],
    ["1.4.0", undefined, "ok"],
    ["v1.4.0+20240101", undefined, "ok"],
    ["2.0.0", undefined, "ok"],
    ["1.0.5", "ios", "force_update"],
    ["1.4.9", "ios", "soft_update"],
    ["1.5.0", "ios", "ok"],
    ["1.0.5", "android", "ok"],
    ["9.9.9", "windows", "unsupported"],
    ["9.9.9", "web", "unsupported"],
  ] as const)("%s on %s → %s", (installed, platform, status) => {
    const result = config.checkVersion(installed, platform);
    expect(result.status).toBe(status);
    expect(result.reason.length).toBeGreaterThan(10);
  });

  it("reports the policy that applied", () => {
    expect(config.checkVersion("1.0.5", "ios")).toMatchObject({
      platform: "ios",
      minVersion: "1.1.0",
      recommendedVersion: "1.5.0",
    });
    expect(config.checkVersion("1.0.5+7")).toMatchObject({ platform: null, installed: "1.0.5+7", minVersion: "1.0.0" });
  });

  it("orders prereleases by semver precedence", () => {
    const strict = new MobileAppConfig({ minVersion: "2.0.0-beta.2" });
    expect(strict.checkVersion("2.0.0-beta.1").status).toBe("force_update");
    expect(strict.checkVersion("2.0.0-beta.10").status).toBe("ok");
    expect(strict.checkVersion("2.0.0-alpha.99").status).toBe("force_update");
    expect(strict.checkVersion("2.0.0").status).toBe("ok");
  });

  it("without a platform table any platform uses the global policy", () => {
    expect(new MobileAppConfig({ minVersion: "1.0.0" }).checkVersion("1.0.0", "web").status).toBe("ok");
  });

  it.each([["1.0"], ["1.0.0.0"], [""], ["latest"], ["01.2.3"]])("rejects the malformed version %j", (installed) => {
    expect(issuesOf(() => config.checkVersion(installed))).toEqual(["installed"]);
  });

  it("rejects wrong types and malformed platform names", () => {
    expect(issuesOf(() => config.checkVersion(100 as never, "iOS"))).toEqual(["installed", "platform"]);
  });

  it("the status is monotone in the installed version (property)", () => {
    const rank = { unsupported: -1, force_update: 0, soft_update: 1, ok: 2 } as const;
    const simple = new MobileAppConfig({ minVersion: "1.2.0", recommendedVersion: "1.5.0" });
    const version = fc
      .tuple(fc.nat(3), fc.nat(9), fc.nat(9), fc.constantFrom("", "-alpha.1", "-rc.2", "+build.5"))
      .map(([major, minor, patch, suffix]) => `${major}.${minor}.${patch}${suffix}`);
    fc.assert(
      fc.property(version, version, (left, right) => {
        const [low, high] = compare(left, right) <= 0 ? [left, right] : [right, left];
        expect(rank[simple.checkVersion(high).status]).toBeGreaterThanOrEqual(rank[simple.checkVersion(low).status]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("MobileAppConfig languages", () => {
  const config = new MobileAppConfig(guideOptions);

  it("negotiates the guide's example", () => {
    expect(config.negotiateLanguage(["pt-BR", "fr-CA"])).toBe("fr");
    expect(config.negotiateLanguage("es-419")).toBe("es");
    expect(config.negotiateLanguage(["de-DE"])).toBe("en");
    expect(config.negotiateLanguage([])).toBe("en");
  });

  it("resolves direction, fallback chain and plural categories", () => {
    const rich = new MobileAppConfig({ supportedLanguages: ["en", "ar", "pt", "pt-PT", "zh-Hant", "zh-Hans"] });
    expect(rich.resolveLanguage("ar-EG")).toMatchObject({
      language: "ar",
      rtl: true,
      direction: "rtl",
      fallbackChain: ["ar", "en"],
      pluralCategories: ["zero", "one", "two", "few", "many", "other"],
    });
    expect(rich.resolveLanguage("pt-PT")).toMatchObject({ language: "pt-PT", fallbackChain: ["pt-PT", "pt", "en"] });
    expect(rich.resolveLanguage("pt-BR").language).toBe("pt");
    expect(rich.resolveLanguage("zh-TW").language).toBe("zh-Hant");
    expect(rich.resolveLanguage("zh-CN").language).toBe("zh-Hans");
    expect(rich.resolveLanguage("ja")).toMatchObject({
      language: "en",
      isDefault: true,
      matchedFrom: null,
      rtl: false,
    });
  });

  it("rejects malformed requested tags, listing each", () => {
    expect(issuesOf(() => config.negotiateLanguage(["en", "@@", 7 as never]))).toEqual(["requested.1", "requested.2"]);
    expect(issuesOf(() => config.negotiateLanguage({} as never))).toEqual(["requested"]);
  });

  it("checks translations against the supported languages", () => {
    const report = config.checkTranslations({
      en: { files: { one: "# file", other: "# files" }, title: "Files" },
      fr: { files: { one: "# fichier", other: "# fichiers" } },
    });
    // French also needs "many" (1 000 000 de fichiers) in current CLDR.
    expect(report.complete).toBe(false);
    expect(report.missingLocales).toEqual(["es"]);
    expect(report.gaps).toEqual([{ locale: "fr", key: "files", missing: ["many"] }]);
  });

  it("negotiation always returns a supported language (property)", () => {
    const tags = ["en", "en-GB", "es", "es-MX", "fr", "fr-CA", "pt-BR", "de", "ar", "zh-Hant-TW", "sr-Latn", "ja"];
    fc.assert(
      fc.property(
        fc.subarray(tags, { minLength: 1 }),
        fc.array(fc.constantFrom(...tags), { maxLength: 5 }),
        (supported, requested) => {
          const local = new MobileAppConfig({ supportedLanguages: supported });
          const resolution = local.resolveLanguage(requested);
          expect(local.supportedLanguages).toContain(resolution.language);
          for (const language of resolution.fallbackChain) expect(local.supportedLanguages).toContain(language);
          if (requested.some((tag) => local.supportedLanguages.includes(tag))) expect(resolution.isDefault).toBe(false);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe("MobileAppConfig.applyRemoteConfig", () => {
  it("merges a server config over the defaults and reports what changed", () => {
    const config = new MobileAppConfig({ ...guideOptions, platforms: { ios: { minVersion: "1.0.0" } } });
    const result = config.applyRemoteConfig({
      schemaVersion: 1,
      minVersion: "1.2.0",
      offlineSyncInterval: 60000,
      platforms: { android: { minVersion: "1.1.0" } },
    });
    expect(result).toEqual({
      schemaVersion: 1,
      changed: ["minVersion", "recommendedVersion", "platforms", "offlineSyncIntervalMs", "offlineSyncInterval"],
    });
    expect(config.current).toMatchObject({
      minVersion: "1.2.0",
      offlineSyncInterval: 60000,
      maxOfflineRecords: 10000,
      schemaVersion: 1,
    });
    expect(Object.keys(config.current.platforms)).toEqual(["ios", "android"]);
    expect(config.checkVersion("1.1.5").status).toBe("force_update");
    // A later payload replaces the earlier one: fields it omits return to the local defaults.
    config.applyRemoteConfig({ schemaVersion: 1, maxOfflineRecords: 500 });
    expect(config.current).toMatchObject({ minVersion: "1.0.0", offlineSyncInterval: 30000, maxOfflineRecords: 500 });
  });

  it("refuses an invalid payload, listing every issue, and keeps the last good config", () => {
    const config = new MobileAppConfig(guideOptions);
    config.applyRemoteConfig({ schemaVersion: 1, minVersion: "1.1.0" });
    const before = config.current;
    const paths = issuesOf(() =>
      config.applyRemoteConfig({
        schemaVersion: 1,
        minVersion: "one",
        supportedLanguages: ["en", "!!"],
        maxOfflineRecords: -5,
        remoteSchemaVersion: 9,
      } as never),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "payload.minVersion",
        "payload.supportedLanguages.1",
        "payload.maxOfflineRecords",
        "payload.remoteSchemaVersion",
      ]),
    );
    expect(config.current).toBe(before);
    expect(config.minVersion).toBe("1.1.0");
  });

  it("keeps its own copy of the defaults, so later changes to the caller's arrays do not leak in", () => {
    const languages = ["en", "es"];
    const config = new MobileAppConfig({ supportedLanguages: languages });
    languages.push("@@");
    config.applyRemoteConfig({ schemaVersion: 1, maxOfflineRecords: 5 });
    expect(config.supportedLanguages).toEqual(["en", "es"]);
    expect(() => config.checkTranslations({}, 5 as never)).toThrow(PelbiotValidationError);
  });

  it("refuses a newer schema with UNSUPPORTED and a missing one with VALIDATION_ERROR", () => {
    const config = new MobileAppConfig({ ...guideOptions, remoteSchemaVersion: 2 });
    const before = config.current;
    expect(config.applyRemoteConfig({ schemaVersion: 2, minVersion: "1.0.1" }).schemaVersion).toBe(2);
    const applied = config.current;
    try {
      config.applyRemoteConfig({ schemaVersion: 3, minVersion: "9.0.0" });
      expect.unreachable();
    } catch (error) {
      expect(PelbiotError.is(error, "UNSUPPORTED")).toBe(true);
      expect((error as Error).message).toContain("newer than this build understands");
    }
    expect(issuesOf(() => config.applyRemoteConfig({ minVersion: "1.0.0" } as never))).toEqual([
      "payload.schemaVersion",
    ]);
    expect(issuesOf(() => config.applyRemoteConfig("{}" as never))).toEqual(["payload"]);
    expect(config.current).toBe(applied);
    expect(before).not.toBe(applied);
  });
});
