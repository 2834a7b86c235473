import { createValidator, readSnapshot, type Validator } from "@pelbiot/core";
import type { AnalyticsEvent, DropCounters, MetricPoint, MetricTags } from "./analytics-data-collector-types";
import type { CollectorState } from "./collector-state";
import { decodeDistinct, encodeDistinct } from "./distinct-counter";
import { type SketchJson, sketchFromJson, sketchToJson } from "./sketch-codec";
import type { WindowAggregate } from "./window-aggregate";

/** The `format` of an {@link AnalyticsDataCollectorSnapshot}. */
export const ANALYTICS_DATA_COLLECTOR_FORMAT = "pelbiot.analytics.AnalyticsDataCollector";

const CONTEXT = "AnalyticsDataCollector.fromJSON";

/** One window of a series in a snapshot. */
export interface WindowJson {
  start: number;
  count: number;
  sum: number;
  /** `null` for an empty window (JSON has no infinities). */
  min: number | null;
  max: number | null;
  /** Metric series: the DDSketch bins. */
  sketch?: SketchJson;
  /** Event series with users: the HyperLogLog registers, base64. */
  users?: string;
}

/** One series in a snapshot. */
export interface SeriesJson {
  kind: "event" | "metric";
  name: string;
  tags: MetricTags;
  windows: WindowJson[];
}

/** The JSON form of an {@link AnalyticsDataCollector}: aggregates, raw buffers and counters. */
export interface AnalyticsDataCollectorSnapshot {
  /** Always {@link ANALYTICS_DATA_COLLECTOR_FORMAT}. */
  format: typeof ANALYTICS_DATA_COLLECTOR_FORMAT;
  /** The snapshot layout's version. */
  version: 1;
  /** The window length and sketch accuracy the aggregates were built with; a restore uses the same. */
  aggregationWindowMs: number;
  /** The DDSketch accuracy the metric sketches were built with. */
  relativeAccuracy: number;
  /** Every event and metric series with its windows. */
  series: SeriesJson[];
  /** The raw events kept for `getEvents()`, oldest first. */
  events: AnalyticsEvent[];
  /** The raw metric points kept for `getMetrics()`, oldest first. */
  metrics: MetricPoint[];
  /** The drop and eviction counters. */
  counters: DropCounters;
}

/**
 * Writes the collector's state as plain JSON values.
 *
 * @param state - The collector's state.
 * @param settings - The window length and sketch accuracy.
 * @returns The snapshot.
 */
export function toAnalyticsDataCollectorSnapshot(
  state: CollectorState,
  settings: { aggregationWindowMs: number; relativeAccuracy: number },
): AnalyticsDataCollectorSnapshot {
  const series: SeriesJson[] = [];
  for (const entry of [...state.store.events.values(), ...state.store.metrics.values()]) {
    const windows = [...entry.windows.entries()]
      .sort(([left], [right]) => left - right)
      .map(([start, aggregate]) => windowToJson(start, aggregate));
    series.push({ kind: entry.kind, name: entry.name, tags: { ...entry.tags }, windows });
  }
  return {
    format: ANALYTICS_DATA_COLLECTOR_FORMAT,
    version: 1,
    aggregationWindowMs: settings.aggregationWindowMs,
    relativeAccuracy: settings.relativeAccuracy,
    series,
    events: structuredClone(state.events.toArray()),
    metrics: structuredClone(state.metrics.toArray()),
    counters: { ...state.counters },
  };
}

function windowToJson(start: number, aggregate: WindowAggregate): WindowJson {
  const json: WindowJson = {
    start,
    count: aggregate.count,
    sum: aggregate.sum,
    min: aggregate.count === 0 ? null : aggregate.min,
    max: aggregate.count === 0 ? null : aggregate.max,
  };
  if (aggregate.sketch !== undefined) json.sketch = sketchToJson(aggregate.sketch);
  if (aggregate.users !== undefined) json.users = encodeDistinct(aggregate.users);
  return json;
}

/** A snapshot read back: header settings, and the series with live aggregates. */
export interface ReadCollectorSnapshot {
  aggregationWindowMs: number;
  relativeAccuracy: number;
  series: { kind: "event" | "metric"; name: string; tags: MetricTags; windows: Map<number, WindowAggregate> }[];
  events: AnalyticsEvent[];
  metrics: MetricPoint[];
  counters: DropCounters;
}

/**
 * Reads a snapshot written by `toJSON()` and validates every field.
 *
 * @param json - The snapshot object or its JSON text.
 * @returns The state to restore.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field.
 * @throws {PelbiotError} UNSUPPORTED for a version written by a newer release.
 */
