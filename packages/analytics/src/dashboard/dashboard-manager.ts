import {
  createValidator,
  PelbiotError,
  TypedEventEmitter,
  toPelbiotError,
  uuidv7,
  type Validator,
} from "@pelbiot/core";
import {
  appendDashboard,
  appendWidget,
  assertLimit,
  findDashboard,
  findWidget,
  newDashboard,
  reconfigureWidget,
  reviseDashboard,
} from "./dashboard-changes";
import { type DashboardExport, readDashboardImport, toDashboardExport } from "./dashboard-export";
import {
  checkDescription,
  checkId,
  checkName,
  checkOptionsObject,
  checkOwner,
  checkRenderOptions,
  checkTenantId,
  checkUpdateArguments,
  checkWriteOptions,
} from "./dashboard-input";
import {
  type DashboardManagerOptions,
  type ResolvedDashboardManagerOptions,
  resolveDashboardManagerOptions,
} from "./dashboard-manager-options";
import type {
  Dashboard,
  DashboardChanges,
  DashboardDataSource,
  DashboardManagerEvents,
  ImportDashboardOptions,
  ListDashboardsFilter,
  RenderDashboardOptions,
  UpdateOptions,
  Widget,
  WidgetConfigByType,
  WidgetConfigChanges,
  WidgetData,
  WidgetOf,
  WidgetType,
  WriteOptions,
} from "./dashboard-manager-types";
import { renderDashboardHtml, type WidgetOutcome } from "./render-dashboard-html";
import { TenantDashboardStore } from "./tenant-dashboard-store";
import { checkWidgetConfig, WIDGET_TYPES } from "./widget-config";
import { computeWidgetData } from "./widget-data";

export type { DashboardExport } from "./dashboard-export";
export type { DashboardManagerOptions } from "./dashboard-manager-options";
// Every public type of the manager, so callers can import them next to the class.
export type * from "./dashboard-manager-types";

/**
 * Dashboards of widgets (`chart`, `stat`, `table`, `gauge`) over the metrics of an `AnalyticsDataCollector`, kept in
 * a core `StorageAdapter`, confined to one tenant, with version checks for concurrent editors, per-widget data, a
 * self-contained HTML rendering and versioned JSON export and import.
 *
 * **Events.** `dashboard_created`, `dashboard_updated`, `dashboard_deleted`, `widget_added`, `widget_updated` and
 * `widget_removed` are emitted after the change is in storage, never for a rejected or failed write.
 *
 * Storage is asynchronous, so every method but {@link DashboardManager.forTenant} returns a promise: write `await`
 * before the guide's calls.
 *
 * **Tenancy.** A manager works for one tenant (`options.tenant`, `"default"` when absent) and cannot name another:
 * its reads and writes go to that tenant's storage record only, and another tenant's dashboard ids are `NOT_FOUND`.
 * `forTenant(id)` returns a manager for another tenant over the same storage and collector.
 *
 * @example
 * ```ts
 * const collector = new AnalyticsDataCollector();
 * collector.recordMetric("total_revenue", 120);
 * const dashboards = new DashboardManager({ collector });
 * const dashboard = await dashboards.createDashboard("Sales Dashboard", "Real-time sales metrics", "user-1");
 * await dashboards.addWidgetToDashboard(dashboard.id, "chart", { title: "Revenue", metric: "total_revenue", timeRange: "24h" });
 * const retrieved = await dashboards.getDashboard(dashboard.id);
 * const html = await dashboards.renderDashboard(dashboard.id);
 * ```
 */
export class DashboardManager extends TypedEventEmitter<DashboardManagerEvents> {
  readonly #options: ResolvedDashboardManagerOptions;
  readonly #store: TenantDashboardStore;

  /**
   * Creates a manager for one tenant.
   *
   * @param options - `collector`, `tenant`, `maxDashboards` (100), `maxWidgetsPerDashboard` (20) and the ports
   * `storage`, `keyPrefix`, `clock`, `logger`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
   */
  constructor(options: DashboardManagerOptions = {}) {
    super();
    this.#options = resolveDashboardManagerOptions(options);
    const { storage, keyPrefix, tenant, logger } = this.#options;
    this.#store = new TenantDashboardStore(storage, keyPrefix, tenant, logger);
  }

  /** The tenant this manager reads and writes. */
  get tenant(): string {
    return this.#options.tenant;
  }

