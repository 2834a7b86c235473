import { createManualClock } from "@pelbiot/core";
import { captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";

const START = Date.UTC(2026, 0, 1);

async function exported(): Promise<{ dashboards: DashboardManager; text: string; id: string }> {
  const dashboards = new DashboardManager({ clock: createManualClock(START) });
  const { id } = await dashboards.createDashboard("Sales", "Daily sales\nby region", "user-1");
  await dashboards.addWidgetToDashboard(id, "chart", { title: "Revenue", metric: "revenue", timeRange: "7d" });
  await dashboards.addWidgetToDashboard(id, "table", {
    title: "Top",
    metric: "revenue",
    timeRange: "24h",
    groupBy: ["region"],
  });
  await dashboards.addWidgetToDashboard(id, "gauge", {
    title: "Load",
    metric: "cpu",
    timeRange: "15m",
    max: 100,
    thresholds: { critical: 90 },
  });
  return { dashboards, text: JSON.stringify(await dashboards.exportDashboard(id)), id };
}

describe("DashboardManager export and import", { timeout: 30_000 }, () => {
  it("exports versioned JSON and imports it as a new dashboard with the same widgets", async () => {
    const { dashboards, text, id } = await exported();
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ format: "pelbiot.analytics.Dashboard", version: 1, exportedAt: START });
    const original = await dashboards.getDashboard(id);
    expect(parsed.dashboard).toEqual(original);

    const copy = await dashboards.importDashboard(text, { owner: "user-2" });
    expect(copy.id).not.toBe(id);
    expect(copy).toMatchObject({ name: "Sales", description: "Daily sales\nby region", owner: "user-2", version: 1 });
    expect(copy.widgets).toEqual(original.widgets);
    expect(await dashboards.importDashboard(JSON.parse(text))).toMatchObject({ owner: "user-1" });
    expect(await dashboards.listDashboards()).toHaveLength(3);
  });

  it("checks every field of an import and stores nothing when one is wrong", async () => {
    const { dashboards, text } = await exported();
    const bad = JSON.parse(text);
    bad.dashboard.widgets[0].config.timeRange = "forever";
    bad.dashboard.widgets[1].type = "pie";
    bad.dashboard.widgets[2].config.thresholds.critical = 120;
    bad.dashboard.name = "";
    bad.dashboard.extra = true;
    expect(await captureValidationIssuesAsync(() => dashboards.importDashboard(bad))).toEqual([
      expect.stringContaining('json.dashboard.extra: "extra" is not a known option'),
      "json.dashboard.name: must be a non-empty string",
      expect.stringContaining(
        "json.dashboard.widgets.0.config.timeRange: must be a whole number and a unit m, h, d or w",
      ),
      'json.dashboard.widgets.1.type: must be one of "chart", "stat", "table", "gauge", got string "pie"',
      "json.dashboard.widgets.2.config.thresholds.critical: must lie between min (0) and max (100), got 120",
    ]);
    const twice = JSON.parse(text);
    twice.dashboard.widgets[1].id = twice.dashboard.widgets[0].id;
    expect(await captureValidationIssuesAsync(() => dashboards.importDashboard(twice))).toEqual([
      "json.dashboard.widgets.1.id: must be unique within the dashboard",
    ]);
    expect(await dashboards.listDashboards()).toHaveLength(1);
  });

  it("refuses foreign formats, newer versions, non-JSON text and another tenant's export", async () => {
    const { dashboards, text } = await exported();
    const foreign = { ...JSON.parse(text), format: "pelbiot.analytics.Report" };
    expect((await captureValidationIssuesAsync(() => dashboards.importDashboard(foreign)))[0]).toContain(
      'json.format: must be "pelbiot.analytics.Dashboard"',
    );
    const newer = { ...JSON.parse(text), version: 2 };
    const error = await expectPelbiotErrorAsync(dashboards.importDashboard(newer), "UNSUPPORTED");
    expect(error.message).toContain("version 2");
    await expectPelbiotErrorAsync(dashboards.importDashboard("{not json"), "VALIDATION_ERROR");
    const acme = dashboards.forTenant("acme");
    expect(await captureValidationIssuesAsync(() => acme.importDashboard(text))).toEqual([
      'json.dashboard.tenant: must be this manager\'s tenant "acme", got "default"; pass { allowTenantChange: true } to copy it into this tenant',
    ]);
    expect(await acme.listDashboards()).toEqual([]);
    expect(await acme.importDashboard(text, { allowTenantChange: true })).toMatchObject({ tenant: "acme" });
  });

  it("applies the importing manager's limits", async () => {
    const { text } = await exported();
    const small = new DashboardManager({ maxWidgetsPerDashboard: 2 });
    const error = await expectPelbiotErrorAsync(small.importDashboard(text), "LIMIT_EXCEEDED");
    expect(error.details).toEqual({ limit: 2, got: 3 });
    const one = new DashboardManager({ maxDashboards: 1 });
    await one.importDashboard(text);
    await expectPelbiotErrorAsync(one.importDashboard(text), "LIMIT_EXCEEDED");
    expect(await one.listDashboards()).toHaveLength(1);
  });
});
