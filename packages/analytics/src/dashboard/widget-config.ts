/**
 * Validation of widget configs, one rule set per widget type. Every config passes through here, whether it comes
 * from `addWidgetToDashboard`, `updateWidget` or an imported dashboard, so stored configs are always well-formed.
 */
import type { Validator } from "@pelbiot/core";
import type { MetricTags } from "../collector/analytics-data-collector-types";
import { LINE_PATTERN } from "./dashboard-input";
import type {
  ResolvedThresholds,
  ResolvedWidgetConfigByType,
  WidgetAggregation,
  WidgetType,
} from "./dashboard-manager-types";
import { checkTimeRange, defaultInterval, parseTimeRange } from "./time-range";

/** The widget types, in documentation order. */
export const WIDGET_TYPES = ["chart", "stat", "table", "gauge"] as const satisfies readonly WidgetType[];

/** The aggregations a widget can show. */
export const WIDGET_AGGREGATIONS = [
  "count",
  "sum",
  "min",
  "max",
  "mean",
  "p50",
  "p90",
  "p95",
  "p99",
] as const satisfies readonly WidgetAggregation[];

/** The most points a chart computes. */
export const MAX_CHART_POINTS = 500;

const COMMON_KEYS = ["title", "metric", "timeRange", "tags"] as const;
const CONFIG_KEYS: Record<WidgetType, readonly string[]> = {
  chart: [...COMMON_KEYS, "aggregation", "interval", "groupBy"],
  stat: [...COMMON_KEYS, "aggregation", "unit", "decimals", "thresholds"],
  table: [...COMMON_KEYS, "groupBy", "columns", "limit"],
  gauge: [...COMMON_KEYS, "aggregation", "min", "max", "unit", "thresholds"],
};

type Input = Record<string, unknown>;

/**
 * Checks a widget config of the given type and applies its defaults. Absent and `null` optional fields both take
 * the default, so a stored config read back validates to itself.
 *
 * @returns The resolved config, or `undefined` when an issue was added to `check`.
 */
export function checkWidgetConfig<Type extends WidgetType>(
  check: Validator,
  path: string,
  type: Type,
  config: unknown,
): ResolvedWidgetConfigByType[Type] | undefined {
  if (!check.object(path, config)) return undefined;
  const before = check.issues.length;
  check.knownKeys(path, config, CONFIG_KEYS[type]);
  const title = config.title;
  check.string(`${path}.title`, title, { maxLength: 200, pattern: LINE_PATTERN });
  check.string(`${path}.metric`, config.metric, { maxLength: 200, pattern: LINE_PATTERN });
  const rangeMs = checkTimeRange(check, `${path}.timeRange`, config.timeRange);
  const tags = checkTags(check, `${path}.tags`, config.tags);
  const common = { title, metric: config.metric, timeRange: config.timeRange, tags } as {
    title: string;
    metric: string;
    timeRange: string;
    tags: MetricTags;
  };
  const resolved = resolveByType(check, path, type, config, rangeMs);
  if (check.issues.length > before || resolved === undefined) return undefined;
  return Object.freeze({ ...common, ...resolved }) as ResolvedWidgetConfigByType[Type];
}

function resolveByType(
  check: Validator,
  path: string,
  type: WidgetType,
  config: Input,
  rangeMs: number | undefined,
): object | undefined {
  switch (type) {
    case "chart":
      return checkChart(check, path, config, rangeMs);
    case "stat":
      return checkStat(check, path, config);
    case "table":
      return checkTable(check, path, config);
    case "gauge":
      return checkGauge(check, path, config);
  }
}

function checkChart(check: Validator, path: string, config: Input, rangeMs: number | undefined): object {
  const aggregation = checkAggregation(check, `${path}.aggregation`, config.aggregation, "mean");
  let interval = optional(config.interval);
  if (interval === undefined) {
    interval = rangeMs === undefined ? "1m" : defaultInterval(rangeMs);
  } else {
    const intervalMs = checkTimeRange(check, `${path}.interval`, interval);
    if (intervalMs !== undefined && rangeMs !== undefined) {
      check.check(
        intervalMs <= rangeMs && rangeMs / intervalMs <= MAX_CHART_POINTS,
        `${path}.interval`,
        `must be at most the time range and give at most ${MAX_CHART_POINTS} points, got ${JSON.stringify(interval)} ` +
          `for ${Math.ceil(rangeMs / intervalMs)} points`,
      );
    }
  }
  const groupBy = optional(config.groupBy);
  if (groupBy !== undefined) check.string(`${path}.groupBy`, groupBy, { maxLength: 200, pattern: LINE_PATTERN });
  return { aggregation, interval, groupBy: groupBy ?? null };
}

function checkStat(check: Validator, path: string, config: Input): object {
  const decimals = optional(config.decimals) ?? 2;
  check.number(`${path}.decimals`, decimals, { integer: true, min: 0, max: 6 });
  return {
    aggregation: checkAggregation(check, `${path}.aggregation`, config.aggregation, "sum"),
    unit: checkUnit(check, `${path}.unit`, config.unit),
    decimals,
    thresholds: checkThresholds(check, `${path}.thresholds`, config.thresholds),
  };
}

