/**
 * @module @pelbiot/core/testing
 *
 * Test helpers for PELBIOT adapters, free of any test framework and of Node.js modules, so they run under any test
 * runner and in browsers.
 *
 * @example
 * ```ts
 * import { storageAdapterContract } from "@pelbiot/core/testing";
 *
 * for (const testCase of storageAdapterContract(() => createMyAdapter())) it(testCase.name, testCase.run);
 * ```
 */

export { captureValidationIssues, captureValidationIssuesAsync } from "./capture-validation-issues";
export { expectPelbiotError, expectPelbiotErrorAsync } from "./expect-pelbiot-error";
export { type StorageAdapterContractCase, storageAdapterContract } from "./storage-adapter-contract";