  /**
   * A manager for another tenant with the same storage, collector, limits and clock. The limits apply per tenant.
   *
   * @param tenant - The tenant id: letters, digits, `.`, `_`, `-`, 1–64 characters.
   * @returns A new manager bound to `tenant`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed tenant id.
   * @example
   * ```ts
   * const acme = dashboards.forTenant("acme");
   * await acme.listDashboards(); // acme's dashboards only
   * ```
   */
  forTenant(tenant: string): DashboardManager {
    this.#validate("forTenant", (check) => checkTenantId(check, "tenant", tenant));
    return new DashboardManager({ ...this.#options, tenant });
  }

  /**
   * Creates an empty dashboard at version 1.
   *
   * @param name - 1–200 characters.
   * @param description - Up to 2000 characters.
   * @param owner - The creating user's id, or `null`.
   * @returns The new dashboard.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument.
   * @throws {PelbiotError} LIMIT_EXCEEDED `{ limit, got }` when the tenant already has `maxDashboards`.
   * @example
   * ```ts
   * const dashboard = await dashboards.createDashboard("Sales Dashboard", "Real-time sales metrics", "user-1");
   * ```
   */
  async createDashboard(name: string, description = "", owner: string | null = null): Promise<Dashboard> {
    this.#validate("createDashboard", (check) => {
      checkName(check, "name", name);
      checkDescription(check, "description", description);
      checkOwner(check, "owner", owner);
    });
    const now = this.#now();
    const fields = { id: this.#newId(), tenant: this.tenant, name, description, owner, widgets: [] };
    const dashboard = newDashboard(fields, now);
    const created = await this.#store.change((dashboards) =>
      appendDashboard(dashboards, dashboard, this.#options.maxDashboards, "createDashboard"),
    );
    this.emit("dashboard_created", { tenant: this.tenant, dashboard: created, source: "create" });
    return created;
  }

  /**
   * Reads one dashboard with its widgets.
   *
   * @param dashboardId - The dashboard's id.
   * @returns The dashboard.
   * @throws {PelbiotError} NOT_FOUND `{ id }` when this tenant has no dashboard with that id.
   * @example
   * ```ts
   * const retrieved = await dashboards.getDashboard(dashboard.id);
   * ```
   */
  async getDashboard(dashboardId: string): Promise<Dashboard> {
    this.#validate("getDashboard", (check) => checkId(check, "dashboardId", dashboardId));
    return findDashboard(await this.#store.read(), dashboardId, "getDashboard");
  }

  /**
   * Lists this tenant's dashboards, oldest first.
   *
   * @param filter - `owner`: only that user's dashboards.
   * @returns The dashboards.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed filter.
   * @example
   * ```ts
   * const mine = await dashboards.listDashboards({ owner: "user-1" });
   * ```
   */
  async listDashboards(filter: ListDashboardsFilter = {}): Promise<Dashboard[]> {
    this.#validate("listDashboards", (check) => {
      if (checkOptionsObject(check, "filter", filter, ["owner"]) && filter.owner !== undefined) {
        checkOwner(check, "filter.owner", filter.owner);
      }
    });
    const dashboards = await this.#store.read();
    return dashboards.filter((dashboard) => filter.owner === undefined || dashboard.owner === filter.owner);
  }

