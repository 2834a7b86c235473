import type { EventNameStats, EventStats, MetricStats, MetricTags } from "./analytics-data-collector-types";
import { createDistinctCounter, estimateDistinct, mergeDistinct } from "./distinct-counter";
import type { Series, SeriesStore } from "./series-store";
import { createAggregate, mergeAggregate, toValueStats, type WindowAggregate } from "./window-aggregate";

/** A checked query: a window-start range, filters and grouping. */
export interface ResolvedQuery {
  readonly from: number;
  readonly to: number;
  readonly tags: MetricTags;
  readonly groupBy: readonly string[];
}

/** Event stats per name (every name, or one) over the windows starting in the range, sorted by name. */
export function queryEventStats(
  store: SeriesStore,
  name: string | undefined,
  query: ResolvedQuery,
  windowMs: number,
): EventStats {
  const byName: EventNameStats[] = [];
  const allUsers = createDistinctCounter();
  let totalEvents = 0;
  const names = name === undefined ? [...store.events.keys()].sort() : [name];
  for (const eventName of names) {
    const series = store.events.get(eventName);
    if (series === undefined) continue;
    const merged = store.mergeRange(series, query.from, query.to);
    if (merged === undefined) continue;
    const users = merged.aggregate.users;
    if (users !== undefined) mergeDistinct(allUsers, users);
    totalEvents += merged.aggregate.count;
    byName.push({
      name: eventName,
      count: merged.aggregate.count,
      distinctUsers: users === undefined ? 0 : estimateDistinct(users),
      from: merged.first,
      to: merged.last + windowMs,
    });
  }
  return { totalEvents, distinctUsers: estimateDistinct(allUsers), byName };
}

/**
 * Metric stats per (name, group): series of the name (or every name) whose tags include the filter, grouped by the
 * `groupBy` tag values, their windows in the range merged. Sorted by name then group.
 */
export function queryMetricStats(
  store: SeriesStore,
  name: string | undefined,
  query: ResolvedQuery,
  windowMs: number,
  relativeAccuracy: number,
): MetricStats[] {
  const groups = new Map<
    string,
    { name: string; group: Record<string, string>; aggregate: WindowAggregate; first: number; last: number }
  >();
  for (const series of store.metrics.values()) {
    if (name !== undefined && series.name !== name) continue;
    if (!matches(series, query.tags)) continue;
    const merged = store.mergeRange(series, query.from, query.to);
    if (merged === undefined) continue;
    const group: Record<string, string> = {};
    for (const key of query.groupBy) group[key] = series.tags[key] ?? "";
    const groupKey = JSON.stringify([series.name, ...query.groupBy.map((key) => group[key])]);
    let entry = groups.get(groupKey);
    if (entry === undefined) {
      entry = {
        name: series.name,
        group,
        aggregate: createAggregate(true, relativeAccuracy),
        first: merged.first,
        last: merged.last,
      };
      groups.set(groupKey, entry);
    }
    mergeAggregate(entry.aggregate, merged.aggregate);
    entry.first = Math.min(entry.first, merged.first);
    entry.last = Math.max(entry.last, merged.last);
  }
  return [...groups.entries()]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([, entry]) => ({
      name: entry.name,
      group: entry.group,
      ...toValueStats(entry.aggregate),
      from: entry.first,
      to: entry.last + windowMs,
    }));
}

function matches(series: Series, tags: MetricTags): boolean {
  for (const key of Object.keys(tags)) if (series.tags[key] !== tags[key]) return false;
  return true;
}