export function fromAnalyticsDataCollectorSnapshot(json: unknown): ReadCollectorSnapshot {
  const { snapshot } = readSnapshot(json, { context: CONTEXT, format: ANALYTICS_DATA_COLLECTOR_FORMAT, versions: [1] });
  const check = createValidator(CONTEXT);
  check.number("json.aggregationWindowMs", snapshot.aggregationWindowMs, { positive: true });
  check.number("json.relativeAccuracy", snapshot.relativeAccuracy, { min: 0.0001, max: 0.5 });
  const relativeAccuracy = snapshot.relativeAccuracy as number;
  const series: ReadCollectorSnapshot["series"] = [];
  if (check.array("json.series", snapshot.series)) {
    snapshot.series.forEach((candidate, index) => {
      const read = readSeries(check, `json.series.${index}`, candidate, relativeAccuracy);
      if (read !== undefined) series.push(read);
    });
  }
  const events = check.array("json.events", snapshot.events) ? (snapshot.events as AnalyticsEvent[]) : [];
  events.forEach((event, index) => {
    const path = `json.events.${index}`;
    if (!check.object(path, event)) return;
    check.string(`${path}.id`, event.id);
    check.string(`${path}.name`, event.name);
    check.object(`${path}.properties`, event.properties);
    if (event.userId !== null) check.string(`${path}.userId`, event.userId);
    check.number(`${path}.timestamp`, event.timestamp);
  });
  const metrics = check.array("json.metrics", snapshot.metrics) ? (snapshot.metrics as MetricPoint[]) : [];
  metrics.forEach((point, index) => {
    const path = `json.metrics.${index}`;
    if (!check.object(path, point)) return;
    check.string(`${path}.name`, point.name);
    check.number(`${path}.value`, point.value);
    check.object(`${path}.tags`, point.tags);
    check.number(`${path}.timestamp`, point.timestamp);
  });
  const counters = readCounters(check, snapshot.counters);
  check.done();
  return {
    aggregationWindowMs: snapshot.aggregationWindowMs as number,
    relativeAccuracy,
    series,
    events: structuredClone(events),
    metrics: structuredClone(metrics),
    counters,
  };
}

function readSeries(
  check: Validator,
  path: string,
  value: unknown,
  relativeAccuracy: number,
): ReadCollectorSnapshot["series"][number] | undefined {
  if (!check.object(path, value)) return undefined;
  const kindOk = check.check(
    value.kind === "event" || value.kind === "metric",
    `${path}.kind`,
    'must be "event" or "metric"',
  );
  check.string(`${path}.name`, value.name);
  const tagsOk = check.object(`${path}.tags`, value.tags);
  if (!kindOk || !tagsOk || !check.array(`${path}.windows`, value.windows)) return undefined;
  const windows = new Map<number, WindowAggregate>();
  value.windows.forEach((window, index) => {
    const windowPath = `${path}.windows.${index}`;
    if (!check.object(windowPath, window)) return;
    const ok = [
      check.number(`${windowPath}.start`, window.start),
      check.number(`${windowPath}.count`, window.count, { min: 0, integer: true }),
      check.number(`${windowPath}.sum`, window.sum),
    ].every(Boolean);
    const users = typeof window.users === "string" ? decodeDistinct(window.users) : undefined;
    if (window.users !== undefined)
      check.check(users !== undefined, `${windowPath}.users`, "must be the base64 registers of a distinct counter");
    if (value.kind === "metric")
      check.check(isSketchJson(window.sketch), `${windowPath}.sketch`, "must hold positive, negative and zero bins");
    if (!ok) return;
    windows.set(window.start as number, {
      count: window.count as number,
      sum: window.sum as number,
      min: typeof window.min === "number" ? window.min : Number.POSITIVE_INFINITY,
      max: typeof window.max === "number" ? window.max : Number.NEGATIVE_INFINITY,
      sketch: isSketchJson(window.sketch) ? sketchFromJson(window.sketch, relativeAccuracy) : undefined,
      users,
    });
  });
  return {
    kind: value.kind as "event" | "metric",
    name: value.name as string,
    tags: value.tags as MetricTags,
    windows,
  };
}

function isSketchJson(value: unknown): value is SketchJson {
  if (typeof value !== "object" || value === null) return false;
  const sketch = value as Record<string, unknown>;
  const isBins = (bins: unknown) =>
    Array.isArray(bins) &&
    bins.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        Number.isInteger(pair[0]) &&
        typeof pair[1] === "number" &&
        pair[1] > 0,
    );
  return isBins(sketch.positive) && isBins(sketch.negative) && typeof sketch.zero === "number" && sketch.zero >= 0;
}

function readCounters(check: Validator, value: unknown): DropCounters {
  const keys = [
    "duplicateEvents",
    "evictedEvents",
    "evictedMetrics",
    "evictedWindows",
    "sinkBacklog",
    "sinkFailed",
  ] as const;
  const counters = {
    duplicateEvents: 0,
    evictedEvents: 0,
    evictedMetrics: 0,
    evictedWindows: 0,
    sinkBacklog: 0,
    sinkFailed: 0,
  };
  if (!check.object("json.counters", value)) return counters;
  for (const key of keys) {
    if (check.number(`json.counters.${key}`, value[key], { min: 0, integer: true }))
      counters[key] = value[key] as number;
  }
  return counters;
}
