/**
 * @module @pelbiot/mobile/storage
 *
 * Core `StorageAdapter`s for the places apps keep data on a device: IndexedDB (PWAs, browsers), Web Storage
 * (`localStorage`) and React Native's AsyncStorage. Each passes the conformance suite of `@pelbiot/core/testing`.
 */
export { type AsyncStorageAdapterOptions, type AsyncStorageLike, createAsyncStorageAdapter } from "./async-storage";
export { createIndexedDbStorage, type IndexedDbStorageOptions } from "./indexed-db-storage";
export {
  createRemoteConfigStore,
  type RemoteConfigStore,
  type RemoteConfigStoreOptions,
} from "./remote-config-store";
export { createWebStorageAdapter, type WebStorageAdapterOptions, type WebStorageLike } from "./web-storage";