function checkTable(check: Validator, path: string, config: Input): object {
  const groupBy = config.groupBy;
  if (check.array(`${path}.groupBy`, groupBy, { minLength: 1, maxLength: 5 })) {
    groupBy.forEach((key, index) => {
      check.string(`${path}.groupBy.${index}`, key, { maxLength: 200, pattern: LINE_PATTERN });
    });
    check.check(new Set(groupBy).size === groupBy.length, `${path}.groupBy`, "must not name a tag key twice");
  }
  const columns = optional(config.columns) ?? ["count", "mean", "p95"];
  if (check.array(`${path}.columns`, columns, { minLength: 1, maxLength: WIDGET_AGGREGATIONS.length })) {
    columns.forEach((column, index) => {
      check.oneOf(`${path}.columns.${index}`, column, WIDGET_AGGREGATIONS);
    });
  }
  const limit = optional(config.limit) ?? 10;
  check.number(`${path}.limit`, limit, { integer: true, min: 1, max: 100 });
  return {
    groupBy: Array.isArray(groupBy) ? Object.freeze([...groupBy]) : groupBy,
    columns: Object.freeze([...(columns as WidgetAggregation[])]),
    limit,
  };
}

function checkGauge(check: Validator, path: string, config: Input): object {
  const aggregation = checkAggregation(check, `${path}.aggregation`, config.aggregation, "mean");
  const min = optional(config.min) ?? 0;
  const max = config.max;
  const minOk = check.number(`${path}.min`, min);
  const maxOk = check.number(`${path}.max`, max);
  if (minOk && maxOk) check.check(max > min, `${path}.max`, `must be greater than min (${min}), got ${max}`);
  const thresholds = checkThresholds(check, `${path}.thresholds`, config.thresholds);
  if (thresholds !== null && minOk && maxOk) {
    for (const key of ["warning", "critical"] as const) {
      const value = thresholds[key];
      if (value === null) continue;
      check.check(
        value >= (min as number) && value <= (max as number),
        `${path}.thresholds.${key}`,
        `must lie between min (${min}) and max (${max}), got ${value}`,
      );
    }
  }
  return { aggregation, min, max, unit: checkUnit(check, `${path}.unit`, config.unit), thresholds };
}

function checkAggregation(
  check: Validator,
  path: string,
  value: unknown,
  fallback: WidgetAggregation,
): WidgetAggregation {
  const given = optional(value);
  if (given === undefined) return fallback;
  check.oneOf(path, given, WIDGET_AGGREGATIONS);
  return given as WidgetAggregation;
}

function checkTags(check: Validator, path: string, value: unknown): MetricTags {
  const given = optional(value);
  if (given === undefined) return Object.freeze({});
  if (!check.object(path, given)) return Object.freeze({});
  const entries = Object.entries(given);
  check.check(entries.length <= 20, path, `must hold at most 20 tags, got ${entries.length}`);
  for (const [key, tagValue] of entries) {
    check.check(
      key.length > 0 && key.length <= 200,
      `${path}.${key.slice(0, 40)}`,
      "must be a key of 1–200 characters",
    );
    check.string(`${path}.${key.slice(0, 40)}`, tagValue, { minLength: 0, maxLength: 200 });
  }
  return Object.freeze({ ...(given as Record<string, string>) });
}

function checkUnit(check: Validator, path: string, value: unknown): string {
  const unit = optional(value) ?? "";
  check.string(path, unit, { minLength: 0, maxLength: 20, pattern: LINE_PATTERN });
  return unit as string;
}

function checkThresholds(check: Validator, path: string, value: unknown): ResolvedThresholds | null {
  const given = optional(value);
  if (given === undefined) return null;
  if (!check.object(path, given)) return null;
  check.knownKeys(path, given, ["warning", "critical", "direction"]);
  const warning = optional(given.warning) ?? null;
  const critical = optional(given.critical) ?? null;
  const direction = optional(given.direction) ?? "above";
  const warningOk = warning === null || check.number(`${path}.warning`, warning);
  const criticalOk = critical === null || check.number(`${path}.critical`, critical);
  check.oneOf(`${path}.direction`, direction, ["above", "below"] as const);
  check.check(warning !== null || critical !== null, path, "must give warning, critical or both");
  if (warningOk && criticalOk && warning !== null && critical !== null) {
    if (direction === "above") {
      check.check(
        warning <= critical,
        `${path}.warning`,
        `must be at most critical (${critical}) when direction is "above"`,
      );
    } else if (direction === "below") {
      check.check(
        warning >= critical,
        `${path}.warning`,
        `must be at least critical (${critical}) when direction is "below"`,
      );
    }
  }
  return Object.freeze({ warning, critical, direction }) as ResolvedThresholds;
}

/** `null` and `undefined` both mean "not given". */
function optional(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** The milliseconds of a stored (already validated) time range. */
export function rangeMsOf(timeRange: string): number {
  return parseTimeRange(timeRange) ?? 0;
}
