/**
 * @module
 *
 * What the Chromium test and the size bench bundle: the package's universal entry exactly as published, plus the
 * core error class the page uses to check error codes.
 */
export { PelbiotError } from "@pelbiot/core";
export * from "../../src/index";
