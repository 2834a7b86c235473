/**
 * @module @pelbiot/core/node
 *
 * Node.js-only parts of PELBIOT core: they use `node:fs` and `node:crypto`, so they live apart from the main entry,
 * which also runs in browsers and React Native.
 *
 * @example
 * ```ts
 * import { createFileStorage } from "@pelbiot/core/node";
 *
 * const storage = createFileStorage({ directory: "./data/pelbiot" });
 * ```
 */
export { createFileStorage } from "./file-storage";
export type { FileStorageOptions } from "./file-storage-options";
