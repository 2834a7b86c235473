import type { JsonValue, MaybePromise } from "@pelbiot/core";

/** Properties or context of an event: a JSON object. */
export type EventProperties = Readonly<Record<string, JsonValue>>;

/** Tags of a metric point: string values only, so every tag set names one series. */
export type MetricTags = Readonly<Record<string, string>>;

/** A tracked event, as kept by the collector and sent to sinks. */
export interface AnalyticsEvent {
  /** Unique id (given by the caller, or generated); a second event with the same id is dropped. */
  readonly id: string;
  /** The event name, e.g. `checkout_completed`. */
  readonly name: string;
  /** What the event carries, a JSON object (`{}` when none was given). */
  readonly properties: EventProperties;
  /** The user the event belongs to, or `null`. */
  readonly userId: string | null;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  /** Optional context (device, app version, …), a JSON object. */
  readonly context?: EventProperties | undefined;
}

/** A recorded metric value, as kept by the collector and sent to sinks. */
export interface MetricPoint {
  /** The metric name, e.g. `api.latency_ms`. */
  readonly name: string;
  /** The recorded value, a finite number in the metric's own unit. */
  readonly value: number;
  /** The point's tags; each distinct tag set is its own series. */
  readonly tags: MetricTags;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** Per-call options of `trackEvent`. */
export interface TrackEventOptions {
  /** The event id; generated when absent. */
  id?: string | undefined;
  /** Epoch milliseconds or a `Date`; the clock's `now()` when absent. */
  timestamp?: number | Date | undefined;
  /** A JSON object with the circumstances of the event. */
  context?: EventProperties | undefined;
}

/** Per-call options of `recordMetric`. */
export interface RecordMetricOptions {
  /** Epoch milliseconds or a `Date`; the clock's `now()` when absent. */
  timestamp?: number | Date | undefined;
}

/** What `trackEvent` did with an event. */
export interface TrackEventResult {
  /** The event id (generated or given). */
  readonly id: string;
  /** `false` when an event with this id was already kept: the event was dropped and counted. */
  readonly accepted: boolean;
}

/** One event of a `recordBatch` call. */
export interface BatchEventInput extends TrackEventOptions {
  /** The event name. */
  name: string;
  /** What the event carries. @default {} */
  properties?: EventProperties | undefined;
  /** The user the event belongs to. @default null */
  userId?: string | null | undefined;
}

/** One metric point of a `recordBatch` call. */
export interface BatchMetricInput extends RecordMetricOptions {
  /** The metric name. */
  name: string;
  /** The value, a finite number. */
  value: number;
  /** The point's tags. @default {} */
  tags?: MetricTags | undefined;
}

/** The argument of `recordBatch`: events and metric points, validated together before any is recorded. */
export interface AnalyticsBatch {
  /** Events to track, in order. @default [] */
  events?: readonly BatchEventInput[] | undefined;
  /** Metric points to record, in order. @default [] */
  metrics?: readonly BatchMetricInput[] | undefined;
}

/** The result of `recordBatch`. */
export interface RecordBatchResult {
  /** Events accepted. */
  readonly events: number;
  /** Events dropped as duplicates. */
  readonly duplicates: number;
  /** Metric points recorded. */
  readonly metrics: number;
}

/** A time range and filters for the stats queries. Bounds are inclusive of windows starting in `[from, to)`. */
export interface StatsQuery {
  /** Epoch milliseconds or a `Date`: windows starting at or after it. @default the oldest window */
  from?: number | Date | undefined;
  /** Epoch milliseconds or a `Date`: windows starting before it. @default no upper bound */
  to?: number | Date | undefined;
}

/** Filters of `getMetricStats`. */
export interface MetricStatsQuery extends StatsQuery {
  /** Only series whose tags include every one of these pairs. */
  tags?: MetricTags | undefined;
  /** Tag keys to group by; series lacking a key fall in the group where it is `""`. @default [] (one group) */
  groupBy?: readonly string[] | undefined;
}

/**
 * Aggregate of a set of values. Quantiles come from a DDSketch and are within the collector's `relativeAccuracy`
 * of the exact value of the same rank; count, sum, min and max are exact. Every field is `null` for no values but
 * `count` (0) and `sum` (0).
 */
export interface ValueStats {
  /** How many values. */
  readonly count: number;
  /** Their exact sum (0 for none). */
  readonly sum: number;
  /** The smallest value. */
  readonly min: number | null;
  /** The largest value. */
  readonly max: number | null;
  /** `sum / count`. */
  readonly mean: number | null;
  /** The median, within `relativeAccuracy`. */
  readonly p50: number | null;
  /** The 90th percentile, within `relativeAccuracy`. */
  readonly p90: number | null;
  /** The 95th percentile, within `relativeAccuracy`. */
  readonly p95: number | null;
  /** The 99th percentile, within `relativeAccuracy`. */
  readonly p99: number | null;
}

/** Stats of one metric name and group. */
export interface MetricStats extends ValueStats {
  /** The metric name. */
  readonly name: string;
  /** The `groupBy` tag values of this group (empty without `groupBy`). */
  readonly group: MetricTags;
  /** Start of the first and end of the last window aggregated, epoch milliseconds. */
  readonly from: number;
  /** End of the last window aggregated, epoch milliseconds (exclusive). */
  readonly to: number;
}

/** Stats of one event name. */
export interface EventNameStats {
  /** The event name. */
  readonly name: string;
  /** Events of this name accepted in the range. */
  readonly count: number;
  /**
   * Distinct user ids, from a HyperLogLog of 4096 registers (standard error 1.04/√4096 ≈ 1.6 %); exact merges
   * across windows. Events without a user id are not counted.
   */
  readonly distinctUsers: number;
  /** Start of the first window aggregated, epoch milliseconds. */
  readonly from: number;
  /** End of the last window aggregated, epoch milliseconds (exclusive). */
  readonly to: number;
}

/** The result of `getEventStats`. */
export interface EventStats {
  /** Events accepted in the range (sum of `byName` counts). */
  readonly totalEvents: number;
  /** Distinct users over every event name in the range (HyperLogLog estimate). */
  readonly distinctUsers: number;
  /** One entry per event name, in the range. */
  readonly byName: readonly EventNameStats[];
}

/** Counters of everything the collector dropped or evicted, since it was created (or restored). */
export interface DropCounters {
  /** Events dropped because their id was already kept. */
  readonly duplicateEvents: number;
  /** Raw events evicted by `maxEvents` or by age. */
  readonly evictedEvents: number;
  /** Raw metric points evicted by `maxMetrics` or by age. */
  readonly evictedMetrics: number;
  /** Aggregation windows evicted by `maxWindowsPerSeries` or by age. */
  readonly evictedWindows: number;
  /** Items not queued for the sinks because `maxPendingItems` were waiting. */
  readonly sinkBacklog: number;
  /** Items whose sink batch failed after every retry. */
  readonly sinkFailed: number;
}

/** Why something was dropped; the `reason` of the `dropped` event. */
export type DropReason =
  | "duplicate_event"
  | "evicted_event"
  | "evicted_metric"
  | "evicted_window"
  | "sink_backlog"
  | "sink_failed";

/** A batch forwarded to a sink: the events and metric points accepted since the previous batch, in order. */
export interface AnalyticsSinkBatch {
  /** The events, in the order they were accepted. */
  readonly events: readonly AnalyticsEvent[];
  /** The metric points, in the order they were recorded. */
  readonly metrics: readonly MetricPoint[];
}

/**
 * Where the collector forwards what it accepts (a time-series database, a queue, a file…). `send` resolves when
 * the sink has the batch; a rejection is retried through core's `retry()`, and after the last attempt the batch is
 * reported with a `dropped` event (reason `sink_failed`). Batches are sent one at a time per sink, in order.
 */
export interface AnalyticsSink {
  /** Shown in logs and events. */
  readonly name: string;
  /** Delivers one batch. */
  send(batch: AnalyticsSinkBatch): MaybePromise<void>;
}

/** The result of `flush()`. */
export interface FlushResult {
  /** Items (events + points) delivered to every sink during the call. */
  readonly delivered: number;
  /** Items whose batch failed for at least one sink after every retry. */
  readonly failed: number;
}

/** One closed window, the payload of `window_closed`. */
export interface ClosedWindow {
  /** Start of the window, epoch milliseconds. */
  readonly start: number;
  /** End of the window, epoch milliseconds (exclusive). */
  readonly end: number;
  /** Events and metric points aggregated in it, over every series. */
  readonly events: number;
  /** Metric points aggregated in it, over every series. */
  readonly metrics: number;
}

/** Events emitted by {@link AnalyticsDataCollector}. */
export interface AnalyticsDataCollectorEvents {
  /** An event was accepted (duplicates are not emitted here but as `dropped`). */
  event_tracked: [event: AnalyticsEvent];
  /** A metric point was recorded. */
  metric_recorded: [point: MetricPoint];
  /** An aggregation window ended and was closed. */
  window_closed: [window: ClosedWindow];
  /**
   * Items were dropped or evicted; `count` of them, for `reason`, with the event or metric `name` or the `sink` where
   * it applies.
   */
  dropped: [
    info: {
      /** Why they were dropped. */
      reason: DropReason;
      /** How many items. */
      count: number;
      /** The event or metric name, for duplicates and evictions. */
      name?: string | undefined;
      /** The sink's name, for `sink_backlog` and `sink_failed`. */
      sink?: string | undefined;
    },
  ];
}