  /**
   * Changes a dashboard's name, description or owner, if it is still at the version the caller read.
   *
   * @param dashboardId - The dashboard's id.
   * @param changes - The fields to change; absent ones stay.
   * @param options - `expectedVersion`: the version the caller last read (required).
   * @returns The dashboard at its new version.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument.
   * @throws {PelbiotError} NOT_FOUND `{ id }`; CONFLICT when the dashboard is at another version.
   * @example
   * ```ts
   * const renamed = await dashboards.updateDashboard(dashboard.id, { name: "Sales" }, { expectedVersion: dashboard.version });
   * ```
   */
  async updateDashboard(dashboardId: string, changes: DashboardChanges, options: UpdateOptions): Promise<Dashboard> {
    this.#validate("updateDashboard", (check) => checkUpdateArguments(check, dashboardId, changes, options));
    const { name, description, owner } = changes ?? {};
    const now = this.#now();
    const updated = await this.#store.change((dashboards) =>
      reviseDashboard(dashboards, dashboardId, {
        method: "updateDashboard",
        expectedVersion: options.expectedVersion,
        now,
        next: (current) => ({
          ...current,
          name: name ?? current.name,
          description: description ?? current.description,
          owner: owner === undefined ? current.owner : owner,
        }),
      }),
    );
    this.emit("dashboard_updated", { tenant: this.tenant, dashboard: updated });
    return updated;
  }

  /**
   * Deletes a dashboard and its widgets.
   *
   * @param dashboardId - The dashboard's id.
   * @param options - `expectedVersion`, to delete only the version the caller saw.
   * @returns Nothing.
   * @throws {PelbiotError} NOT_FOUND `{ id }`; CONFLICT when `expectedVersion` is stale.
   * @example
   * ```ts
   * await dashboards.deleteDashboard(dashboard.id);
   * ```
   */
  async deleteDashboard(dashboardId: string, options: WriteOptions = {}): Promise<void> {
    this.#validate("deleteDashboard", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkWriteOptions(check, options);
    });
    await this.#store.change((dashboards) => {
      const { dashboards: next } = reviseDashboard(dashboards, dashboardId, {
        method: "deleteDashboard",
        expectedVersion: options.expectedVersion,
        now: 0,
        next: (current) => current,
      });
      return { dashboards: next.filter((dashboard) => dashboard.id !== dashboardId), result: undefined };
    });
    this.emit("dashboard_deleted", { tenant: this.tenant, dashboardId });
  }

  /**
   * Adds a widget; its config is checked by the rules of its type (see the README's widget table).
   *
   * @param dashboardId - The dashboard's id.
   * @param type - `chart`, `stat`, `table` or `gauge`.
   * @param config - `title`, `metric`, `timeRange` (`15m`, `24h`, `7d`…) and the type's own fields.
   * @param options - `expectedVersion`, to add only to the version the caller saw.
   * @returns The widget with its id and resolved config (every default applied).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for an unknown type or a malformed config.
   * @throws {PelbiotError} NOT_FOUND `{ id }`; LIMIT_EXCEEDED `{ limit, got }` past `maxWidgetsPerDashboard`;
   * CONFLICT when `expectedVersion` is stale.
   * @example
   * ```ts
   * await dashboards.addWidgetToDashboard(dashboard.id, "chart", { title: "Revenue", metric: "total_revenue", timeRange: "24h" });
   * ```
   */
  async addWidgetToDashboard<Type extends WidgetType>(
    dashboardId: string,
    type: Type,
    config: WidgetConfigByType[Type],
    options: WriteOptions = {},
  ): Promise<WidgetOf<Type>> {
    const resolved = this.#validate("addWidgetToDashboard", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkWriteOptions(check, options);
      if (!check.oneOf("type", type, WIDGET_TYPES)) return undefined;
      return checkWidgetConfig(check, "config", type, config);
    });
    const now = this.#now();
    const widget = { id: this.#newId(), type, config: resolved, createdAt: now, updatedAt: now };
    const { maxWidgetsPerDashboard } = this.#options;
    const revised = await this.#store.change((dashboards) =>
      reviseDashboard(dashboards, dashboardId, {
        method: "addWidgetToDashboard",
        expectedVersion: options.expectedVersion,
        now,
        next: (current) => appendWidget(current, widget as Widget, maxWidgetsPerDashboard),
      }),
    );
    this.emit("widget_added", { tenant: this.tenant, dashboardId, version: revised.version, widget: widget as Widget });
    return widget as WidgetOf<Type>;
  }

  /**
   * Changes a widget's config: the changes are merged into the current config and the result is checked by the
   * rules of the widget's type. A chart whose `timeRange` changes without an `interval` gets the default interval
   * of the new range.
   *
   * @param dashboardId - The dashboard's id.
   * @param widgetId - The widget's id.
   * @param changes - Config fields to change; `null` resets an optional field to its default.
   * @param options - `expectedVersion` of the dashboard.
   * @returns The changed widget.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the merged config is malformed.
   * @throws {PelbiotError} NOT_FOUND `{ id }` for an unknown dashboard or widget; CONFLICT when `expectedVersion` is
   * stale.
   * @example
   * ```ts
   * await dashboards.updateWidget(dashboard.id, widget.id, { timeRange: "7d" });
   * ```
   */
  async updateWidget(
    dashboardId: string,
    widgetId: string,
    changes: WidgetConfigChanges,
    options: WriteOptions = {},
  ): Promise<Widget> {
    this.#validate("updateWidget", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkId(check, "widgetId", widgetId);
      check.object("changes", changes);
      checkWriteOptions(check, options);
    });
    const now = this.#now();
    let updated: Widget | undefined;
    const revised = await this.#store.change((dashboards) =>
      reviseDashboard(dashboards, dashboardId, {
        method: "updateWidget",
        expectedVersion: options.expectedVersion,
        now,
        next: (current) => {
          const result = reconfigureWidget(current, widgetId, changes, now);
          updated = result.widget;
          return result.dashboard;
        },
      }),
    );
    const widget = updated as Widget;
    this.emit("widget_updated", { tenant: this.tenant, dashboardId, version: revised.version, widget });
    return widget;
  }

  /**
   * Removes a widget from a dashboard.
   *
   * @param dashboardId - The dashboard's id.
   * @param widgetId - The widget's id.
   * @param options - `expectedVersion` of the dashboard.
   * @returns The dashboard at its new version.
   * @throws {PelbiotError} NOT_FOUND `{ id }` for an unknown dashboard or widget; CONFLICT when `expectedVersion` is
   * stale.
   * @example
   * ```ts
   * await dashboards.removeWidgetFromDashboard(dashboard.id, widget.id);
   * ```
   */
  async removeWidgetFromDashboard(
    dashboardId: string,
    widgetId: string,
    options: WriteOptions = {},
  ): Promise<Dashboard> {
    this.#validate("removeWidgetFromDashboard", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkId(check, "widgetId", widgetId);
      checkWriteOptions(check, options);
    });
    const revised = await this.#store.change((dashboards) =>
      reviseDashboard(dashboards, dashboardId, {
        method: "removeWidgetFromDashboard",
        expectedVersion: options.expectedVersion,
        now: this.#now(),
        next: (current) => {
          findWidget(current, widgetId, "removeWidgetFromDashboard");
          return { ...current, widgets: current.widgets.filter((widget) => widget.id !== widgetId) };
        },
      }),
    );
    this.emit("widget_removed", { tenant: this.tenant, dashboardId, version: revised.version, widgetId });
    return revised;
  }

  /**
   * Computes a widget's data from the collector for its time range ending now: a chart's lines (one point per
   * interval, on multiples of it), a stat's or gauge's value and threshold status, a table's rows.
   *
   * @param dashboardId - The dashboard's id.
   * @param widgetId - The widget's id.
   * @returns The data, discriminated by `type`.
   * @throws {PelbiotError} NOT_FOUND `{ id }`; CONFIGURATION_ERROR when the manager has no `collector`.
   * @example
   * ```ts
   * const data = await dashboards.getWidgetData(dashboard.id, widget.id);
   * if (data.type === "stat") console.log(data.value, data.status);
   * ```
   */
  async getWidgetData(dashboardId: string, widgetId: string): Promise<WidgetData> {
    this.#validate("getWidgetData", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkId(check, "widgetId", widgetId);
    });
    const source = this.#requireCollector("getWidgetData");
    const dashboard = findDashboard(await this.#store.read(), dashboardId, "getWidgetData");
    const widget = findWidget(dashboard, widgetId, "getWidgetData");
    return this.#guard(() => computeWidgetData(source, widget, this.#now()));
  }

  /**
   * Renders a dashboard as one self-contained HTML page: inline CSS and SVG (charts laid out with d3-scale and
   * d3-shape), no script and no external resource, so it can be e-mailed, saved or embedded as it is.
   *
   * A widget whose data cannot be computed (its metric is rejected by the collector, or the data source throws)
   * does not fail the page: it is drawn with an inline error panel holding the escaped error code and message
   * (its `<section>` carries `data-widget-error="<code>"`), the failure goes to the logger as a warning, and the
   * other widgets render as usual. `getWidgetData` still throws for that widget.
   *
   * @param dashboardId - The dashboard's id.
   * @param options - `chartWidth` (560) and `chartHeight` (220) in CSS pixels.
   * @returns The HTML text.
   * @throws {PelbiotError} NOT_FOUND `{ id }`; CONFIGURATION_ERROR when the manager has no `collector`.
   * @example
   * ```ts
   * const html = await dashboards.renderDashboard(dashboard.id);
   * ```
   */
  async renderDashboard(dashboardId: string, options: RenderDashboardOptions = {}): Promise<string> {
    this.#validate("renderDashboard", (check) => {
      checkId(check, "dashboardId", dashboardId);
      checkRenderOptions(check, options);
    });
    const source = this.#requireCollector("renderDashboard");
    const dashboard = findDashboard(await this.#store.read(), dashboardId, "renderDashboard");
    const now = this.#now();
    const widgets = dashboard.widgets.map((widget) => this.#widgetOutcome(source, dashboard.id, widget, now));
    return this.#guard(() =>
      renderDashboardHtml({
        dashboard,
        widgets,
        generatedAt: now,
        chartWidth: options.chartWidth ?? 560,
        chartHeight: options.chartHeight ?? 220,
      }),
    );
  }

  /**
   * Exports a dashboard as versioned JSON (`format: "pelbiot.analytics.Dashboard"`), for backups or another
   * installation; `JSON.stringify` it to save.
   *
   * @param dashboardId - The dashboard's id.
   * @returns The export.
   * @throws {PelbiotError} NOT_FOUND `{ id }`.
   * @example
   * ```ts
   * const text = JSON.stringify(await dashboards.exportDashboard(dashboard.id));
   * ```
   */
  async exportDashboard(dashboardId: string): Promise<DashboardExport> {
    this.#validate("exportDashboard", (check) => checkId(check, "dashboardId", dashboardId));
    const dashboard = findDashboard(await this.#store.read(), dashboardId, "exportDashboard");
    return toDashboardExport(dashboard, this.#now());
  }

  /**
   * Imports an exported dashboard as a new dashboard of this tenant (a new id, version 1; widgets keep their ids
   * and configs). Every field is validated by the same rules as the other methods.
   *
   * @param json - The export object or its JSON text.
   * @param options - `owner` of the copy; `allowTenantChange` to accept an export from another tenant.
   * @returns The new dashboard.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format, a malformed field, or an export from
   * another tenant without `allowTenantChange`.
   * @throws {PelbiotError} UNSUPPORTED for an export from a newer release; LIMIT_EXCEEDED `{ limit, got }` past
   * `maxDashboards` or `maxWidgetsPerDashboard`.
   * @example
   * ```ts
   * const copy = await dashboards.importDashboard(text);
   * ```
   */
  async importDashboard(json: unknown, options: ImportDashboardOptions = {}): Promise<Dashboard> {
    const imported = this.#validate("importDashboard", (check) =>
      readDashboardImport(check, json, options, this.tenant),
    );
    const { maxDashboards, maxWidgetsPerDashboard } = this.#options;
    assertLimit(
      imported.widgets.length,
      maxWidgetsPerDashboard,
      "widgets",
      "maxWidgetsPerDashboard",
      "importDashboard",
    );
    const now = this.#now();
    const owner = options.owner === undefined ? imported.owner : options.owner;
    const dashboard = newDashboard({ ...imported, id: this.#newId(), tenant: this.tenant, owner }, now);
    const created = await this.#store.change((dashboards) =>
      appendDashboard(dashboards, dashboard, maxDashboards, "importDashboard"),
    );
    this.emit("dashboard_created", { tenant: this.tenant, dashboard: created, source: "import" });
    return created;
  }

  // One widget's failure (a metric name the collector rejects, a source that throws) becomes that widget's error
  // panel; the rest of the page renders as usual.
  #widgetOutcome(source: DashboardDataSource, dashboardId: string, widget: Widget, now: number): WidgetOutcome {
    try {
      return { ok: true, data: computeWidgetData(source, widget, now) };
    } catch (error) {
      const failure = toPelbiotError(error);
      this.#options.logger.warn("dashboards: a widget's data could not be computed", {
        tenant: this.tenant,
        dashboardId,
        widgetId: widget.id,
        code: failure.code,
        error: failure.message,
      });
      return { ok: false, widget, code: failure.code, message: failure.message };
    }
  }

  #requireCollector(method: string): DashboardDataSource {
    const { collector } = this.#options;
    if (collector !== undefined) return collector;
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `DashboardManager.${method}: widgets need a data source; create the manager with { collector } ` +
        "(an AnalyticsDataCollector).",
    );
  }

  #newId(): string {
    return uuidv7({ clock: this.#options.clock });
  }

  #now(): number {
    return this.#options.clock.now();
  }

  // One validator per call, named after the method; throws every issue at once, before anything changes.
  #validate<T>(method: string, run: (check: Validator) => T): T {
    const check = createValidator(`DashboardManager.${method}`);
    const result = run(check);
    check.done();
    return result;
  }

  // Only PelbiotErrors leave public methods: a data source's own failure is wrapped.
  #guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw toPelbiotError(error);
    }
  }
}
