import { describe, expectTypeOf, it } from "vitest";
import {
  type Dashboard,
  DashboardManager,
  type Widget,
  type WidgetData,
  type WidgetOf,
} from "../../src/dashboard/dashboard-manager";

describe("DashboardManager types", () => {
  it("returns promises of plain records", () => {
    const dashboards = new DashboardManager();
    expectTypeOf(dashboards.createDashboard("Sales")).toEqualTypeOf<Promise<Dashboard>>();
    expectTypeOf(dashboards.getWidgetData("d", "w")).toEqualTypeOf<Promise<WidgetData>>();
    expectTypeOf(dashboards.renderDashboard("d")).toEqualTypeOf<Promise<string>>();
    expectTypeOf(dashboards.forTenant("acme")).toEqualTypeOf<DashboardManager>();
  });

  it("types its events", () => {
    const dashboards = new DashboardManager();
    dashboards.on("widget_added", (event) => {
      expectTypeOf(event.widget).toEqualTypeOf<Widget>();
      expectTypeOf(event.version).toEqualTypeOf<number>();
    });
    dashboards.on("dashboard_created", (event) => {
      expectTypeOf(event.source).toEqualTypeOf<"create" | "import">();
    });
    // @ts-expect-error: not an event of DashboardManager
    dashboards.on("dashboard_renamed", () => {});
  });

  it("types each widget config by its type", () => {
    const dashboards = new DashboardManager();
    expectTypeOf(
      dashboards.addWidgetToDashboard("d", "gauge", { title: "CPU", metric: "cpu", timeRange: "1h", max: 100 }),
    ).toEqualTypeOf<Promise<WidgetOf<"gauge">>>();
    // @ts-expect-error a gauge needs its max
    void dashboards.addWidgetToDashboard("d", "gauge", { title: "CPU", metric: "cpu", timeRange: "1h" });
    // @ts-expect-error a table needs groupBy
    void dashboards.addWidgetToDashboard("d", "table", { title: "T", metric: "m", timeRange: "1h" });
    // @ts-expect-error unknown widget type
    void dashboards.addWidgetToDashboard("d", "pie", { title: "P", metric: "m", timeRange: "1h" });
    // @ts-expect-error updateDashboard carries the expected version
    void dashboards.updateDashboard("d", { name: "x" });
  });

  it("narrows widget data by type", () => {
    const data = {} as WidgetData;
    if (data.type === "gauge") expectTypeOf(data.ratio).toEqualTypeOf<number | null>();
    if (data.type === "table") expectTypeOf(data.rows[0]!.values).toEqualTypeOf<readonly (number | null)[]>();
  });
});
