import {
  createValidator,
  PelbiotError,
  type TimerHandle,
  TypedEventEmitter,
  toPelbiotError,
  uuidv7,
  type Validator,
} from "@pelbiot/core";
import {
  type AnalyticsDataCollectorOptions,
  type ResolvedAnalyticsDataCollectorOptions,
  resolveAnalyticsDataCollectorOptions,
} from "./analytics-data-collector-options";
import {
  type AnalyticsDataCollectorSnapshot,
  fromAnalyticsDataCollectorSnapshot,
  toAnalyticsDataCollectorSnapshot,
} from "./analytics-data-collector-snapshot";
import type {
  AnalyticsBatch,
  AnalyticsDataCollectorEvents,
  AnalyticsEvent,
  BatchEventInput,
  DropCounters,
  EventProperties,
  EventStats,
  FlushResult,
  MetricPoint,
  MetricStats,
  MetricStatsQuery,
  MetricTags,
  RecordBatchResult,
  RecordMetricOptions,
  StatsQuery,
  TrackEventOptions,
  TrackEventResult,
} from "./analytics-data-collector-types";
import { CollectorState, completeEvent } from "./collector-state";
import {
  type CheckedEvent,
  type CheckedMetric,
  checkEvent,
  checkMetric,
  checkName,
  checkTimestamp,
  type InputLimits,
} from "./record-input";
import { metricSeriesKey } from "./series-store";
import { SinkDispatcher } from "./sink-dispatcher";
import { queryEventStats, queryMetricStats, type ResolvedQuery } from "./stats-query";

export type { AnalyticsDataCollectorOptions } from "./analytics-data-collector-options";
export type { AnalyticsDataCollectorSnapshot } from "./analytics-data-collector-snapshot";
// Every public type of the collector, so callers can import them next to the class.
export type * from "./analytics-data-collector-types";

const NO_TAGS: MetricTags = Object.freeze({});

/**
 * Collects analytics events and metric values in memory, aggregates them in tumbling windows (count, sum, min,
 * max, mean and DDSketch quantiles p50/p90/p95/p99 for metrics; counts and HyperLogLog distinct users for events),
 * answers range, tag-filter and group-by queries by merging windows, keeps memory bounded by retention caps (every
 * eviction and drop is counted and emitted as `dropped`), forwards batches to sinks with retries, and saves its
 * state to a core `StorageAdapter`.
 *
 * `trackEvent` and `recordMetric` are synchronous; `recordBatch`, `trackOperation`, `flush`, `shutdown`, `save`
 * and `restore` are asynchronous.
 *
 * @example
 * ```ts
 * const collector = new AnalyticsDataCollector();
 * collector.trackEvent("user_login", { platform: "web", duration: 1500 }, "user-1");
 * collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });
 * const eventStats = collector.getEventStats();
 * const metricStats = collector.getMetricStats();
 * await collector.shutdown();
 * ```
 */
export class AnalyticsDataCollector extends TypedEventEmitter<AnalyticsDataCollectorEvents> {
  readonly #options: ResolvedAnalyticsDataCollectorOptions;
  readonly #state: CollectorState;
  readonly #sinks: SinkDispatcher;
  readonly #idPrefix = uuidv7();
  #nextId = 0;
  #trackingTimer: TimerHandle | undefined;
  #cleanupTimer: TimerHandle | undefined;
  #closed = false;

