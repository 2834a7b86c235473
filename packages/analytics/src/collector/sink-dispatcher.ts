import { type Clock, type Logger, type RetryOptions, retry } from "@pelbiot/core";
import type {
  AnalyticsEvent,
  AnalyticsSink,
  AnalyticsSinkBatch,
  FlushResult,
  MetricPoint,
} from "./analytics-data-collector-types";

/** The settings of a {@link SinkDispatcher}. */
export interface SinkDispatcherSettings {
  readonly sinks: readonly AnalyticsSink[];
  readonly batchSize: number;
  readonly maxPendingItems: number;
  readonly retry: Omit<RetryOptions, "clock" | "signal">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Reports items not queued (backlog full) or not delivered (a sink failed after every retry). */
  readonly onDropped: (reason: "sink_backlog" | "sink_failed", count: number, sink?: string) => void;
}

/**
 * Batches accepted events and points for the sinks: a batch is sealed when it holds `batchSize` items or when
 * {@link SinkDispatcher.sealAndSend} is called (the tracking timer, `flush()`), then sent to every sink, one batch at
 * a time per sink, in order, each write retried through core's `retry()`.
 */
export class SinkDispatcher {
  readonly #settings: SinkDispatcherSettings;
  #events: AnalyticsEvent[] = [];
  #metrics: MetricPoint[] = [];
  /** Items sealed but not yet settled for every sink. */
  #inFlightItems = 0;
  readonly #chains = new Map<AnalyticsSink, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #delivered = 0;
  #failed = 0;

  constructor(settings: SinkDispatcherSettings) {
    this.#settings = settings;
  }

  /** Whether any sink is configured (no sink: nothing is buffered). */
  get active(): boolean {
    return this.#settings.sinks.length > 0;
  }

  /** Items waiting in the open batch or in flight. */
  get pending(): number {
    return this.#events.length + this.#metrics.length + this.#inFlightItems;
  }

  /** Queues an event; sends the batch when full. */
  addEvent(event: AnalyticsEvent): void {
    if (!this.#admit()) return;
    this.#events.push(event);
    if (this.#events.length + this.#metrics.length >= this.#settings.batchSize) this.sealAndSend();
  }

  /** Queues a metric point; sends the batch when full. */
  addMetric(point: MetricPoint): void {
    if (!this.#admit()) return;
    this.#metrics.push(point);
    if (this.#events.length + this.#metrics.length >= this.#settings.batchSize) this.sealAndSend();
  }

  #admit(): boolean {
    if (!this.active) return false;
    if (this.pending < this.#settings.maxPendingItems) return true;
    this.#settings.onDropped("sink_backlog", 1);
    return false;
  }

  /** Seals the open batch (if any) and starts sending it to every sink. */
  sealAndSend(): void {
    const size = this.#events.length + this.#metrics.length;
    if (size === 0) return;
    const batch: AnalyticsSinkBatch = Object.freeze({ events: this.#events, metrics: this.#metrics });
    this.#events = [];
    this.#metrics = [];
    this.#inFlightItems += size;
    const deliveries = this.#settings.sinks.map((sink) => this.#sendTo(sink, batch));
    const settled = Promise.all(deliveries).then((results) => {
      this.#inFlightItems -= size;
      if (results.every(Boolean)) this.#delivered += size;
      else this.#failed += size;
    });
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
  }

  /** Sends one batch to one sink after its previous batch; resolves `true` when delivered. */
  #sendTo(sink: AnalyticsSink, batch: AnalyticsSinkBatch): Promise<boolean> {
    const previous = this.#chains.get(sink) ?? Promise.resolve();
    const size = batch.events.length + batch.metrics.length;
    const attempt = previous.then(async () => {
      try {
        await retry(async () => sink.send(batch), { ...this.#settings.retry, clock: this.#settings.clock });
        return true;
      } catch (error) {
        this.#settings.logger.warn("analytics sink batch failed after every retry", {
          sink: sink.name,
          items: size,
          error: error instanceof Error ? error.message : String(error),
        });
        this.#settings.onDropped("sink_failed", size, sink.name);
        return false;
      }
    });
    this.#chains.set(
      sink,
      attempt.then(() => undefined),
    );
    return attempt;
  }

  /**
   * Sends the open batch and waits until every sealed batch, including those already in flight, is delivered to
   * every sink or reported failed.
   */
  async flush(): Promise<FlushResult> {
    const delivered = this.#delivered;
    const failed = this.#failed;
    this.sealAndSend();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    return { delivered: this.#delivered - delivered, failed: this.#failed - failed };
  }
}
