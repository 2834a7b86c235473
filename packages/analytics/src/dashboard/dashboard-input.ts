/** Checks of the plain arguments shared by the manager's methods: ids, tenant ids, names, versions. */
import type { Validator } from "@pelbiot/core";
import type { DashboardChanges, RenderDashboardOptions, UpdateOptions, WriteOptions } from "./dashboard-manager-types";

/** The tenant of a manager created without a `tenant` option. */
export const DEFAULT_TENANT = "default";

// No ":" in tenant ids: the tenant is part of a storage key, and one tenant's key must never prefix another's.
const TENANT_PATTERN = {
  regex: /^[A-Za-z0-9._-]+$/,
  description: "letters, digits, '.', '_' and '-' only",
};
/** One-line text: no control characters. */
export const LINE_PATTERN = { regex: /^\P{Cc}*$/u, description: "free of control characters" };
// Descriptions may span lines.
const TEXT_PATTERN = {
  regex: /^(?:[\t\n\r]|\P{Cc})*$/u,
  description: "free of control characters other than tabs and line breaks",
};

/** Checks a tenant id: 1–64 characters of letters, digits, `.`, `_`, `-`. */
export function checkTenantId(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { maxLength: 64, pattern: TENANT_PATTERN });
}

/** Checks a dashboard or widget id (1–200 characters; unknown ids are `NOT_FOUND` later, not malformed). */
export function checkId(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { maxLength: 200 });
}

/** Checks a dashboard name: 1–200 characters. */
export function checkName(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { maxLength: 200, pattern: LINE_PATTERN });
}

/** Checks a description: up to 2000 characters, may be empty. */
export function checkDescription(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { minLength: 0, maxLength: 2000, pattern: TEXT_PATTERN });
}

/** Checks an owner: a user id of 1–200 characters, or `null`. */
export function checkOwner(check: Validator, path: string, value: unknown): boolean {
  return value === null || check.string(path, value, { maxLength: 200, pattern: LINE_PATTERN });
}

/** Checks an expected version: a whole number from 1. */
export function checkVersion(check: Validator, path: string, value: unknown): value is number {
  return check.number(path, value, { integer: true, min: 1 });
}

/** Checks an options object against its accepted keys; `undefined` counts as `{}`. Returns whether it is an object. */
export function checkOptionsObject(
  check: Validator,
  path: string,
  value: unknown,
  accepted: readonly string[],
): boolean {
  if (value === undefined) return true;
  if (!check.object(path, value)) return false;
  // Unknown keys are reported, and the known ones are still checked, so one call lists every issue.
  check.knownKeys(path, value, accepted);
  return true;
}

const WRITE_OPTION_KEYS = ["expectedVersion"];

/** Checks the `{ expectedVersion }` options of a write, which may be absent. */
export function checkWriteOptions(check: Validator, options: WriteOptions | undefined): void {
  if (checkOptionsObject(check, "options", options, WRITE_OPTION_KEYS) && options?.expectedVersion !== undefined) {
    checkVersion(check, "options.expectedVersion", options.expectedVersion);
  }
}

/** Checks the arguments of `updateDashboard`, where the expected version is required. */
export function checkUpdateArguments(
  check: Validator,
  dashboardId: unknown,
  changes: DashboardChanges,
  options: UpdateOptions | undefined,
): void {
  checkId(check, "dashboardId", dashboardId);
  if (checkOptionsObject(check, "changes", changes, ["name", "description", "owner"])) {
    if (changes?.name !== undefined) checkName(check, "changes.name", changes.name);
    if (changes?.description !== undefined) checkDescription(check, "changes.description", changes.description);
    if (changes?.owner !== undefined) checkOwner(check, "changes.owner", changes.owner);
  }
  if (options === undefined) {
    check.fail("options", "must be { expectedVersion }: updates carry the version the caller last read");
  } else if (checkOptionsObject(check, "options", options, WRITE_OPTION_KEYS)) {
    checkVersion(check, "options.expectedVersion", options.expectedVersion);
  }
}

/** Checks the options of `renderDashboard`. */
export function checkRenderOptions(check: Validator, options: RenderDashboardOptions): void {
  if (!checkOptionsObject(check, "options", options, ["chartWidth", "chartHeight"])) return;
  if (options.chartWidth !== undefined) {
    check.number("options.chartWidth", options.chartWidth, { integer: true, min: 240, max: 2000 });
  }
  if (options.chartHeight !== undefined) {
    check.number("options.chartHeight", options.chartHeight, { integer: true, min: 120, max: 1000 });
  }
}
