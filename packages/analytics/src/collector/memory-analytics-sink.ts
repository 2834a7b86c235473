import type { AnalyticsSink, AnalyticsSinkBatch } from "./analytics-data-collector-types";

/** An in-process sink that keeps every batch it receives: for tests, demos and local inspection. */
export interface MemoryAnalyticsSink extends AnalyticsSink {
  /** Every batch received, in order. */
  readonly batches: readonly AnalyticsSinkBatch[];
  /** Empties `batches`. */
  clear(): void;
}

/**
 * Creates a sink that keeps the batches in memory (nothing leaves the process; memory grows with every batch, so
 * call `clear()` in long runs).
 *
 * @param name - The sink's name in logs and events.
 * @returns The sink.
 * @example
 * ```ts
 * const sink = createMemoryAnalyticsSink();
 * const collector = new AnalyticsDataCollector({ sinks: [sink] });
 * collector.trackEvent("signup");
 * await collector.flush();
 * sink.batches[0]?.events.length; // 1
 * ```
 */
export function createMemoryAnalyticsSink(name = "memory"): MemoryAnalyticsSink {
  const batches: AnalyticsSinkBatch[] = [];
  return {
    name,
    batches,
    send(batch) {
      batches.push(batch);
    },
    clear() {
      batches.length = 0;
    },
  };
}
