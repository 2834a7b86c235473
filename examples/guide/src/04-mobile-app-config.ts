/**
 * Guide, "Module Details › 1. Mobile App Enhancement › Configuration"
 *
 * Runs as written (`offlineSyncInterval` is the documented alias of `offlineSyncIntervalMs`).
 */
import { MobileAppConfig } from "@pelbiot/mobile";

export const title = "Configuration";

export async function run() {
  const config = new MobileAppConfig({
    minVersion: "1.0.0",
    supportedLanguages: ["en", "es", "fr"],
    offlineSyncInterval: 30000,
    maxOfflineRecords: 10000,
  });

  return {
    oldApp: config.checkVersion("0.9.0").status,
    language: config.negotiateLanguage(["pt-BR", "fr-CA"]),
  };
}
