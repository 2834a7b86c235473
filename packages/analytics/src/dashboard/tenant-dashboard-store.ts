/**
 * One tenant's dashboards in storage. A store is built for exactly one tenant and only ever touches that tenant's
 * record, so no method of a manager can reach another tenant's dashboards: isolation holds by construction.
 */
import {
  createJsonStore,
  type JsonStore,
  type Logger,
  PelbiotError,
  type StorageAdapter,
  toPelbiotError,
} from "@pelbiot/core";
import type { Dashboard } from "./dashboard-manager-types";

/** The stored record of a tenant: every dashboard, oldest first. */
interface TenantRecord {
  readonly tenant: string;
  readonly dashboards: readonly Dashboard[];
}

/** What a change returns: the tenant's new dashboards and the caller's result. */
export interface TenantChange<T> {
  readonly dashboards: readonly Dashboard[];
  readonly result: T;
}

/** Reads and changes the dashboards of one tenant. */
export class TenantDashboardStore {
  readonly tenant: string;
  readonly #store: JsonStore<TenantRecord>;
  readonly #logger: Logger;

  constructor(storage: StorageAdapter, keyPrefix: string, tenant: string, logger: Logger) {
    this.tenant = tenant;
    this.#logger = logger;
    this.#store = createJsonStore<TenantRecord>(storage, { prefix: `${keyPrefix}tenants:` });
  }

  /** The tenant's dashboards, oldest first. */
  async read(): Promise<readonly Dashboard[]> {
    return this.#guard(async () => this.#dashboardsOf(await this.#store.get(this.tenant)));
  }

  /**
   * Applies `change` to the tenant's dashboards atomically (compare-and-set, re-run on the fresh record when another
   * writer won). `change` must be pure: it may run more than once. A `PelbiotError` it throws leaves storage as it
   * was and reaches the caller unchanged.
   */
  async change<T>(change: (dashboards: readonly Dashboard[]) => TenantChange<T>): Promise<T> {
    let result: T | undefined;
    await this.#guard(() =>
      this.#store.update(this.tenant, (record) => {
        const outcome = change(this.#dashboardsOf(record));
        result = outcome.result;
        return { tenant: this.tenant, dashboards: outcome.dashboards };
      }),
    );
    return result as T;
  }

  #dashboardsOf(record: TenantRecord | undefined): readonly Dashboard[] {
    if (record === undefined) return [];
    // A record under this tenant's key that names another tenant was written by something else: never serve it.
    if (record.tenant !== this.tenant || !Array.isArray(record.dashboards)) {
      throw new PelbiotError(
        "INTEGRITY_ERROR",
        `The dashboards record of tenant ${JSON.stringify(this.tenant)} is damaged or belongs to another tenant; ` +
          "restore it from an export.",
        { details: { key: `${this.#store.prefix}${this.tenant}` } },
      );
    }
    return record.dashboards;
  }

  async #guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const wrapped = toPelbiotError(error, "STORAGE_ERROR");
      // Damage needs an operator (restore from an export); the caller only sees the error.
      if (wrapped.code === "INTEGRITY_ERROR") {
        this.#logger.warn("dashboards: the stored record of a tenant is damaged", {
          tenant: this.tenant,
          key: `${this.#store.prefix}${this.tenant}`,
          error: wrapped.message,
        });
      }
      throw wrapped;
    }
  }
}
