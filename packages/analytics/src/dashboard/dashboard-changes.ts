/**
 * Pure changes to a tenant's list of dashboards. Each returns the new list and never mutates its input, so the
 * store can re-run it on a fresher record when another writer won the compare-and-set.
 */
import { createValidator, PelbiotError } from "@pelbiot/core";
import type { Dashboard, Widget, WidgetConfigChanges } from "./dashboard-manager-types";
import type { TenantChange } from "./tenant-dashboard-store";
import { checkWidgetConfig } from "./widget-config";

/** Who asks, for messages: `DashboardManager.<method>`. */
export type MethodName = string;

/** The dashboard with `id`, or NOT_FOUND (the same for another tenant's id: it does not exist here). */
export function findDashboard(dashboards: readonly Dashboard[], id: string, method: MethodName): Dashboard {
  const found = dashboards.find((dashboard) => dashboard.id === id);
  if (found === undefined) {
    throw new PelbiotError("NOT_FOUND", `DashboardManager.${method}: no dashboard has id ${JSON.stringify(id)}.`, {
      details: { id },
    });
  }
  return found;
}

/** The widget with `widgetId` on the dashboard, or NOT_FOUND. */
export function findWidget(dashboard: Dashboard, widgetId: string, method: MethodName): Widget {
  const found = dashboard.widgets.find((widget) => widget.id === widgetId);
  if (found === undefined) {
    throw new PelbiotError(
      "NOT_FOUND",
      `DashboardManager.${method}: dashboard ${JSON.stringify(dashboard.id)} has no widget with id ${JSON.stringify(widgetId)}.`,
      { details: { id: widgetId, dashboardId: dashboard.id } },
    );
  }
  return found;
}

/** Throws CONFLICT when the caller's expected version is not the stored one. */
export function assertVersion(dashboard: Dashboard, expectedVersion: number | undefined, method: MethodName): void {
  if (expectedVersion === undefined || expectedVersion === dashboard.version) return;
  throw new PelbiotError(
    "CONFLICT",
    `DashboardManager.${method}: dashboard ${JSON.stringify(dashboard.id)} is at version ${dashboard.version}, ` +
      `not the expected ${expectedVersion}: someone else changed it. Read it again and retry.`,
    { details: { id: dashboard.id, expectedVersion, actualVersion: dashboard.version } },
  );
}

/** Throws LIMIT_EXCEEDED when `got` passes `limit`. */
export function assertLimit(got: number, limit: number, what: string, option: string, method: MethodName): void {
  if (got <= limit) return;
  throw new PelbiotError(
    "LIMIT_EXCEEDED",
    `DashboardManager.${method}: this would make ${got} ${what}; at most ${limit} (${option}) are accepted.`,
    { details: { limit, got } },
  );
}

/**
 * Replaces the dashboard `id` by `next(current)` with its version raised by one and `updatedAt` set, after the
 * version check. Returns the new list and the new dashboard.
 */
export function reviseDashboard(
  dashboards: readonly Dashboard[],
  id: string,
  change: {
    method: MethodName;
    expectedVersion: number | undefined;
    now: number;
    next: (current: Dashboard) => Omit<Dashboard, "version" | "updatedAt">;
  },
): TenantChange<Dashboard> {
  const current = findDashboard(dashboards, id, change.method);
  assertVersion(current, change.expectedVersion, change.method);
  const revised: Dashboard = {
    ...change.next(current),
    version: current.version + 1,
    updatedAt: Math.max(change.now, current.updatedAt),
  };
  return {
    dashboards: dashboards.map((dashboard) => (dashboard.id === id ? revised : dashboard)),
    result: revised,
  };
}

/** Adds a new dashboard to the tenant's list, within `maxDashboards`. */
export function appendDashboard(
  dashboards: readonly Dashboard[],
  dashboard: Dashboard,
  maxDashboards: number,
  method: MethodName,
): TenantChange<Dashboard> {
  assertLimit(dashboards.length + 1, maxDashboards, "dashboards", "maxDashboards", method);
  return { dashboards: [...dashboards, dashboard], result: dashboard };
}

/** The dashboard with one more widget, within `maxWidgetsPerDashboard`. */
export function appendWidget(current: Dashboard, widget: Widget, maxWidgetsPerDashboard: number): Dashboard {
  const got = current.widgets.length + 1;
  assertLimit(got, maxWidgetsPerDashboard, "widgets", "maxWidgetsPerDashboard", "addWidgetToDashboard");
  return { ...current, widgets: [...current.widgets, widget] };
}

/**
 * The dashboard with one widget's config merged with `changes` and checked again by its type's rules. A chart whose
 * time range changes without an interval gets the new range's default interval.
 */
export function reconfigureWidget(
  current: Dashboard,
  widgetId: string,
  changes: WidgetConfigChanges,
  now: number,
): { dashboard: Dashboard; widget: Widget } {
  const widget = findWidget(current, widgetId, "updateWidget");
  const merged: Record<string, unknown> = { ...widget.config, ...changes };
  if (widget.type === "chart" && "timeRange" in changes && !("interval" in changes)) merged.interval = null;
  const check = createValidator("DashboardManager.updateWidget");
  const config = checkWidgetConfig(check, "changes", widget.type, merged);
  check.done();
  const updated = { ...widget, config, updatedAt: now } as Widget;
  const widgets = current.widgets.map((entry) => (entry.id === widgetId ? updated : entry));
  return { dashboard: { ...current, widgets }, widget: updated };
}

/** A new dashboard at version 1, created and updated `now`. */
export function newDashboard(fields: Omit<Dashboard, "version" | "createdAt" | "updatedAt">, now: number): Dashboard {
  return { ...fields, version: 1, createdAt: now, updatedAt: now };
}
