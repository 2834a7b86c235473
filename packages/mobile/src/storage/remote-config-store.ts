import { createJsonStore, createValidator, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import type { MobileAppConfig, RemoteConfigPayload, RemoteConfigResult } from "../config/mobile-app-config";

/** Options for {@link createRemoteConfigStore}. */
export interface RemoteConfigStoreOptions {
  /** Key under which the last good payload is kept. @default "pelbiot:remote-config" */
  key?: string;
}

/** Applies remote config to a {@link MobileAppConfig} and keeps the last good payload across app restarts. */
export interface RemoteConfigStore {
  /** Validates and applies `payload`, then saves it; an invalid payload changes neither the config nor the store. */
  apply(payload: RemoteConfigPayload): Promise<RemoteConfigResult>;
  /**
   * Re-applies the saved payload at start-up. A saved payload this build cannot use (newer schema, invalid after an
   * app update, unreadable) is removed and the built-in defaults stay.
   *
   * @returns What was applied, or `null` when nothing usable was saved.
   */
  restore(): Promise<RemoteConfigResult | null>;
}

/**
 * Persists a {@link MobileAppConfig}'s remote config in any core `StorageAdapter` (AsyncStorage, IndexedDB,
 * localStorage), so the last good server config is in force from the first frame after a restart.
 *
 * @param config - The app's config object.
 * @param storage - Where to keep the payload.
 * @param options - Storage key.
 * @returns `apply` and `restore`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a missing config or storage.
 * @example
 * ```ts
 * const remote = createRemoteConfigStore(config, createAsyncStorageAdapter(AsyncStorage));
 * await remote.restore(); // last good server config, if any
 * await remote.apply(await fetchRemoteConfig()); // validated, applied, saved
 * ```
 */
export function createRemoteConfigStore(
  config: MobileAppConfig,
  storage: StorageAdapter,
  options: RemoteConfigStoreOptions = {},
): RemoteConfigStore {
  const check = createValidator("createRemoteConfigStore");
  if (check.object("config", config)) check.fn("config.applyRemoteConfig", config.applyRemoteConfig);
  check.object("storage", storage);
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["key"]);
    if (options.key !== undefined) check.string("options.key", options.key);
  }
  check.done();
  const { key = "pelbiot:remote-config" } = options;
  const store = createJsonStore<RemoteConfigPayload>(storage);

  return {
    async apply(payload) {
      const result = config.applyRemoteConfig(payload);
      await store.set(key, payload);
      return result;
    },
    async restore() {
      let saved: RemoteConfigPayload | undefined;
      try {
        saved = await store.get(key);
      } catch (error) {
        if (!PelbiotError.is(error, "INTEGRITY_ERROR")) throw error;
      }
      if (saved === undefined) return null;
      try {
        return config.applyRemoteConfig(saved);
      } catch (error) {
        // The saved payload no longer fits this build: drop it rather than fail the app's start.
        if (!PelbiotError.is(error, "VALIDATION_ERROR") && !PelbiotError.is(error, "UNSUPPORTED")) throw error;
        await store.delete(key);
        return null;
      }
    },
  };
}
