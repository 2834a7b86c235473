// DashboardManager's events: one per change, emitted only once the change is in storage.
import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";
import type { DashboardManagerEvents } from "../../src/dashboard/dashboard-manager-types";
import { failingStorage } from "../support/failing-storage";

type Recorded = {
  [Name in keyof DashboardManagerEvents]: [Name, DashboardManagerEvents[Name][0]];
}[keyof DashboardManagerEvents];

const EVENT_NAMES: readonly (keyof DashboardManagerEvents)[] = [
  "dashboard_created",
  "dashboard_updated",
  "dashboard_deleted",
  "widget_added",
  "widget_updated",
  "widget_removed",
];

function record(manager: DashboardManager): Recorded[] {
  const seen: Recorded[] = [];
  for (const name of EVENT_NAMES) {
    manager.on(name, (event: DashboardManagerEvents[typeof name][0]) => {
      seen.push([name, event] as Recorded);
    });
  }
  return seen;
}

describe("DashboardManager events", () => {
  it("reports every change with what changed and the dashboard's new version", async () => {
    const dashboards = new DashboardManager({ clock: createManualClock(1_000), tenant: "acme" });
    const seen = record(dashboards);
    const dashboard = await dashboards.createDashboard("Sales", "", "user-1");
    const widget = await dashboards.addWidgetToDashboard(dashboard.id, "stat", {
      title: "S",
      metric: "m",
      timeRange: "1h",
    });
    const changed = await dashboards.updateWidget(dashboard.id, widget.id, { title: "Orders" });
    const renamed = await dashboards.updateDashboard(dashboard.id, { name: "Sales 2" }, { expectedVersion: 3 });
    await dashboards.removeWidgetFromDashboard(dashboard.id, widget.id);
    const copy = await dashboards.importDashboard(await dashboards.exportDashboard(dashboard.id));
    await dashboards.deleteDashboard(dashboard.id);

    expect(seen).toEqual([
      ["dashboard_created", { tenant: "acme", dashboard, source: "create" }],
      ["widget_added", { tenant: "acme", dashboardId: dashboard.id, version: 2, widget }],
      ["widget_updated", { tenant: "acme", dashboardId: dashboard.id, version: 3, widget: changed }],
      ["dashboard_updated", { tenant: "acme", dashboard: renamed }],
      ["widget_removed", { tenant: "acme", dashboardId: dashboard.id, version: 5, widgetId: widget.id }],
      ["dashboard_created", { tenant: "acme", dashboard: copy, source: "import" }],
      ["dashboard_deleted", { tenant: "acme", dashboardId: dashboard.id }],
    ]);
    expect(changed.config.title).toBe("Orders");
    expect(renamed.version).toBe(4);
  });

  it("emits nothing for a rejected call", async () => {
    const dashboards = new DashboardManager({ maxDashboards: 1, maxWidgetsPerDashboard: 1 });
    const dashboard = await dashboards.createDashboard("Only");
    await dashboards.addWidgetToDashboard(dashboard.id, "stat", { title: "S", metric: "m", timeRange: "1h" });
    const seen = record(dashboards);
    await expectPelbiotErrorAsync(() => dashboards.createDashboard("Second"), "LIMIT_EXCEEDED");
    await expectPelbiotErrorAsync(
      () => dashboards.addWidgetToDashboard(dashboard.id, "stat", { title: "T", metric: "m", timeRange: "1h" }),
      "LIMIT_EXCEEDED",
    );
    await expectPelbiotErrorAsync(
      () => dashboards.updateDashboard(dashboard.id, { name: "x" }, { expectedVersion: 1 }),
      "CONFLICT",
    );
    await expectPelbiotErrorAsync(() => dashboards.removeWidgetFromDashboard(dashboard.id, "missing"), "NOT_FOUND");
    await expectPelbiotErrorAsync(() => dashboards.deleteDashboard("missing"), "NOT_FOUND");
    await expectPelbiotErrorAsync(() => dashboards.updateWidget(dashboard.id, "missing", { title: "x" }), "NOT_FOUND");
    expect(seen).toEqual([]);
  });

  it("emits nothing when the storage write fails, and again once it succeeds", async () => {
    const { storage, setFailing } = failingStorage();
    const dashboards = new DashboardManager({ storage });
    const dashboard = await dashboards.createDashboard("Kept");
    const seen = record(dashboards);
    setFailing(true);
    await expectPelbiotErrorAsync(() => dashboards.createDashboard("Lost"), "STORAGE_ERROR");
    await expectPelbiotErrorAsync(
      () => dashboards.addWidgetToDashboard(dashboard.id, "stat", { title: "S", metric: "m", timeRange: "1h" }),
      "STORAGE_ERROR",
    );
    await expectPelbiotErrorAsync(() => dashboards.deleteDashboard(dashboard.id), "STORAGE_ERROR");
    expect(seen).toEqual([]);
    setFailing(false);
    await dashboards.deleteDashboard(dashboard.id);
    expect(seen).toEqual([["dashboard_deleted", { tenant: "default", dashboardId: dashboard.id }]]);
    expect(await dashboards.listDashboards()).toEqual([]);
  });

  it("keeps events to the manager that made the change", async () => {
    const storage = createMemoryStorage();
    const acme = new DashboardManager({ storage, tenant: "acme" });
    const other = acme.forTenant("globex");
    const acmeSeen = record(acme);
    const otherSeen = record(other);
    await other.createDashboard("Globex board");
    expect(acmeSeen).toEqual([]);
    expect(otherSeen.map(([name, event]) => [name, "tenant" in event ? event.tenant : undefined])).toEqual([
      ["dashboard_created", "globex"],
    ]);
  });
});
