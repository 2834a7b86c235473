/**
 * Chapter: the collector that has been listening since the first payment gets two weeks of server metrics and
 * storefront traffic, then answers with exact counts and DDSketch percentiles.
 */
import type { AnalyticsDataCollector } from "@pelbiot/analytics";
import { createRandom } from "@pelbiot/ml";
import { CPU_DAYS, DAY, type Reading, SPIKE_VALUE } from "./shop-data";
import { chapter, fixed, say, verify } from "./story";

/** What the analytics chapter recorded, for the report chapter to check against. */
export interface Recorded {
  readonly orders: number;
  readonly cpuReadings: number;
}

/** Runs the analytics chapter: records the CPU readings and two weeks of checkouts and page views. */
export async function analyticsChapter(analytics: AnalyticsDataCollector, cpu: readonly Reading[]): Promise<Recorded> {
  chapter("Analytics: events and metrics (@pelbiot/analytics)");
  const random = createRandom(5);
  const firstHour = cpu[0]?.timestamp ?? Date.now();
  const checkoutTimes: number[] = [];
  for (const reading of cpu)
    analytics.recordMetric("cpu_usage", reading.value, { host: "web-1" }, { timestamp: reading.timestamp });
  // Checkouts: about 40 a day over the two weeks, each with a latency and the endpoint that served it.
  const pageViews: { name: string; userId: string; properties: { path: string }; timestamp: number }[] = [];
  for (let day = CPU_DAYS - 1; day >= 0; day -= 1) {
    for (let index = 0; index < 40; index += 1) {
      const timestamp = firstHour + (CPU_DAYS - 1 - day) * DAY + random.integer(DAY);
      const endpoint = index % 4 === 0 ? "/api/checkout/express" : "/api/checkout";
      const latency = Math.round((endpoint === "/api/checkout" ? 180 : 95) * Math.exp(0.35 * random.normal()));
      analytics.recordMetric("checkout_latency_ms", latency, { endpoint }, { timestamp });
      const basket = Math.round(85 * Math.exp(0.5 * random.normal()) * 100) / 100;
      analytics.recordMetric("order_value_usd", basket, { channel: index % 3 === 0 ? "app" : "web" }, { timestamp });
      checkoutTimes.push(timestamp);
      const userId = `shopper-${1 + random.integer(300)}`;
      pageViews.push({ name: "page_view", userId, properties: { path: "/cart" }, timestamp });
    }
  }
  // Many at once: validated together and recorded all or nothing.
  const batch = await analytics.recordBatch({ events: pageViews });
  say(
    `recorded ${cpu.length} CPU readings, ${checkoutTimes.length} checkouts (value and latency), ${batch.events} page views`,
  );

  const events = analytics.getEventStats();
  const byName = Object.fromEntries(events.byName.map((entry) => [entry.name, entry.count]));
  say(`events: ${events.totalEvents} in total from about ${events.distinctUsers} distinct users`);
  say(`  ${events.byName.map((entry) => `${entry.name} ${entry.count}`).join(", ")}`);
  verify(
    byName.payment_confirmed === 1 && byName.payment_refunded === 1 && byName.payment_failed === 1,
    "the payment events were tracked through the payment listeners",
    byName,
  );
  verify(byName.page_view === pageViews.length, `all ${pageViews.length} page views were counted`, byName.page_view);

  const [cpuStats] = analytics.getMetricStats("cpu_usage");
  say(
    `cpu_usage: p50 ${fixed(cpuStats?.p50 ?? Number.NaN)} %, p95 ${fixed(cpuStats?.p95 ?? Number.NaN)} %, ` +
      `max ${fixed(cpuStats?.max ?? Number.NaN)} %`,
  );
  verify(
    cpuStats?.count === cpu.length && cpuStats.max === SPIKE_VALUE,
    `every CPU reading is counted and the maximum is the ${SPIKE_VALUE} % spike`,
    cpuStats,
  );
  const latency = analytics.getMetricStats("checkout_latency_ms", { groupBy: ["endpoint"] });
  for (const group of latency) {
    say(
      `checkout latency on ${group.group.endpoint}: p50 ${fixed(group.p50 ?? 0, 0)} ms, p95 ${fixed(group.p95 ?? 0, 0)} ms`,
    );
  }
  const slow = latency.find((group) => group.group.endpoint === "/api/checkout");
  const express = latency.find((group) => group.group.endpoint === "/api/checkout/express");
  verify(
    slow !== undefined && express !== undefined && (express.p50 ?? 0) < (slow.p50 ?? 0),
    "the express checkout is faster at the median than the standard one",
  );
  return { orders: checkoutTimes.length, cpuReadings: cpu.length };
}
