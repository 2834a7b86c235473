/**
 * Guide, "Best Practices":
 * "3. Performance Optimization"
 *
 * 1. Runs with the set-up it needs. `recordBatch` takes the guide's array of events. The guide's loop never records
 *    the last batch of fewer than 100 events; the nearest working form records it after the loop.
 * 2. Runs as written: `getModel` exists on the anomaly engine.
 * 3. Cannot run as written: PELBIOT has no general-purpose `RateLimiter` (the integrations limit their own provider
 *    calls, e.g. `MessagingIntegration`'s per-provider token bucket). The nearest working form is a small fixed-window
 *    limiter with the guide's options, defined here.
 */
import { AnalyticsDataCollector, type BatchEventInput } from "@pelbiot/analytics";
import { AnomalyDetectionEngine } from "@pelbiot/ml";
import { cpuSeries } from "./support/sample-series";

export const title = "3. Performance Optimization";

class RateLimiter {
  readonly #windowMs: number;
  readonly #maxRequests: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(options: { windowMs: number; maxRequests: number }) {
    this.#windowMs = options.windowMs;
    this.#maxRequests = options.maxRequests;
  }

  /** Whether one more request fits in the current window at `now`. */
  tryAcquire(now = Date.now()): boolean {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count >= this.#maxRequests) return false;
    this.#count += 1;
    return true;
  }
}

export async function run() {
  const analyticsCollector = new AnalyticsDataCollector();
  const anomalyDetector = new AnomalyDetectionEngine();
  anomalyDetector.trainModel("cpu_monitoring", cpuSeries(100));

  // 1. Batch operations
  const batchTrackEvents = async (events: readonly BatchEventInput[]) => {
    const batch: BatchEventInput[] = [];
    for (const event of events) {
      batch.push(event);
      if (batch.length >= 100) {
        await analyticsCollector.recordBatch(batch);
        batch.length = 0;
      }
    }
    if (batch.length > 0) await analyticsCollector.recordBatch(batch); // the remainder
  };
  await batchTrackEvents(
    Array.from({ length: 250 }, (_, index) => ({ name: "page_view", userId: `user-${index % 10}` })),
  );

  // 2. Cache expensive computations
  const modelCache = new Map<string, ReturnType<typeof anomalyDetector.getModel>>();
  const getModel = (modelName: string) => {
    if (modelCache.has(modelName)) {
      return modelCache.get(modelName);
    }
    const model = anomalyDetector.getModel(modelName);
    modelCache.set(modelName, model);
    return model;
  };
  const first = getModel("cpu_monitoring");
  const second = getModel("cpu_monitoring");

  // 3. Implement rate limiting
  const rateLimiter = new RateLimiter({
    windowMs: 60000,
    maxRequests: 100,
  });
  const start = Date.UTC(2026, 0, 1);
  const allowed = Array.from({ length: 120 }, () => rateLimiter.tryAcquire(start)).filter(Boolean).length;
  const nextWindow = rateLimiter.tryAcquire(start + 60000);

  const tracked = analyticsCollector.getEventStats("page_view").totalEvents;
  await analyticsCollector.shutdown();
  return { tracked, cached: first === second, pointsSeen: first?.pointsSeen, allowed, nextWindow };
}
