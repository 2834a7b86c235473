// AnalyticsDataCollector: recordMetric / trackEvent throughput next to a plain array + Map push in the same run,
// quantile accuracy on 1M log-normal values against exact quantiles, and the size of one metric series at 1e5 and
// 1e7 values. Run with `pnpm --filter @pelbiot/analytics bench collector` (add `--expose-gc` through NODE_OPTIONS
// for heap figures).
import { AnalyticsDataCollector } from "../src/collector/analytics-data-collector";

const TAGS = Array.from({ length: 10 }, (_, index) => ({
  endpoint: `/api/${index}`,
  method: index % 2 ? "GET" : "POST",
}));

/** A seeded uniform generator (mulberry32), so every run draws the same values. */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormal(count: number, seed: number): Float64Array {
  const random = uniform(seed);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[index] = Math.exp(3 + gaussian);
  }
  return values;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[sorted.length >> 1] as number;
}

function perSecond(count: number, run: () => void): number {
  const rates: number[] = [];
  for (let repeat = 0; repeat < 5; repeat += 1) {
    const start = performance.now();
    run();
    rates.push(count / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

function format(rate: number): string {
  return `${(rate / 1e6).toFixed(2)} M/s`;
}

function throughput(): void {
  const metrics = 1_000_000;
  const events = 500_000;
  const values = logNormal(metrics, 1);
  const collect = () => new AnalyticsDataCollector({ trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
  const metricRate = perSecond(metrics, () => {
    const collector = collect();
    for (let index = 0; index < metrics; index += 1) {
      collector.recordMetric("api_response_time", values[index] as number, TAGS[index % 10]);
    }
  });
  const metricBaseline = perSecond(metrics, () => {
    const points: object[] = [];
    const series = new Map<string, number[]>();
    for (let index = 0; index < metrics; index += 1) {
      const tags = TAGS[index % 10] as { endpoint: string; method: string };
      const point = { name: "api_response_time", value: values[index] as number, tags, timestamp: Date.now() };
      points.push(point);
      const key = `${point.name}|${tags.endpoint}|${tags.method}`;
      const list = series.get(key);
      if (list === undefined) series.set(key, [point.value]);
      else list.push(point.value);
    }
  });
  const properties = { platform: "web", duration: 1500 };
  const users = Array.from({ length: 1000 }, (_, index) => `user-${index}`);
  const eventRate = perSecond(events, () => {
    const collector = collect();
    for (let index = 0; index < events; index += 1) {
      collector.trackEvent("user_login", properties, users[index % 1000]);
    }
  });
  const eventBaseline = perSecond(events, () => {
    const list: object[] = [];
    const counts = new Map<string, number>();
    for (let index = 0; index < events; index += 1) {
      list.push({
        id: String(index),
        name: "user_login",
        properties,
        userId: users[index % 1000],
        timestamp: Date.now(),
      });
      counts.set("user_login", (counts.get("user_login") ?? 0) + 1);
    }
  });
  console.log("| call | collector | plain array + Map push | target |");
  console.log("| --- | --- | --- | --- |");
  console.log(`| recordMetric (10 tag sets) | ${format(metricRate)} | ${format(metricBaseline)} | ≥ 1 M/s |`);
  console.log(
    `| trackEvent (2 properties, 1000 users) | ${format(eventRate)} | ${format(eventBaseline)} | ≥ 0.5 M/s |`,
  );
}

function accuracy(): void {
  const count = 1_000_000;
  const values = logNormal(count, 7);
  const collector = new AnalyticsDataCollector({ trackingIntervalMs: 0, autoCleanupIntervalMs: 0, maxMetrics: 0 });
  for (const value of values) collector.recordMetric("latency", value);
  const stats = collector.getMetricStats("latency")[0];
  const sorted = Float64Array.from(values).sort();
  console.log("\n| quantile | exact | collector | relative error |");
  console.log("| --- | --- | --- | --- |");
  for (const [label, quantile] of [
    ["p50", 0.5],
    ["p90", 0.9],
    ["p95", 0.95],
    ["p99", 0.99],
  ] as const) {
    const exact = sorted[Math.floor(quantile * (count - 1))] as number;
    const estimate = stats?.[label] as number;
    console.log(
      `| ${label} | ${exact.toFixed(3)} | ${estimate.toFixed(3)} | ${((Math.abs(estimate - exact) / exact) * 100).toFixed(3)} % |`,
    );
  }
}

function seriesSize(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log("| values in one series | sketch bins | snapshot JSON of the series | heap growth |");
  console.log("| --- | --- | --- | --- |");
  // The first, small run warms the code up so its allocations are not counted against 1e5.
  for (const count of [1e3, 1e5, 1e7]) {
    gc?.();
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const collector = new AnalyticsDataCollector({
      trackingIntervalMs: 0,
      autoCleanupIntervalMs: 0,
      maxMetrics: 0,
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined },
    });
    const random = uniform(3);
    for (let index = 0; index < count; index += 1) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      collector.recordMetric("latency", Math.exp(3 + gaussian));
    }
    gc?.();
    gc?.();
    const heap = process.memoryUsage().heapUsed - before;
    const window = collector.toJSON().series[0]?.windows[0];
    const bins = (window?.sketch?.positive.length ?? 0) + (window?.sketch?.negative.length ?? 0);
    const size = JSON.stringify(collector.toJSON().series).length;
    const heapText = gc === undefined ? "(run with --expose-gc)" : `${(heap / 1024).toFixed(0)} KiB`;
    if (count === 1e3) continue;
    console.log(`| ${count.toExponential(0)} | ${bins} | ${(size / 1024).toFixed(1)} KiB | ${heapText} |`);
  }
}

export default async function run(): Promise<void> {
  seriesSize();
  console.log();
  throughput();
  accuracy();
}
