import { createMemoryStorage, PelbiotError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { MobileAppConfig } from "../../src/config/mobile-app-config";
import { createRemoteConfigStore } from "../../src/storage/remote-config-store";

const defaults = {
  minVersion: "1.0.0",
  supportedLanguages: ["en", "es", "fr"],
  offlineSyncInterval: 30000,
  maxOfflineRecords: 10000,
};

describe("createRemoteConfigStore", () => {
  it("keeps the last good remote config across a restart", async () => {
    const storage = createMemoryStorage();
    const first = new MobileAppConfig(defaults);
    await createRemoteConfigStore(first, storage).apply({ schemaVersion: 1, minVersion: "1.3.0" });
    expect(first.checkVersion("1.2.0").status).not.toBe("ok");

    // The app restarts: a fresh config from the built-in defaults, then the saved payload.
    const restarted = new MobileAppConfig(defaults);
    expect(restarted.checkVersion("1.2.0").status).toBe("ok");
    const result = await createRemoteConfigStore(restarted, storage).restore();
    expect(result?.schemaVersion).toBe(1);
    expect(restarted.checkVersion("1.2.0").status).toBe(first.checkVersion("1.2.0").status);
  });

  it("saves nothing when the payload is invalid, and keeps the previous one", async () => {
    const storage = createMemoryStorage();
    const config = new MobileAppConfig(defaults);
    const remote = createRemoteConfigStore(config, storage);
    await remote.apply({ schemaVersion: 1, minVersion: "1.1.0" });
    const failure = await remote
      .apply({ schemaVersion: 1, minVersion: "not-a-version" })
      .catch((error: unknown) => error);
    expect(PelbiotError.is(failure, "VALIDATION_ERROR")).toBe(true);
    const restarted = new MobileAppConfig(defaults);
    await createRemoteConfigStore(restarted, storage).restore();
    expect(restarted.checkVersion("1.0.5").status).toBe(config.checkVersion("1.0.5").status);
  });

  it("drops a saved payload this build no longer understands, keeping the defaults", async () => {
    const storage = createMemoryStorage();
    await storage.setItem("pelbiot:remote-config", JSON.stringify({ schemaVersion: 99, minVersion: "9.0.0" }));
    const config = new MobileAppConfig(defaults);
    expect(await createRemoteConfigStore(config, storage).restore()).toBeNull();
    expect(await storage.getItem("pelbiot:remote-config")).toBeNull();
    await storage.setItem("pelbiot:remote-config", "{not json");
    expect(await createRemoteConfigStore(config, storage).restore()).toBeNull();
    expect(config.checkVersion("1.0.0").status).toBe("ok");
  });
});
