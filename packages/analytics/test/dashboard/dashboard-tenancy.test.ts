// Tenancy is enforced, not advisory: random sequences of operations by two tenants over one storage never let one
// tenant read, change or count the other's dashboards.
import { createManualClock, createMemoryStorage, noopLogger, PelbiotError } from "@pelbiot/core";
import { captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";

const TENANTS = ["acme", "globex"] as const;
type Tenant = (typeof TENANTS)[number];
const STAT = { title: "Revenue", metric: "total_revenue", timeRange: "24h" } as const;

type Operation =
  | { kind: "create"; tenant: Tenant; name: string }
  | { kind: "rename"; tenant: Tenant; target: number; name: string }
  | { kind: "addWidget"; tenant: Tenant; target: number }
  | { kind: "removeWidget"; tenant: Tenant; target: number }
  | { kind: "delete"; tenant: Tenant; target: number }
  | { kind: "get"; tenant: Tenant; target: number }
  | { kind: "widgetData"; tenant: Tenant; target: number }
  | { kind: "render"; tenant: Tenant; target: number }
  | { kind: "updateWidget"; tenant: Tenant; target: number; title: string }
  | { kind: "export"; tenant: Tenant; target: number; allowTenantChange: boolean };

const tenant = fc.constantFrom(...TENANTS);
const target = fc.nat({ max: 50 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), tenant, name: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("rename" as const), tenant, target, name: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("addWidget" as const), tenant, target }),
  fc.record({ kind: fc.constant("removeWidget" as const), tenant, target }),
  fc.record({ kind: fc.constant("delete" as const), tenant, target }),
  fc.record({ kind: fc.constant("get" as const), tenant, target }),
  fc.record({ kind: fc.constant("widgetData" as const), tenant, target }),
  fc.record({ kind: fc.constant("render" as const), tenant, target }),
  fc.record({
    kind: fc.constant("updateWidget" as const),
    tenant,
    target,
    title: fc.string({ minLength: 1, maxLength: 8 }).filter((title) => !/\p{Cc}/u.test(title)),
  }),
  fc.record({ kind: fc.constant("export" as const), tenant, target, allowTenantChange: fc.boolean() }),
);

interface ModelDashboard {
  tenant: Tenant;
  name: string;
  version: number;
  widgets: string[];
}

// Which dashboards exist, per id; ids of deleted dashboards stay in `ids` so later operations aim at them too.
class Model {
  readonly dashboards = new Map<string, ModelDashboard>();
  readonly ids: string[] = [];
  pick(index: number): string | undefined {
    return this.ids.length === 0 ? undefined : this.ids[index % this.ids.length];
  }
  owns(tenantId: Tenant, id: string): ModelDashboard | undefined {
    const dashboard = this.dashboards.get(id);
    return dashboard?.tenant === tenantId ? dashboard : undefined;
  }
  count(tenantId: Tenant): number {
    return [...this.dashboards.values()].filter((dashboard) => dashboard.tenant === tenantId).length;
  }
}

async function expectNotFound(action: Promise<unknown>, id: string): Promise<void> {
  const error = await expectPelbiotErrorAsync(action, "NOT_FOUND");
  expect(error.message).not.toContain("acme");
  expect(error.message).not.toContain("globex");
  expect(error.details?.id).toBe(id);
}

