// Dashboards in real files: two managers over one directory (as two processes would be) race on the same tenant,
// and the limits and version checks hold because every change is a compare-and-set on the tenant's record.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PelbiotError } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterAll, describe, expect, it } from "vitest";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";

const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function twoManagers(maxDashboards: number): { first: DashboardManager; second: DashboardManager; directory: string } {
  const directory = mkdtempSync(join(tmpdir(), "pelbiot-dashboards-"));
  directories.push(directory);
  // Separate adapters over one directory, as two processes would have.
  const first = new DashboardManager({ storage: createFileStorage({ directory }), maxDashboards, tenant: "acme" });
  const second = new DashboardManager({ storage: createFileStorage({ directory }), maxDashboards, tenant: "acme" });
  return { first, second, directory };
}

// Generous limits: CI shares two cores between many test workers.
describe("DashboardManager over file storage", { timeout: 60_000 }, () => {
  it("admits exactly maxDashboards when two managers create at once", async () => {
    const { first, second } = twoManagers(5);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) => (index % 2 === 0 ? first : second).createDashboard(`d${index}`)),
    );
    const created = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(created).toHaveLength(5);
    for (const result of refused) expect(PelbiotError.is(result.reason, "LIMIT_EXCEEDED")).toBe(true);
    expect(await first.listDashboards()).toHaveLength(5);
    expect(await second.listDashboards()).toEqual(await first.listDashboards());
  });

  it("loses no widget when two managers add at once, and refuses the stale editor", async () => {
    const { first, second, directory } = twoManagers(10);
    const { id } = await first.createDashboard("Shared");
    const config = { metric: "m", timeRange: "1h" };
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        (index % 2 === 0 ? first : second).addWidgetToDashboard(id, "stat", { ...config, title: `w${index}` }),
      ),
    );
    const dashboard = await second.getDashboard(id);
    expect(dashboard.version).toBe(9);
    expect(dashboard.widgets.map((widget) => widget.config.title).sort()).toEqual([
      "w0",
      "w1",
      "w2",
      "w3",
      "w4",
      "w5",
      "w6",
      "w7",
    ]);
    await first.updateDashboard(id, { name: "Renamed" }, { expectedVersion: 9 });
    await expect(second.updateDashboard(id, { name: "Stale" }, { expectedVersion: 9 })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // On disk: one file record per tenant, its value the tenant's dashboards as JSON, readable without the library.
    const records = readdirSync(directory, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".json"))
      .map((name) => JSON.parse(readFileSync(join(directory, name), "utf8")) as { key: string; value: string });
    const tenantRecord = records.find((record) => record.key === "analytics:dashboards:tenants:acme");
    const stored = JSON.parse(tenantRecord!.value) as { tenant: string; dashboards: { name: string }[] };
    expect(stored.tenant).toBe("acme");
    expect(stored.dashboards.map((entry) => entry.name)).toEqual(["Renamed"]);
  });
});
