/**
 * The PELBIOT tour, run with `pnpm demo` from the repository root: one day at Pelbiot Outfitters, a made-up
 * outdoor-gear shop, told through the five packages working together in one process with their built-in defaults
 * (sandbox payments, in-memory stores, the log push transport, a software passkey authenticator). Every step checks
 * its own outcome; the first check that fails stops the tour with a message and exit code 1. The report files land
 * in `examples/tour/out/`.
 */
import { rm } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { PelbiotError } from "@pelbiot/core";
import { analyticsChapter } from "./chapter-analytics";
import { coreChapter } from "./chapter-core";
import { mlChapter } from "./chapter-ml";
import { mobileChapter } from "./chapter-mobile";
import { paymentsChapter } from "./chapter-payments";
import { reportChapter } from "./chapter-report";
import { cpuReadings, DAY, HOUR } from "./shop-data";
import { checksPassed, TourFailure } from "./story";

const OUT_DIRECTORY = fileURLToPath(new URL("../out", import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

async function main(): Promise<number> {
  const started = performance.now();
  console.log(
    "PELBIOT tour: a day at Pelbiot Outfitters, an outdoor-gear shop, with all five packages in one process.",
  );
  await rm(OUT_DIRECTORY, { recursive: true, force: true });
  // The collector listens from the first payment on; the other chapters feed it and read from it.
  const analytics = new AnalyticsDataCollector({ dataRetentionDays: 30 });
  try {
    // Two weeks of whole UTC days, up to the last hour of yesterday, so the daily report rows are complete.
    const lastHour = Math.floor(Date.now() / DAY) * DAY - HOUR;
    const cpu = cpuReadings(lastHour);
    await paymentsChapter(analytics);
    const recorded = await analyticsChapter(analytics, cpu);
    const ml = await mlChapter(analytics);
    await mobileChapter(analytics);
    const files = await reportChapter(analytics, ml, OUT_DIRECTORY, recorded);
    await coreChapter();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`\nThe tour is complete: ${checksPassed()} checks passed in ${seconds} s.`);
    const shown = (path: string) => relative(REPOSITORY_ROOT, path);
    console.log(`Open ${shown(files.pdf)} and ${shown(files.svg)} to see the report and the forecast chart.`);
    return 0;
  } catch (error) {
    console.error(`\n✗ The tour stopped: ${describe(error)}`);
    return 1;
  } finally {
    await analytics.shutdown();
  }
}

function describe(error: unknown): string {
  if (error instanceof TourFailure) return error.message;
  if (PelbiotError.is(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// Exit explicitly: a step that failed half-way may leave a server or timer behind, and the exit code must stand.
process.exit(await main());
