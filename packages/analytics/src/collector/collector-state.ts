import type { ResolvedAnalyticsDataCollectorOptions } from "./analytics-data-collector-options";
import type { AnalyticsEvent, ClosedWindow, DropCounters, DropReason } from "./analytics-data-collector-types";
import { BoundedBuffer } from "./bounded-buffer";
import { PointBuffer } from "./point-buffer";
import type { CheckedEvent } from "./record-input";
import { type Series, SeriesStore } from "./series-store";
import { addOccurrence, addValue } from "./window-aggregate";

/** How the state reports what happened, so the façade can emit it. */
export interface StateListener {
  dropped(reason: DropReason, count: number, name?: string): void;
  windowClosed(window: ClosedWindow): void;
}

/** Mutable counters behind {@link DropCounters}. */
export type MutableDropCounters = { -readonly [Key in keyof DropCounters]: DropCounters[Key] };

/** A new set of zero counters. */
export function zeroCounters(): MutableDropCounters {
  return { duplicateEvents: 0, evictedEvents: 0, evictedMetrics: 0, evictedWindows: 0, sinkBacklog: 0, sinkFailed: 0 };
}

/**
 * The collector's data: aggregates per series and window, the bounded raw buffers, the id set that drops duplicate
 * events, the drop counters, and the open window whose closing is reported once.
 */
export class CollectorState {
  readonly store: SeriesStore;
  readonly events: BoundedBuffer<AnalyticsEvent>;
  readonly metrics: PointBuffer;
  readonly eventIds = new Set<string>();
  readonly counters: MutableDropCounters = zeroCounters();
  readonly #options: ResolvedAnalyticsDataCollectorOptions;
  readonly #listener: StateListener;
  #openWindow: number;
  #openEvents = 0;
  #openMetrics = 0;

  constructor(options: ResolvedAnalyticsDataCollectorOptions, listener: StateListener) {
    this.#options = options;
    this.#listener = listener;
    this.store = new SeriesStore(options, (series, count) => {
      this.counters.evictedWindows += count;
      listener.dropped("evicted_window", count, series.name);
    });
    this.events = new BoundedBuffer(options.maxEvents);
    this.metrics = new PointBuffer(options.maxMetrics);
    this.#openWindow = this.store.windowStart(options.clock.now());
  }

  /** Reports the open window as closed when the clock has passed its end. */
  closeWindows(now: number): void {
    const start = this.store.windowStart(now);
    if (start <= this.#openWindow) return;
    const window: ClosedWindow = {
      start: this.#openWindow,
      end: this.#openWindow + this.#options.aggregationWindowMs,
      events: this.#openEvents,
      metrics: this.#openMetrics,
    };
    this.#openWindow = start;
    this.#openEvents = 0;
    this.#openMetrics = 0;
    this.#listener.windowClosed(window);
  }

  /** Whether an event with this id is kept already. */
  isDuplicate(id: string): boolean {
    return this.eventIds.has(id);
  }

  /** Records a checked event (not a duplicate, series room checked); `givenId` when the caller chose the id. */
  addEvent(event: AnalyticsEvent, givenId: boolean): void {
    const series = this.store.series("event", event.name, event.name, {});
    addOccurrence(this.store.aggregate(series, event.timestamp), event.userId);
    if (this.store.windowStart(event.timestamp) === this.#openWindow) this.#openEvents += 1;
    if (this.#options.maxEvents === 0) return;
    // Generated ids are unique by construction; only ids chosen by callers can repeat.
    if (givenId) this.eventIds.add(event.id);
    const evicted = this.events.push(event);
    if (evicted !== undefined) {
      if (this.eventIds.size > 0) this.eventIds.delete(evicted.id);
      this.counters.evictedEvents += 1;
      this.#listener.dropped("evicted_event", 1, evicted.name);
    }
  }

  /** Records a metric value into its series. */
  addMetric(series: Series, value: number, timestamp: number): void {
    addValue(this.store.aggregate(series, timestamp), value);
    if (this.store.windowStart(timestamp) === this.#openWindow) this.#openMetrics += 1;
    const evicted = this.metrics.push(series, value, timestamp);
    if (evicted !== undefined) {
      this.counters.evictedMetrics += 1;
      this.#listener.dropped("evicted_metric", 1, evicted.name);
    }
  }

  /** Counts and reports a duplicate event. */
  dropDuplicate(name: string): void {
    this.counters.duplicateEvents += 1;
    this.#listener.dropped("duplicate_event", 1, name);
  }

  /** Evicts windows, raw events and raw points older than the retention. */
  cleanup(now: number): { windows: number; events: number; metrics: number } {
    const cutoff = now - this.#options.retentionMs;
    const windows = this.store.evictBefore(cutoff);
    const events = this.events.retain((event) => event.timestamp >= cutoff);
    for (const event of events) this.eventIds.delete(event.id);
    if (events.length > 0) {
      this.counters.evictedEvents += events.length;
      this.#listener.dropped("evicted_event", events.length);
    }
    const metrics = this.metrics.evictBefore(cutoff);
    if (metrics > 0) {
      this.counters.evictedMetrics += metrics;
      this.#listener.dropped("evicted_metric", metrics);
    }
    return { windows, events: events.length, metrics };
  }
}

/** Fills in an event's id and timestamp. */
export function completeEvent(checked: CheckedEvent, id: string, now: number): AnalyticsEvent {
  const event: AnalyticsEvent = {
    id: checked.id ?? id,
    name: checked.name,
    properties: checked.properties,
    userId: checked.userId,
    timestamp: checked.timestamp ?? now,
    ...(checked.context === undefined ? {} : { context: checked.context }),
  };
  return event;
}
