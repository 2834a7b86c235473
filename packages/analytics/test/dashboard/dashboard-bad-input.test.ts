// Any argument at all: every public method either works or rejects with a PelbiotError, and a rejected call leaves
// the stored dashboards exactly as they were.
import { createManualClock, createMemoryStorage, PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";

const junk = fc.oneof(
  fc.anything(),
  fc.constantFrom("", "24h", "x".repeat(300), "chart", "gauge", "table", "stat", "a:b"),
  fc.record({ title: fc.anything(), metric: fc.anything(), timeRange: fc.anything(), max: fc.anything() }),
);

type Call = (manager: DashboardManager, ids: { dashboardId: string; widgetId: string }, args: unknown[]) => unknown;

const CALLS: Record<string, Call> = {
  createDashboard: (manager, _ids, args) => Reflect.apply(manager.createDashboard, manager, args),
  getDashboard: (manager, _ids, args) => Reflect.apply(manager.getDashboard, manager, args),
  listDashboards: (manager, _ids, args) => Reflect.apply(manager.listDashboards, manager, args),
  updateDashboard: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.updateDashboard, manager, [dashboardId, ...args]),
  deleteDashboard: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.deleteDashboard, manager, [dashboardId, ...args]),
  addWidgetToDashboard: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.addWidgetToDashboard, manager, [dashboardId, ...args]),
  updateWidget: (manager, { dashboardId, widgetId }, args) =>
    Reflect.apply(manager.updateWidget, manager, [dashboardId, widgetId, ...args]),
  removeWidgetFromDashboard: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.removeWidgetFromDashboard, manager, [dashboardId, ...args]),
  getWidgetData: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.getWidgetData, manager, [dashboardId, ...args]),
  renderDashboard: (manager, { dashboardId }, args) =>
    Reflect.apply(manager.renderDashboard, manager, [dashboardId, ...args]),
  exportDashboard: (manager, _ids, args) => Reflect.apply(manager.exportDashboard, manager, args),
  importDashboard: (manager, _ids, args) => Reflect.apply(manager.importDashboard, manager, args),
  forTenant: (manager, _ids, args) => Reflect.apply(manager.forTenant, manager, args),
};

// Generous limits: CI shares two cores between many test workers.
describe("DashboardManager with arbitrary arguments", { timeout: 60_000 }, () => {
  it("rejects only with PelbiotErrors and changes nothing when it rejects", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(CALLS)),
        fc.array(junk, { maxLength: 4 }),
        async (method, args) => {
          const storage = createMemoryStorage();
          const collector = { getMetricStats: () => [] };
          const manager = new DashboardManager({ storage, collector, clock: createManualClock(Date.UTC(2026, 0, 1)) });
          const { id: dashboardId } = await manager.createDashboard("Existing");
          const widget = await manager.addWidgetToDashboard(dashboardId, "stat", {
            title: "S",
            metric: "m",
            timeRange: "1h",
          });
          const before = await storage.getItem("analytics:dashboards:tenants:default");
          try {
            await CALLS[method]!(manager, { dashboardId, widgetId: widget.id }, args);
          } catch (error) {
            expect(PelbiotError.is(error), `${method}: ${String(error)}`).toBe(true);
            expect(await storage.getItem("analytics:dashboards:tenants:default")).toBe(before);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
