/**
 * @module
 *
 * What the Chromium test bundles: the package's universal entry exactly as published, its device storage adapters,
 * the core conformance suite to run against them in the page, and the core error class the page uses to check codes.
 */
export { PelbiotError } from "@pelbiot/core";
export { storageAdapterContract } from "@pelbiot/core/testing";
export * from "../../src/index";
export * from "../../src/storage/index";