  /**
   * Creates a collector and starts its tracking and cleanup timers (unreferenced, so they never keep a process
   * alive; `shutdown()` stops them).
   *
   * @param options - Window length, retention, caps, input limits, sketch accuracy, sinks and batching, retry
   * policy, and the ports `clock`, `logger`, `storage`, `keyPrefix`. The guide's `trackingInterval`,
   * `aggregationWindow` and `autoCleanupInterval` are accepted as aliases of their `Ms` names.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option, or an option given
   * under both names.
   */
  constructor(options: AnalyticsDataCollectorOptions = {}) {
    super();
    this.#options = resolveAnalyticsDataCollectorOptions(options);
    this.#state = new CollectorState(this.#options, {
      dropped: (reason, count, name) => {
        // Counted by the state either way; the payload is only built when someone listens (hot path).
        if (this.listenerCount("dropped") > 0) this.emit("dropped", { reason, count, name });
      },
      windowClosed: (window) => this.emit("window_closed", window),
    });
    this.#sinks = new SinkDispatcher({
      ...this.#options,
      onDropped: (reason, count, sink) => {
        if (reason === "sink_backlog") this.#state.counters.sinkBacklog += count;
        else this.#state.counters.sinkFailed += count;
        this.emit("dropped", { reason, count, sink });
      },
    });
    this.#scheduleTracking();
    this.#scheduleCleanup();
  }

  /**
   * Tracks one event. Synchronous: the event is aggregated, kept (up to `maxEvents`) and queued for the sinks
   * before the call returns. Properties and context are kept by reference: do not change them afterwards.
   *
   * @param name - Event name, 1 to `maxNameLength` characters.
   * @param properties - A JSON object of at most `maxProperties` keys and `maxPropertyBytes` of JSON text.
   * @param userId - The user, counted in `distinctUsers`; omit or `null` for none.
   * @param options - `id` (generated when absent), `timestamp`, `context`.
   * @returns The id, and `accepted: false` when an event with this id is already kept (dropped and counted).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for an empty or oversized name, non-JSON, circular or
   * oversized properties, or a bad option; nothing is recorded then.
   * @throws {PelbiotError} LIMIT_EXCEEDED `{ limit, got }` when the name would open a series past `maxSeries`;
   * CONFLICT after `shutdown()`.
   * @example
   * ```ts
   * collector.trackEvent("checkout", { items: 3 }, "user-1", { id: "order-42" });
   * ```
   */
  trackEvent(
    name: string,
    properties?: EventProperties,
    userId?: string | null,
    options?: TrackEventOptions,
  ): TrackEventResult {
    this.#assertOpen("trackEvent");
    const checked: CheckedEvent =
      options === undefined && this.#isPlainEvent(name, properties, userId)
        ? {
            id: undefined,
            name,
            properties: properties ?? NO_TAGS,
            userId: userId ?? null,
            timestamp: undefined,
            context: undefined,
          }
        : this.#validate("trackEvent", (check) =>
            checkEvent(check, "", { name, properties, userId, options }, this.#options),
          );
    this.#state.store.assertRoom("AnalyticsDataCollector.trackEvent", "event", checked.name, checked.name);
    return this.#acceptEvent(checked);
  }

  /**
   * Records one metric value. Synchronous, like `trackEvent`.
   *
   * @param name - Metric name, 1 to `maxNameLength` characters.
   * @param value - A finite number.
   * @param tags - String tag values; each distinct tag set is one series (at most `maxSeriesPerMetric` per name).
   * @param options - `timestamp` (the clock's now when absent).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a non-finite value, a bad name or tags; nothing is
   * recorded then.
   * @throws {PelbiotError} LIMIT_EXCEEDED `{ limit, got }` past `maxSeriesPerMetric` or `maxSeries`; CONFLICT after
   * `shutdown()`.
   * @example
   * ```ts
   * collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });
   * ```
   */
  recordMetric(name: string, value: number, tags?: MetricTags, options?: RecordMetricOptions): void {
    this.#assertOpen("recordMetric");
    const checked: CheckedMetric =
      options === undefined && this.#isPlainMetric(name, value, tags)
        ? { name, value, tags: tags ?? NO_TAGS, timestamp: undefined }
        : this.#validate("recordMetric", (check) =>
            checkMetric(check, "", { name, value, tags, options }, this.#options),
          );
    this.#acceptMetric(checked, "AnalyticsDataCollector.recordMetric");
  }

  /**
   * Records many events and metric values at once. Every item is validated, and the series caps checked, before
   * any is recorded: a rejected batch leaves the state unchanged.
   *
   * @param batch - `events` (each `{ name, properties?, userId?, id?, timestamp?, context? }`) and `metrics`
   * (each `{ name, value, tags?, timestamp? }`); or, as in the guide's batching example, an array of events alone.
   * @returns How many events were accepted or dropped as duplicates, and how many values were recorded.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every bad item by path (`batch.metrics.3.value`, or
   * `batch.3.name` for an array of events).
   * @throws {PelbiotError} LIMIT_EXCEEDED when the batch would pass a series cap; CONFLICT after `shutdown()`.
   * @example
   * ```ts
   * await collector.recordBatch({ events: [{ name: "page_view", userId: "user-1" }], metrics: [{ name: "fps", value: 58 }] });
   * await collector.recordBatch([{ name: "page_view", userId: "user-2" }]);
   * ```
   */
  async recordBatch(batch: AnalyticsBatch | readonly BatchEventInput[]): Promise<RecordBatchResult> {
    this.#assertOpen("recordBatch");
    const { events, metrics } = this.#validate("recordBatch", (check) => this.#checkBatch(check, batch));
    this.#assertBatchRoom(events, metrics);
    let accepted = 0;
    let duplicates = 0;
    for (const event of events) {
      if (this.#acceptEvent(event).accepted) accepted += 1;
      else duplicates += 1;
    }
    for (const metric of metrics) this.#acceptMetric(metric, "AnalyticsDataCollector.recordBatch");
    return { events: accepted, duplicates, metrics: metrics.length };
  }

  /**
   * Runs an operation and records, with the same tags, `<name>_duration` (milliseconds on the clock) and either
   * `<name>_success` or `<name>_error` (value 1). The operation's own result or error is passed through unchanged.
   *
   * @param name - The operation name (the metric names add at most 9 characters to it).
   * @param operation - A function returning a value or a promise.
   * @param tags - Tags of the three metrics.
   * @returns What the operation returned.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad name, operation or tags (the operation does not run).
   * @example
   * ```ts
   * const users = await collector.trackOperation("load_users", async () => [{ id: "user-1" }], { service: "api" });
   * ```
   */
  async trackOperation<T>(name: string, operation: () => T | Promise<T>, tags?: MetricTags): Promise<T> {
    this.#assertOpen("trackOperation");
    this.#validate("trackOperation", (check) => {
      checkName(check, "name", name, { ...this.#options, maxNameLength: this.#options.maxNameLength - 9 });
      check.fn("operation", operation);
      return checkMetric(check, "", { name: `${name}_duration`, value: 0, tags, options: undefined }, this.#options);
    });
    const started = this.#options.clock.now();
    let outcome = "_error";
    try {
      const result = await operation();
      outcome = "_success";
      return result;
    } finally {
      this.recordMetric(`${name}${outcome}`, 1, tags);
      this.recordMetric(`${name}_duration`, this.#options.clock.now() - started, tags);
    }
  }

  /**
   * Event counts and distinct users per event name, over the windows starting in `[from, to)`.
   *
   * @param name - One event name; every name when absent.
   * @param query - `from` and `to` (epoch ms or Date).
   * @returns Totals and per-name stats, sorted by name.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad name or range.
   * @example
   * ```ts
   * const { totalEvents, byName } = collector.getEventStats();
   * ```
   */
  getEventStats(name?: string, query?: StatsQuery): EventStats {
    const resolved = this.#validate("getEventStats", (check) => this.#checkQuery(check, name, query, false));
    return queryEventStats(this.#state.store, name, resolved, this.#options.aggregationWindowMs);
  }

  /**
   * Metric stats (count, sum, min, max, mean, p50, p90, p95, p99) per metric name and `groupBy` group, over the
   * windows starting in `[from, to)` of the series whose tags include `tags`. Quantiles are within
   * `relativeAccuracy` (1 % by default) of the exact value of the same rank.
   *
   * @param name - One metric name; every name when absent.
   * @param query - `from`, `to`, `tags` filter and `groupBy` tag keys.
   * @returns One entry per name and group, sorted.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad name, range, filter or grouping.
   * @example
   * ```ts
   * const byEndpoint = collector.getMetricStats("api_response_time", { groupBy: ["endpoint"] });
   * ```
   */
  getMetricStats(name?: string, query?: MetricStatsQuery): MetricStats[] {
    const resolved = this.#validate("getMetricStats", (check) => this.#checkQuery(check, name, query, true));
    return queryMetricStats(
      this.#state.store,
      name,
      resolved,
      this.#options.aggregationWindowMs,
      this.#options.relativeAccuracy,
    );
  }

  /**
   * The kept raw events (the last `maxEvents` within retention), oldest first.
   *
   * @returns A copy of the list.
   * @example
   * ```ts
   * const last = collector.getEvents().at(-1);
   * ```
   */
  getEvents(): AnalyticsEvent[] {
    return this.#state.events.toArray();
  }

  /**
   * The kept raw metric values (the last `maxMetrics` within retention), oldest first.
   *
   * @returns A copy of the list.
   * @example
   * ```ts
   * const points = collector.getMetrics().filter((point) => point.name === "fps");
   * ```
   */
  getMetrics(): MetricPoint[] {
    return this.#state.metrics.toArray();
  }

  /**
   * Everything dropped or evicted so far, by reason.
   *
   * @returns A copy of the counters.
   * @example
   * ```ts
   * if (collector.getDropCounters().sinkFailed > 0) console.warn("analytics were lost");
   * ```
   */
  getDropCounters(): DropCounters {
    return { ...this.#state.counters };
  }

  /**
   * Applies the age retention now (the cleanup timer does so every `autoCleanupIntervalMs`): windows that ended,
   * and raw events and values stamped, more than `dataRetentionDays` ago are evicted, counted and emitted.
   *
   * @returns How many windows, raw events and raw values were evicted.
   * @example
   * ```ts
   * const { windows } = collector.cleanup();
   * ```
   */
  cleanup(): {
    /** Aggregation windows evicted. */
    windows: number;
    /** Raw events evicted. */
    events: number;
    /** Raw metric points evicted. */
    metrics: number;
  } {
    return this.#state.cleanup(this.#options.clock.now());
  }

  /**
   * Sends what is waiting to the sinks. Guarantee: every event and value accepted before the call is, when the
   * promise resolves, delivered to every sink or reported failed (a `dropped` event with reason `sink_failed`,
   * and `failed` in the result), batches already in flight included.
   *
   * @returns Items delivered and failed while the call waited.
   * @example
   * ```ts
   * const { delivered, failed } = await collector.flush();
   * ```
   */
  async flush(): Promise<FlushResult> {
    this.#state.closeWindows(this.#options.clock.now());
    return this.#sinks.flush();
  }

  /**
   * Stops the timers, flushes (same guarantee as `flush()`) and closes the collector: later recording calls throw
   * CONFLICT; queries still work. Calling it again only flushes again.
   *
   * @returns The final flush's result.
   * @example
   * ```ts
   * await collector.shutdown();
   * ```
   */
  async shutdown(): Promise<FlushResult> {
    this.#closed = true;
    this.#stopTimers();
    return this.flush();
  }

  /**
   * Writes the snapshot to the storage adapter, under `<keyPrefix>snapshot`.
   *
   * @throws {PelbiotError} STORAGE_ERROR (or the adapter's code) when the write fails.
   * @example
   * ```ts
   * await collector.save();
   * ```
   */
  async save(): Promise<void> {
    const text = JSON.stringify(this.toJSON());
    try {
      await this.#options.storage.setItem(`${this.#options.keyPrefix}snapshot`, text);
    } catch (error) {
      throw toPelbiotError(error, "STORAGE_ERROR");
    }
  }

  /**
   * Creates a collector from the snapshot that `save()` wrote to `options.storage` under `options.keyPrefix`.
   *
   * @param options - The same options as the constructor (`storage` holds the snapshot).
   * @returns The restored collector.
   * @throws {PelbiotError} NOT_FOUND `{ id }` when no snapshot is stored; VALIDATION_ERROR for a damaged one.
   * @example
   * ```ts
   * const restored = await AnalyticsDataCollector.restore({ storage });
   * ```
   */
  static async restore(options: AnalyticsDataCollectorOptions = {}): Promise<AnalyticsDataCollector> {
    const resolved = resolveAnalyticsDataCollectorOptions(options);
    const key = `${resolved.keyPrefix}snapshot`;
    let text: string | null;
    try {
      text = await resolved.storage.getItem(key);
    } catch (error) {
      throw toPelbiotError(error, "STORAGE_ERROR");
    }
    if (text === null) {
      throw new PelbiotError("NOT_FOUND", `AnalyticsDataCollector.restore: no snapshot under ${JSON.stringify(key)}.`, {
        details: { id: key },
      });
    }
    return AnalyticsDataCollector.fromJSON(text, options);
  }

  /**
   * The collector's state as plain JSON values (aggregates, raw buffers, counters).
   *
   * @returns The snapshot.
   * @example
   * ```ts
   * const text = JSON.stringify(collector);
   * ```
   */
  toJSON(): AnalyticsDataCollectorSnapshot {
    return toAnalyticsDataCollectorSnapshot(this.#state, this.#options);
  }

  /**
   * Creates a working collector from a snapshot. Its window length and sketch accuracy are the snapshot's (giving
   * different ones in `options` is a VALIDATION_ERROR: aggregates cannot be re-windowed).
   *
   * @param json - The snapshot object or its JSON text.
   * @param options - Constructor options.
   * @returns The restored collector.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format, a malformed field or conflicting options.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot written by a newer release.
   * @example
   * ```ts
   * const copy = AnalyticsDataCollector.fromJSON(JSON.stringify(collector));
   * ```
   */
  static fromJSON(json: unknown, options: AnalyticsDataCollectorOptions = {}): AnalyticsDataCollector {
    const snapshot = fromAnalyticsDataCollectorSnapshot(json);
    const given = resolveAnalyticsDataCollectorOptions(options);
    const check = createValidator("AnalyticsDataCollector.fromJSON");
    const windowGiven = options.aggregationWindowMs ?? options.aggregationWindow;
    check.check(
      windowGiven === undefined || windowGiven === snapshot.aggregationWindowMs,
      "options.aggregationWindowMs",
      `must be the snapshot's ${snapshot.aggregationWindowMs} or absent`,
    );
    check.check(
      options.relativeAccuracy === undefined || options.relativeAccuracy === snapshot.relativeAccuracy,
      "options.relativeAccuracy",
      `must be the snapshot's ${snapshot.relativeAccuracy} or absent`,
    );
    check.done();
    const { aggregationWindow: _alias, ...rest } = options;
    const collector = new AnalyticsDataCollector({
      ...rest,
      maxSeries: Math.max(given.maxSeries, snapshot.series.length + snapshot.metrics.length),
      aggregationWindowMs: snapshot.aggregationWindowMs,
      relativeAccuracy: snapshot.relativeAccuracy,
    });
    collector.#load(snapshot);
    return collector;
  }

  #load(snapshot: ReturnType<typeof fromAnalyticsDataCollectorSnapshot>): void {
    const { store } = this.#state;
    for (const series of snapshot.series) {
      const key = series.kind === "event" ? series.name : metricSeriesKey(series.name, series.tags);
      const target = store.series(series.kind, key, series.name, series.tags);
      for (const [start, aggregate] of series.windows) target.windows.set(start, aggregate);
    }
    for (const event of snapshot.events) {
      this.#state.events.push(event);
      this.#state.eventIds.add(event.id);
    }
    for (const point of snapshot.metrics) {
      const series = store.series("metric", metricSeriesKey(point.name, point.tags), point.name, point.tags);
      this.#state.metrics.push(series, point.value, point.timestamp);
    }
    Object.assign(this.#state.counters, snapshot.counters);
  }

  #acceptEvent(checked: CheckedEvent): TrackEventResult {
    const now = this.#options.clock.now();
    this.#state.closeWindows(now);
    if (checked.id !== undefined && this.#state.isDuplicate(checked.id)) {
      this.#state.dropDuplicate(checked.name);
      return { id: checked.id, accepted: false };
    }
    this.#nextId += 1;
    const event = completeEvent(checked, `${this.#idPrefix}-${this.#nextId.toString(36)}`, now);
    this.#state.addEvent(event, checked.id !== undefined);
    this.#sinks.addEvent(event);
    if (this.listenerCount("event_tracked") > 0) this.emit("event_tracked", event);
    return { id: event.id, accepted: true };
  }

  /** Records a checked value; the series caps are checked only when it opens a new series. */
  #acceptMetric(checked: CheckedMetric, context: string): void {
    const { store } = this.#state;
    let series = store.cachedMetric(checked.name, checked.tags);
    if (series === undefined) {
      const key = metricSeriesKey(checked.name, checked.tags);
      store.assertRoom(context, "metric", checked.name, key);
      series = store.series("metric", key, checked.name, checked.tags);
      store.remember(checked.tags, series);
    }
    const now = this.#options.clock.now();
    this.#state.closeWindows(now);
    const timestamp = checked.timestamp ?? now;
    this.#state.addMetric(series, checked.value, timestamp);
    const listened = this.listenerCount("metric_recorded") > 0;
    if (!this.#sinks.active && !listened) return;
    const point: MetricPoint = { name: series.name, value: checked.value, tags: series.tags, timestamp };
    this.#sinks.addMetric(point);
    if (listened) this.emit("metric_recorded", point);
  }

  /** The hot path's check: a plain name, a finite value and flat string tags need no validator. */
  #isPlainMetric(name: unknown, value: unknown, tags: unknown): boolean {
    if (typeof name !== "string" || name.length === 0 || name.length > this.#options.maxNameLength) return false;
    if (typeof value !== "number" || !Number.isFinite(value)) return false;
    if (tags === undefined) return true;
    if (typeof tags !== "object" || tags === null || Object.getPrototypeOf(tags) !== Object.prototype) return false;
    let count = 0;
    for (const key in tags) {
      const tag = (tags as Record<string, unknown>)[key];
      if (typeof tag !== "string" || tag.length > this.#options.maxNameLength) return false;
      count += 1;
    }
    return count <= this.#options.maxProperties;
  }

  /**
   * The hot path's check for events: a plain name and user id, and flat properties of strings, finite numbers,
   * booleans and nulls whose JSON text cannot exceed `maxPropertyBytes` (escaping at most sextuples a character).
   * Anything else takes the full validator, which measures the JSON text exactly.
   */
  #isPlainEvent(name: unknown, properties: unknown, userId: unknown): boolean {
    const limits = this.#options;
    if (typeof name !== "string" || name.length === 0 || name.length > limits.maxNameLength) return false;
    if (
      userId !== undefined &&
      userId !== null &&
      (typeof userId !== "string" || userId.length === 0 || userId.length > limits.maxNameLength)
    ) {
      return false;
    }
    if (properties === undefined) return true;
    if (
      typeof properties !== "object" ||
      properties === null ||
      Object.getPrototypeOf(properties) !== Object.prototype
    ) {
      return false;
    }
    let count = 0;
    let bound = 2;
    for (const key in properties) {
      const value = (properties as Record<string, unknown>)[key];
      if (typeof value === "string") bound += value.length * 6 + 2;
      else if (typeof value === "number") {
        if (!Number.isFinite(value)) return false;
        bound += 24;
      } else if (typeof value !== "boolean" && value !== null) return false;
      else bound += 5;
      bound += key.length * 6 + 4;
      count += 1;
    }
    return count <= limits.maxProperties && bound <= limits.maxPropertyBytes;
  }

  #checkBatch(check: Validator, batch: unknown): { events: CheckedEvent[]; metrics: CheckedMetric[] } | undefined {
    const limits: InputLimits = this.#options;
    const events: CheckedEvent[] = [];
    const metrics: CheckedMetric[] = [];
    if (Array.isArray(batch)) {
      this.#checkBatchEvents(check, "batch", batch, events);
      return { events, metrics };
    }
    if (!check.object("batch", batch)) return undefined;
    check.knownKeys("batch", batch, ["events", "metrics"]);
    if (batch.events !== undefined && check.array("batch.events", batch.events, { minLength: 0 })) {
      this.#checkBatchEvents(check, "batch.events", batch.events, events);
    }
    if (batch.metrics !== undefined && check.array("batch.metrics", batch.metrics, { minLength: 0 })) {
      batch.metrics.forEach((item, index) => {
        const path = `batch.metrics.${index}`;
        if (!check.object(path, item)) return;
        check.knownKeys(path, item, ["name", "value", "tags", "timestamp"]);
        const metric = checkMetric(
          check,
          path,
          { name: item.name, value: item.value, tags: item.tags, options: item },
          limits,
        );
        if (metric !== undefined) metrics.push(metric);
      });
    }
    return { events, metrics };
  }

  /** Checks a batch's events (`path` is `batch.events`, or `batch` for an array of events) into `events`. */
  #checkBatchEvents(check: Validator, basePath: string, items: readonly unknown[], events: CheckedEvent[]): void {
    const limits: InputLimits = this.#options;
    items.forEach((item, index) => {
      const path = `${basePath}.${index}`;
      if (!check.object(path, item)) return;
      check.knownKeys(path, item, ["name", "properties", "userId", "id", "timestamp", "context"]);
      const event = checkEvent(
        check,
        path,
        { name: item.name, properties: item.properties, userId: item.userId, options: item },
        limits,
      );
      if (event !== undefined) events.push(event);
    });
  }

  /** Checks that every series the batch opens fits the caps, counting each new series once. */
  #assertBatchRoom(events: readonly CheckedEvent[], metrics: readonly CheckedMetric[]): void {
    const { store } = this.#state;
    const context = "AnalyticsDataCollector.recordBatch";
    const opened = new Set<string>();
    const perMetric = new Map<string, number>();
    for (const event of events) {
      if (store.events.has(event.name) || opened.has(`e:${event.name}`)) continue;
      store.assertRoom(context, "event", event.name, event.name, opened.size + 1);
      opened.add(`e:${event.name}`);
    }
    for (const metric of metrics) {
      const key = metricSeriesKey(metric.name, metric.tags);
      if (store.metrics.has(key) || opened.has(`m:${key}`)) continue;
      const forName = (perMetric.get(metric.name) ?? 0) + 1;
      store.assertRoom(context, "metric", metric.name, key, Math.max(opened.size + 1, forName));
      perMetric.set(metric.name, forName);
      opened.add(`m:${key}`);
    }
  }

  #checkQuery(check: Validator, name: unknown, query: unknown, metric: boolean): ResolvedQuery | undefined {
    if (name !== undefined) checkName(check, "name", name, this.#options);
    const given = query === undefined ? {} : query;
    if (!check.object("query", given)) return undefined;
    check.knownKeys("query", given, metric ? ["from", "to", "tags", "groupBy"] : ["from", "to"]);
    const from = checkTimestamp(check, "query.from", given.from) ?? Number.NEGATIVE_INFINITY;
    const to = checkTimestamp(check, "query.to", given.to) ?? Number.POSITIVE_INFINITY;
    check.check(from <= to, "query.to", "must not be before query.from");
    let tags: MetricTags = NO_TAGS;
    if (given.tags !== undefined && check.object("query.tags", given.tags)) {
      for (const [key, value] of Object.entries(given.tags)) check.string(`query.tags.${key}`, value, { minLength: 0 });
      tags = given.tags as MetricTags;
    }
    let groupBy: readonly string[] = [];
    if (given.groupBy !== undefined && check.array("query.groupBy", given.groupBy, { maxLength: 20 })) {
      given.groupBy.forEach((key, index) => {
        check.string(`query.groupBy.${index}`, key);
      });
      groupBy = given.groupBy as string[];
    }
    return { from, to, tags, groupBy };
  }

  #validate<T>(method: string, run: (check: Validator) => T | undefined): T {
    const check = createValidator(`AnalyticsDataCollector.${method}`);
    const result = run(check);
    check.done();
    if (result === undefined) {
      throw new PelbiotError("INTERNAL_ERROR", `AnalyticsDataCollector.${method}: the input check returned nothing.`);
    }
    return result;
  }

  #assertOpen(method: string): void {
    if (this.#closed) {
      throw new PelbiotError(
        "CONFLICT",
        `AnalyticsDataCollector.${method}: the collector is shut down; create a new one.`,
      );
    }
  }

  #scheduleTracking(): void {
    const interval = this.#options.trackingIntervalMs;
    if (interval === 0 || this.#closed) return;
    this.#trackingTimer = unref(
      this.#options.clock.setTimeout(() => {
        this.#state.closeWindows(this.#options.clock.now());
        this.#sinks.sealAndSend();
        this.#scheduleTracking();
      }, interval),
    );
  }

  #scheduleCleanup(): void {
    const interval = this.#options.autoCleanupIntervalMs;
    if (interval === 0 || this.#closed) return;
    this.#cleanupTimer = unref(
      this.#options.clock.setTimeout(() => {
        this.cleanup();
        this.#scheduleCleanup();
      }, interval),
    );
  }

  #stopTimers(): void {
    if (this.#trackingTimer !== undefined) this.#options.clock.clearTimeout(this.#trackingTimer);
    if (this.#cleanupTimer !== undefined) this.#options.clock.clearTimeout(this.#cleanupTimer);
    this.#trackingTimer = undefined;
    this.#cleanupTimer = undefined;
  }
}

/** Lets a Node timer not keep the process alive (other clocks' handles are returned as they are). */
function unref(handle: TimerHandle): TimerHandle {
  const timer = handle as { unref?: () => void };
  if (typeof timer === "object" && timer !== null && typeof timer.unref === "function") timer.unref();
  return handle;
}
