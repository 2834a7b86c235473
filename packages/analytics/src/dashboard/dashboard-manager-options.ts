import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
} from "@pelbiot/core";
import { checkTenantId, DEFAULT_TENANT } from "./dashboard-input";
import type { DashboardDataSource } from "./dashboard-manager-types";

/** Options of {@link DashboardManager}. Every field is optional. */
export interface DashboardManagerOptions {
  /**
   * Where widgets read their numbers: usually an `AnalyticsDataCollector`. Without it, `getWidgetData` and
   * `renderDashboard` throw `CONFIGURATION_ERROR`; everything else works.
   * @default none
   */
  collector?: DashboardDataSource | undefined;
  /**
   * The tenant this manager works for. Every read and write is confined to it; another tenant's dashboards do not
   * exist for it (`NOT_FOUND`). Use {@link DashboardManager.forTenant} for a manager of another tenant over the same
   * storage. Letters, digits, `.`, `_` and `-`, 1–64 characters.
   * @default "default"
   */
  tenant?: string | undefined;
  /**
   * The most dashboards one tenant can have; one more is `LIMIT_EXCEEDED`.
   * @default 100
   */
  maxDashboards?: number | undefined;
  /**
   * The most widgets one dashboard can hold; one more is `LIMIT_EXCEEDED`.
   * @default 20
   */
  maxWidgetsPerDashboard?: number | undefined;
  /**
   * Where dashboards are kept. Each tenant's dashboards are one record, changed with compare-and-set, so limits and
   * version checks hold across processes that share the storage.
   * @default a private createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * Prepended to every storage key (`<keyPrefix>tenants:<tenant>`), so several managers can share one adapter.
   * @default "analytics:dashboards:"
   */
  keyPrefix?: string | undefined;
  /**
   * Timestamps of dashboards and widgets, and the "now" that widget time ranges end at.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * Receives a warning when a stored dashboard record is damaged or a widget's data cannot be computed while a
   * dashboard is rendered.
   * @default noopLogger
   */
  logger?: Logger | undefined;
}

/** Every option of {@link DashboardManagerOptions}, in documentation order. */
export const DASHBOARD_MANAGER_OPTION_KEYS = [
  "collector",
  "tenant",
  "maxDashboards",
  "maxWidgetsPerDashboard",
  "storage",
  "keyPrefix",
  "clock",
  "logger",
] as const satisfies ReadonlyArray<keyof DashboardManagerOptions>;

/** The constructor's options with every default applied. */
export interface ResolvedDashboardManagerOptions {
  /** Where widgets read their numbers: usually an `AnalyticsDataCollector`. */
  readonly collector: DashboardDataSource | undefined;
  /** The tenant this manager works for. */
  readonly tenant: string;
  /** The most dashboards one tenant can have; one more is `LIMIT_EXCEEDED`. */
  readonly maxDashboards: number;
  /** The most widgets one dashboard can hold; one more is `LIMIT_EXCEEDED`. */
  readonly maxWidgetsPerDashboard: number;
  /** Where dashboards are kept. */
  readonly storage: StorageAdapter;
  /** Prepended to every storage key (`<keyPrefix>tenants:<tenant>`), so several managers can share one adapter. */
  readonly keyPrefix: string;
  /** Timestamps of dashboards and widgets, and the "now" that widget time ranges end at. */
  readonly clock: Clock;
  /**
   * Receives a warning when a stored dashboard record is damaged or a widget's data cannot be computed while a
   * dashboard is rendered.
   */
  readonly logger: Logger;
}

const DEFAULTS = { maxDashboards: 100, maxWidgetsPerDashboard: 20, keyPrefix: "analytics:dashboards:" } as const;

/**
 * Validates the options of `new DashboardManager(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
 * keys and the nearest one for a typo).
 * @example
 * ```ts
 * resolveDashboardManagerOptions({ maxDashboards: 10 }).maxWidgetsPerDashboard; // 20
 * ```
 */
export function resolveDashboardManagerOptions(options: unknown): ResolvedDashboardManagerOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("DashboardManager constructor");
  if (!check.object("options", given)) check.done();
  const input = given as DashboardManagerOptions;
  check.knownKeys("options", given as Record<string, unknown>, DASHBOARD_MANAGER_OPTION_KEYS);
  if (input.collector !== undefined && check.object("options.collector", input.collector)) {
    check.fn("options.collector.getMetricStats", input.collector.getMetricStats);
  }
  if (input.tenant !== undefined) checkTenantId(check, "options.tenant", input.tenant);
  if (input.maxDashboards !== undefined) {
    check.number("options.maxDashboards", input.maxDashboards, { integer: true, min: 1, max: 100_000 });
  }
  if (input.maxWidgetsPerDashboard !== undefined) {
    check.number("options.maxWidgetsPerDashboard", input.maxWidgetsPerDashboard, { integer: true, min: 1, max: 1000 });
  }
  if (input.storage !== undefined) check.storage("options.storage", input.storage);
  if (input.keyPrefix !== undefined) {
    check.string("options.keyPrefix", input.keyPrefix, { minLength: 0, maxLength: 200 });
  }
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.logger !== undefined) check.logger("options.logger", input.logger);
  check.done();
  return Object.freeze({
    collector: input.collector,
    tenant: input.tenant ?? DEFAULT_TENANT,
    maxDashboards: input.maxDashboards ?? DEFAULTS.maxDashboards,
    maxWidgetsPerDashboard: input.maxWidgetsPerDashboard ?? DEFAULTS.maxWidgetsPerDashboard,
    storage: input.storage ?? createMemoryStorage(),
    keyPrefix: input.keyPrefix ?? DEFAULTS.keyPrefix,
    clock: input.clock ?? systemClock,
    logger: input.logger ?? noopLogger,
  });
}
