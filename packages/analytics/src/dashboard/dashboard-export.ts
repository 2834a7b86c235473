/**
 * A dashboard as versioned JSON (`format: "pelbiot.analytics.Dashboard"`), for backups and for moving a dashboard
 * between installations. Reading one validates every field and every widget config with the same rules as the
 * manager's own methods, so an import can never store what `addWidgetToDashboard` would refuse.
 */
import { readSnapshot, type Validator } from "@pelbiot/core";
import { checkDescription, checkId, checkName, checkOptionsObject, checkOwner, checkTenantId } from "./dashboard-input";
import type { Dashboard, ImportDashboardOptions, Widget, WidgetType } from "./dashboard-manager-types";
import { checkWidgetConfig, WIDGET_TYPES } from "./widget-config";

/** The `format` of an exported dashboard. */
export const DASHBOARD_EXPORT_FORMAT = "pelbiot.analytics.Dashboard";
/** The export layout this release writes; it reads every version listed in `READABLE_VERSIONS`. */
export const DASHBOARD_EXPORT_VERSION = 1;
const READABLE_VERSIONS = [1];
/** The most widgets an export may hold, whatever the importing manager's limit. */
const MAX_EXPORTED_WIDGETS = 1000;

/** An exported dashboard: plain JSON values only. */
export interface DashboardExport {
  /** Always `DASHBOARD_EXPORT_FORMAT`, so an import can tell a dashboard export from other JSON. */
  readonly format: typeof DASHBOARD_EXPORT_FORMAT;
  /** The export layout's version. */
  readonly version: number;
  /** When it was exported, epoch milliseconds. */
  readonly exportedAt: number;
  /** The dashboard with its widgets, as it was when exported. */
  readonly dashboard: Dashboard;
}

/** Wraps a dashboard in the export envelope (a deep copy through JSON, so later changes do not leak in). */
export function toDashboardExport(dashboard: Dashboard, exportedAt: number): DashboardExport {
  return {
    format: DASHBOARD_EXPORT_FORMAT,
    version: DASHBOARD_EXPORT_VERSION,
    exportedAt,
    dashboard: JSON.parse(JSON.stringify(dashboard)) as Dashboard,
  };
}

/**
 * Reads an export (object or JSON text) and validates it completely.
 *
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field, every issue listed.
 * @throws {PelbiotError} UNSUPPORTED for an export written by a newer release.
 */
export function fromDashboardExport(json: unknown, context: string, check: Validator): Dashboard {
  const { snapshot } = readSnapshot(json, {
    context,
    format: DASHBOARD_EXPORT_FORMAT,
    versions: READABLE_VERSIONS,
  });
  const source = snapshot.dashboard;
  if (!check.object("json.dashboard", source)) check.done();
  const input = source as Record<string, unknown>;
  const path = "json.dashboard";
  check.knownKeys(path, input, [
    "id",
    "tenant",
    "name",
    "description",
    "owner",
    "version",
    "createdAt",
    "updatedAt",
    "widgets",
  ]);
  checkId(check, `${path}.id`, input.id);
  checkTenantId(check, `${path}.tenant`, input.tenant);
  checkName(check, `${path}.name`, input.name);
  checkDescription(check, `${path}.description`, input.description);
  checkOwner(check, `${path}.owner`, input.owner);
  check.number(`${path}.version`, input.version, { integer: true, min: 1 });
  check.number(`${path}.createdAt`, input.createdAt, { integer: true, min: 0 });
  check.number(`${path}.updatedAt`, input.updatedAt, { integer: true, min: 0 });
  const widgets: Widget[] = [];
  if (check.array(`${path}.widgets`, input.widgets, { maxLength: MAX_EXPORTED_WIDGETS })) {
    const seen = new Set<string>();
    input.widgets.forEach((widget, index) => {
      const checked = checkExportedWidget(check, `${path}.widgets.${index}`, widget);
      if (checked === undefined) return;
      if (seen.has(checked.id)) check.fail(`${path}.widgets.${index}.id`, "must be unique within the dashboard");
      seen.add(checked.id);
      widgets.push(checked);
    });
  }
  check.done();
  return {
    id: input.id as string,
    tenant: input.tenant as string,
    name: input.name as string,
    description: input.description as string,
    owner: input.owner as string | null,
    version: input.version as number,
    createdAt: input.createdAt as number,
    updatedAt: input.updatedAt as number,
    widgets,
  };
}

/**
 * Checks `importDashboard`'s options and reads the export; an export from another tenant than `tenant` is refused
 * unless `allowTenantChange` is set.
 */
export function readDashboardImport(
  check: Validator,
  json: unknown,
  options: ImportDashboardOptions,
  tenant: string,
): Dashboard {
  if (checkOptionsObject(check, "options", options, ["owner", "allowTenantChange"])) {
    if (options.owner !== undefined) checkOwner(check, "options.owner", options.owner);
    if (options.allowTenantChange !== undefined) check.boolean("options.allowTenantChange", options.allowTenantChange);
  }
  check.done();
  const dashboard = fromDashboardExport(json, "DashboardManager.importDashboard", check);
  check.check(
    dashboard.tenant === tenant || options.allowTenantChange === true,
    "json.dashboard.tenant",
    `must be this manager's tenant ${JSON.stringify(tenant)}, got ${JSON.stringify(dashboard.tenant)}; ` +
      "pass { allowTenantChange: true } to copy it into this tenant",
  );
  return dashboard;
}

function checkExportedWidget(check: Validator, path: string, value: unknown): Widget | undefined {
  if (!check.object(path, value)) return undefined;
  check.knownKeys(path, value, ["id", "type", "config", "createdAt", "updatedAt"]);
  const idOk = checkId(check, `${path}.id`, value.id);
  const typeOk = check.oneOf(`${path}.type`, value.type, WIDGET_TYPES);
  const createdOk = check.number(`${path}.createdAt`, value.createdAt, { integer: true, min: 0 });
  const updatedOk = check.number(`${path}.updatedAt`, value.updatedAt, { integer: true, min: 0 });
  if (!typeOk) return undefined;
  const config = checkWidgetConfig(check, `${path}.config`, value.type as WidgetType, value.config);
  if (!idOk || !createdOk || !updatedOk || config === undefined) return undefined;
  return {
    id: value.id,
    type: value.type,
    config,
    createdAt: value.createdAt,
    updatedAt: value.updatedAt,
  } as Widget;
}
