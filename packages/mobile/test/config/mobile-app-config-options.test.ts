import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { MobileAppConfig } from "../../src/config/mobile-app-config";

describe("MobileAppConfig options: the sync interval in milliseconds", () => {
  it("accepts offlineSyncIntervalMs and the guide's offlineSyncInterval as its alias", () => {
    const modern = new MobileAppConfig({ offlineSyncIntervalMs: 45_000 });
    const guide = new MobileAppConfig({ offlineSyncInterval: 45_000 });
    for (const config of [modern, guide]) {
      expect(config.offlineSyncIntervalMs).toBe(45_000);
      expect(config.offlineSyncInterval).toBe(45_000);
      expect(config.current).toMatchObject({ offlineSyncIntervalMs: 45_000, offlineSyncInterval: 45_000 });
    }
  });

  it("refuses both names at once, even with the same value", () => {
    expect(
      captureValidationIssues(
        () => new MobileAppConfig({ offlineSyncIntervalMs: 30_000, offlineSyncInterval: 30_000 }),
      ),
    ).toEqual([
      "options.offlineSyncInterval: is an alias of offlineSyncIntervalMs; give only one of offlineSyncIntervalMs and offlineSyncInterval",
    ]);
    const error = expectPelbiotError(
      () => new MobileAppConfig({ offlineSyncIntervalMs: 1, offlineSyncInterval: 1 }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/^Invalid input to MobileAppConfig constructor: /);
  });

  it("checks the range under the name that was given", () => {
    expect(captureValidationIssues(() => new MobileAppConfig({ offlineSyncIntervalMs: 999 }))).toEqual([
      "options.offlineSyncIntervalMs: must be at least 1000, got 999",
    ]);
    expect(captureValidationIssues(() => new MobileAppConfig({ offlineSyncInterval: 90_000_000 }))).toEqual([
      "options.offlineSyncInterval: must be at most 86400000, got 90000000",
    ]);
  });

  it("lets a remote config set the interval under either name over local options given under the other", () => {
    const config = new MobileAppConfig({ offlineSyncInterval: 30_000 });
    const result = config.applyRemoteConfig({ schemaVersion: 1, offlineSyncIntervalMs: 60_000 });
    expect(result.changed).toEqual(["offlineSyncIntervalMs", "offlineSyncInterval"]);
    expect(config.offlineSyncIntervalMs).toBe(60_000);
    config.applyRemoteConfig({ schemaVersion: 1, offlineSyncInterval: 90_000 });
    expect(config.offlineSyncIntervalMs).toBe(90_000);
    // A payload that stops sending the interval returns to the local one.
    config.applyRemoteConfig({ schemaVersion: 1 });
    expect(config.offlineSyncIntervalMs).toBe(30_000);
    expect(
      captureValidationIssues(() =>
        config.applyRemoteConfig({ schemaVersion: 1, offlineSyncIntervalMs: 5000, offlineSyncInterval: 5000 }),
      ),
    ).toEqual([
      "payload.offlineSyncInterval: is an alias of offlineSyncIntervalMs; give only one of offlineSyncIntervalMs and offlineSyncInterval",
    ]);
    expect(config.offlineSyncIntervalMs).toBe(30_000);
  });
});

describe("MobileAppConfig options: unknown keys", () => {
  it("names the accepted options and the nearest one for a typo, in the options, a platform and a payload", () => {
    expect(captureValidationIssues(() => new MobileAppConfig({ offlineSyncIntervall: 30_000 } as never))).toEqual([
      expect.stringMatching(
        /^options\.offlineSyncIntervall: "offlineSyncIntervall" is not a known option \(did you mean "offlineSyncInterval"\?\); accepted: minVersion, .*offlineSyncIntervalMs, .*remoteSchemaVersion$/,
      ),
    ]);
    expect(
      captureValidationIssues(
        () => new MobileAppConfig({ platforms: { ios: { minVersion: "1.0.0", suported: false } as never } }),
      ),
    ).toEqual([
      'options.platforms.ios.suported: "suported" is not a known option (did you mean "supported"?); accepted: minVersion, recommendedVersion, supported',
    ]);
    const config = new MobileAppConfig();
    expect(
      captureValidationIssues(() => config.applyRemoteConfig({ schemaVersion: 1, minVersoin: "1.0.0" } as never)),
    ).toEqual([expect.stringMatching(/^payload\.minVersoin: .*did you mean "minVersion"/)]);
  });

  it("reports the checks of its helpers under its own method names", () => {
    const config = new MobileAppConfig({ supportedLanguages: ["en", "fr"] });
    expect(() => config.negotiateLanguage(["fr", "@"])).toThrow(
      /^Invalid input to MobileAppConfig\.negotiateLanguage: requested\.1: /,
    );
    expect(() => config.resolveLanguage(7 as never)).toThrow(
      /^Invalid input to MobileAppConfig\.resolveLanguage: requested: /,
    );
    expect(() => config.checkTranslations({}, { type: "ordinals" as never })).toThrow(
      /^Invalid input to MobileAppConfig\.checkTranslations: options\.type: /,
    );
    expect(captureValidationIssues(() => config.checkTranslations({}, { typ: "ordinal" } as never))).toEqual([
      'options.typ: "typ" is not a known option (did you mean "type"?); accepted: expectedLocales, type',
    ]);
  });
});