async function run(managers: Record<Tenant, DashboardManager>, model: Model, step: Operation): Promise<void> {
  const manager = managers[step.tenant];
  if (step.kind === "create") {
    const created = await captureLimit(manager.createDashboard(step.name), model.count(step.tenant));
    if (created === undefined) return;
    model.dashboards.set(created.id, { tenant: step.tenant, name: step.name, version: 1, widgets: [] });
    model.ids.push(created.id);
    return;
  }
  const id = model.pick(step.target);
  if (id === undefined) return;
  const own = model.owns(step.tenant, id);
  if (own === undefined) {
    // Another tenant's dashboard (or a deleted one) does not exist for this manager, whatever the operation.
    const widgetId = model.dashboards.get(id)?.widgets[0] ?? "any-widget";
    await expectNotFound(attempt(manager, step, id, widgetId), id);
    return;
  }
  switch (step.kind) {
    case "rename": {
      const updated = await manager.updateDashboard(id, { name: step.name }, { expectedVersion: own.version });
      own.name = step.name;
      own.version += 1;
      expect(updated.version).toBe(own.version);
      return;
    }
    case "addWidget": {
      const widget = await manager.addWidgetToDashboard(id, "stat", STAT);
      own.widgets.push(widget.id);
      own.version += 1;
      return;
    }
    case "removeWidget": {
      const widgetId = own.widgets.shift();
      if (widgetId === undefined) return;
      await manager.removeWidgetFromDashboard(id, widgetId);
      own.version += 1;
      return;
    }
    case "delete":
      await manager.deleteDashboard(id);
      model.dashboards.delete(id);
      return;
    case "get":
      expect(await manager.getDashboard(id)).toMatchObject({ id, tenant: step.tenant, version: own.version });
      return;
    case "widgetData": {
      const widgetId = own.widgets[0];
      if (widgetId === undefined) return;
      expect(await manager.getWidgetData(id, widgetId)).toMatchObject({ type: "stat", widgetId, value: 0 });
      return;
    }
    case "render": {
      const html = await manager.renderDashboard(id);
      expect(html.match(/data-widget-id=/g) ?? []).toHaveLength(own.widgets.length);
      return;
    }
    case "updateWidget": {
      const widgetId = own.widgets[0];
      if (widgetId === undefined) return;
      const updated = await manager.updateWidget(id, widgetId, { title: step.title });
      expect(updated.config.title).toBe(step.title);
      own.version += 1;
      return;
    }
    case "export":
      await exportElsewhere(managers, model, step, id);
      return;
  }
}

