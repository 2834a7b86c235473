/**
 * The guide's examples, one per code block of `guide.txt`, in the guide's order. Run them all with `pnpm start` in
 * this folder (or one: `pnpm start 07`); the test in `test/` runs each and checks what it returns.
 */
import { pathToFileURL } from "node:url";
import * as example01 from "./01-offline-sync-manager";
import * as example02 from "./02-push-notification-manager";
import * as example03 from "./03-biometric-auth-manager";
import * as example04 from "./04-mobile-app-config";
import * as example05 from "./05-api-credentials-manager";
import * as example06 from "./06-payment-gateway-integration";
import * as example07 from "./07-messaging-integration";
import * as example08 from "./08-webhook-manager";
import * as example09 from "./09-credentials-configuration";
import * as example10 from "./10-analytics-data-collector";
import * as example11 from "./11-dashboard-manager";
import * as example12 from "./12-report-generator";
import * as example13 from "./13-predictive-analytics-engine";
import * as example14 from "./14-analytics-configuration";
import * as example15 from "./15-anomaly-detection-engine";
import * as example16 from "./16-time-series-forecasting-engine";
import * as example17 from "./17-classification-model";
import * as example18 from "./18-clustering-algorithm";
import * as example19 from "./19-recommendation-engine";
import * as example20 from "./20-ml-configuration";
import * as example21 from "./21-development-setup";
import * as example22 from "./22-production-setup";
import * as example23 from "./23-mobile-sync-storage";
import * as example24 from "./24-analytics-storage";
import * as example25 from "./25-credentials-storage";
import * as example26 from "./26-event-driven-processing";
import * as example27 from "./27-chain-of-responsibility";
import * as example28 from "./28-async-processing-queue";
import * as example29 from "./29-error-handling";
import * as example30 from "./30-security-best-practices";
import * as example31 from "./31-performance-optimization";
import * as example32 from "./32-monitoring-and-logging";
import * as example33 from "./33-model-not-found";
import * as example34 from "./34-insufficient-training-data";
import * as example35 from "./35-webhook-delivery-failed";
import * as example36 from "./36-high-memory-usage";
import * as example37 from "./37-monitoring-setup";

/** One example: its file name (without `.ts`), the guide's title above the code block, and the code. */
export interface GuideExample {
  readonly file: string;
  readonly title: string;
  readonly run: () => Promise<unknown>;
}

/** Every example, in the guide's order. */
export const examples: readonly GuideExample[] = [
  { file: "01-offline-sync-manager", title: example01.title, run: example01.run },
  { file: "02-push-notification-manager", title: example02.title, run: example02.run },
  { file: "03-biometric-auth-manager", title: example03.title, run: example03.run },
  { file: "04-mobile-app-config", title: example04.title, run: example04.run },
  { file: "05-api-credentials-manager", title: example05.title, run: example05.run },
  { file: "06-payment-gateway-integration", title: example06.title, run: example06.run },
  { file: "07-messaging-integration", title: example07.title, run: example07.run },
  { file: "08-webhook-manager", title: example08.title, run: example08.run },
  { file: "09-credentials-configuration", title: example09.title, run: example09.run },
  { file: "10-analytics-data-collector", title: example10.title, run: example10.run },
  { file: "11-dashboard-manager", title: example11.title, run: example11.run },
  { file: "12-report-generator", title: example12.title, run: example12.run },
  { file: "13-predictive-analytics-engine", title: example13.title, run: example13.run },
  { file: "14-analytics-configuration", title: example14.title, run: example14.run },
  { file: "15-anomaly-detection-engine", title: example15.title, run: example15.run },
  { file: "16-time-series-forecasting-engine", title: example16.title, run: example16.run },
  { file: "17-classification-model", title: example17.title, run: example17.run },
  { file: "18-clustering-algorithm", title: example18.title, run: example18.run },
  { file: "19-recommendation-engine", title: example19.title, run: example19.run },
  { file: "20-ml-configuration", title: example20.title, run: example20.run },
  { file: "21-development-setup", title: example21.title, run: example21.run },
  { file: "22-production-setup", title: example22.title, run: example22.run },
  { file: "23-mobile-sync-storage", title: example23.title, run: example23.run },
  { file: "24-analytics-storage", title: example24.title, run: example24.run },
  { file: "25-credentials-storage", title: example25.title, run: example25.run },
  { file: "26-event-driven-processing", title: example26.title, run: example26.run },
  { file: "27-chain-of-responsibility", title: example27.title, run: example27.run },
  { file: "28-async-processing-queue", title: example28.title, run: example28.run },
  { file: "29-error-handling", title: example29.title, run: example29.run },
  { file: "30-security-best-practices", title: example30.title, run: example30.run },
  { file: "31-performance-optimization", title: example31.title, run: example31.run },
  { file: "32-monitoring-and-logging", title: example32.title, run: example32.run },
  { file: "33-model-not-found", title: example33.title, run: example33.run },
  { file: "34-insufficient-training-data", title: example34.title, run: example34.run },
  { file: "35-webhook-delivery-failed", title: example35.title, run: example35.run },
  { file: "36-high-memory-usage", title: example36.title, run: example36.run },
  { file: "37-monitoring-setup", title: example37.title, run: example37.run },
];

/** Runs the examples whose file name starts with one of `filters` (all without filters) and prints their results. */
export async function runExamples(filters: readonly string[] = []): Promise<void> {
  for (const example of examples) {
    if (filters.length > 0 && !filters.some((filter) => example.file.startsWith(filter))) continue;
    const started = performance.now();
    const result = await example.run();
    const elapsed = (performance.now() - started).toFixed(0);
    console.log(`\n== ${example.file} (${example.title}) ${elapsed} ms`);
    console.dir(result, { depth: 4, maxArrayLength: 8, maxStringLength: 120 });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runExamples(process.argv.slice(2));
}
