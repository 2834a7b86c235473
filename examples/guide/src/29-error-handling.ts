/**
 * Guide, "Best Practices":
 * "1. Error Handling"
 *
 * Cannot run quite as written: no method returns `{ success, error }`. A failed call throws a `PelbiotError` with a
 * stable `code` (here MODEL_NOT_FOUND, for a model that was never trained), so the `if (!result.success)` branch has
 * nothing to test, and the catch block tells errors apart by `code` (checked with `PelbiotError.is`, which works
 * across copies of the library). `detectAnomalies` is synchronous; the guide's `await` does no harm.
 */
import { createLogger, type LogRecord, PelbiotError } from "@pelbiot/core";
import { AnomalyDetectionEngine } from "@pelbiot/ml";
import { cpuSeries } from "./support/sample-series";

export const title = "1. Error Handling";

export async function run() {
  const records: LogRecord[] = [];
  const logger = createLogger({ sink: (record) => records.push(record) });
  const anomalyDetector = new AnomalyDetectionEngine();
  const modelName = "checkout_latency"; // never trained
  const data = cpuSeries(10);

  const detect = async () => {
    // Always wrap calls in try-catch
    try {
      const result = await anomalyDetector.detectAnomalies(modelName, data);
      return { anomalies: result, count: result.length };
    } catch (error) {
      logger.error("Anomaly detection failed:", { code: PelbiotError.is(error) ? error.code : "UNKNOWN" });
      // Handle gracefully
      return { anomalies: [], count: 0 };
    }
  };

  const handled = await detect();
  return { count: handled.count, logged: records.map((record) => [record.level, record.fields?.code]) };
}