// An export carries its tenant; importing it into the other tenant needs allowTenantChange, and makes a new copy.
async function exportElsewhere(
  managers: Record<Tenant, DashboardManager>,
  model: Model,
  step: Extract<Operation, { kind: "export" }>,
  id: string,
): Promise<void> {
  const other: Tenant = step.tenant === "acme" ? "globex" : "acme";
  const exported = JSON.stringify(await managers[step.tenant].exportDashboard(id));
  if (!step.allowTenantChange) {
    const issues = await captureValidationIssuesAsync(() => managers[other].importDashboard(exported));
    expect(issues[0]).toMatch(/^json\.dashboard\.tenant: must be this manager's tenant/);
    return;
  }
  const copy = await captureLimit(
    managers[other].importDashboard(exported, { allowTenantChange: true }),
    model.count(other),
  );
  if (copy === undefined) return;
  const source = model.dashboards.get(id)!;
  expect(copy.id).not.toBe(id);
  expect(copy.tenant).toBe(other);
  model.dashboards.set(copy.id, { tenant: other, name: source.name, version: 1, widgets: [...source.widgets] });
  model.ids.push(copy.id);
}

function attempt(manager: DashboardManager, step: Operation, id: string, widgetId: string): Promise<unknown> {
  switch (step.kind) {
    case "rename":
      return manager.updateDashboard(id, { name: step.name }, { expectedVersion: 1 });
    case "addWidget":
      return manager.addWidgetToDashboard(id, "stat", STAT);
    case "removeWidget":
      return manager.removeWidgetFromDashboard(id, widgetId);
    case "widgetData":
      return manager.getWidgetData(id, widgetId);
    case "render":
      return manager.renderDashboard(id);
    case "updateWidget":
      return manager.updateWidget(id, widgetId, { title: "taken over" });
    case "delete":
      return manager.deleteDashboard(id);
    case "export":
      return manager.exportDashboard(id);
    default:
      return manager.getDashboard(id);
  }
}

const MAX_DASHBOARDS = 3;

// The per-tenant limit may reject a create or import, only when the tenant itself has MAX_DASHBOARDS.
async function captureLimit<T>(action: Promise<T>, ownCount: number): Promise<T | undefined> {
  try {
    const result = await action;
    expect(ownCount).toBeLessThan(MAX_DASHBOARDS);
    return result;
  } catch (error) {
    if (!PelbiotError.is(error, "LIMIT_EXCEEDED")) throw error;
    expect(ownCount).toBe(MAX_DASHBOARDS);
    return undefined;
  }
}

async function expectMatchesModel(managers: Record<Tenant, DashboardManager>, model: Model): Promise<void> {
  for (const tenantId of TENANTS) {
    const listed = await managers[tenantId].listDashboards();
    const expected = [...model.dashboards.entries()].filter(([, dashboard]) => dashboard.tenant === tenantId);
    expect(listed.map((dashboard) => dashboard.id).sort()).toEqual(expected.map(([id]) => id).sort());
    for (const dashboard of listed) {
      const modelled = model.dashboards.get(dashboard.id)!;
      expect(dashboard.tenant).toBe(tenantId);
      expect({ name: dashboard.name, version: dashboard.version }).toEqual({
        name: modelled.name,
        version: modelled.version,
      });
      expect(dashboard.widgets.map((widget) => widget.id)).toEqual(modelled.widgets);
    }
  }
}

// Generous limits: CI shares two cores between many test workers.
describe("DashboardManager tenancy", { timeout: 60_000 }, () => {
  it("no sequence of operations by two tenants crosses between them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        const storage = createMemoryStorage();
        const clock = createManualClock(Date.UTC(2026, 0, 1));
        const collector = { getMetricStats: () => [] };
        const base = new DashboardManager({ storage, clock, collector, tenant: "acme", maxDashboards: MAX_DASHBOARDS });
        const managers = { acme: base, globex: base.forTenant("globex") };
        const model = new Model();
        for (const step of operations) {
          await run(managers, model, step);
          for (const tenantId of TENANTS) {
            expect(await managers[tenantId].listDashboards()).toHaveLength(model.count(tenantId));
          }
        }
        await expectMatchesModel(managers, model);
        // Each tenant's dashboards live under its own key, and nothing else was written.
        const keys = await storage.keys();
        for (const key of keys) expect(key).toMatch(/^analytics:dashboards:tenants:(acme|globex)$/);
      }),
      { numRuns: 60 },
    );
  });

  it("uses the default tenant when none is given, and forTenant views share the storage", async () => {
    const storage = createMemoryStorage();
    const dashboards = new DashboardManager({ storage });
    expect(dashboards.tenant).toBe("default");
    const mine = await dashboards.createDashboard("Mine");
    const other = dashboards.forTenant("other");
    expect(other.tenant).toBe("other");
    await expectPelbiotErrorAsync(other.getDashboard(mine.id), "NOT_FOUND");
    const theirs = await other.createDashboard("Theirs");
    expect(await new DashboardManager({ storage, tenant: "other" }).getDashboard(theirs.id)).toEqual(theirs);
    expect((await dashboards.listDashboards()).map((dashboard) => dashboard.id)).toEqual([mine.id]);
  });

  it("rejects tenant ids that could alias another tenant's storage key", async () => {
    const dashboards = new DashboardManager();
    for (const bad of ["", "a:b", "a b", "x".repeat(65), "ü"]) {
      expect(() => dashboards.forTenant(bad)).toThrow(/Invalid input to DashboardManager.forTenant: tenant: must/);
      expect(() => new DashboardManager({ tenant: bad })).toThrow(/options.tenant: must/);
    }
  });

  it("refuses to serve a record under a tenant's key that names another tenant", async () => {
    const storage = createMemoryStorage();
    const globex = new DashboardManager({ storage, tenant: "globex" });
    await globex.createDashboard("Secret");
    const text = await storage.getItem("analytics:dashboards:tenants:globex");
    await storage.setItem("analytics:dashboards:tenants:acme", text!);
    const warnings: unknown[] = [];
    const logger = { ...noopLogger, warn: (message: string, fields?: unknown) => warnings.push({ message, fields }) };
    const acme = new DashboardManager({ storage, tenant: "acme", logger });
    await expectPelbiotErrorAsync(acme.listDashboards(), "INTEGRITY_ERROR");
    await expectPelbiotErrorAsync(acme.createDashboard("x"), "INTEGRITY_ERROR");
    expect(await storage.getItem("analytics:dashboards:tenants:acme")).toBe(text);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ fields: { tenant: "acme", key: "analytics:dashboards:tenants:acme" } });
  });

  it("reports a record that is not JSON as INTEGRITY_ERROR and leaves it for an operator", async () => {
    const storage = createMemoryStorage();
    await storage.setItem("analytics:dashboards:tenants:default", "{truncated");
    const dashboards = new DashboardManager({ storage });
    await expectPelbiotErrorAsync(dashboards.getDashboard("any"), "INTEGRITY_ERROR");
    await expectPelbiotErrorAsync(dashboards.createDashboard("x"), "INTEGRITY_ERROR");
    expect(await storage.getItem("analytics:dashboards:tenants:default")).toBe("{truncated");
  });
});
