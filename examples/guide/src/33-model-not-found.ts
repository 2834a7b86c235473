/**
 * Guide, "Troubleshooting":
 * "Issue: \"Model not found\" Error"
 *
 * Runs as written. The wrong order throws a `PelbiotError` with code MODEL_NOT_FOUND; the set-up supplies
 * `trainingData` (enough points) and `data`.
 */
import { AnomalyDetectionEngine } from "@pelbiot/ml";
import { cpuSeries } from "./support/sample-series";

export const title = 'Issue: "Model not found" Error';

export async function run() {
  const anomalyDetector = new AnomalyDetectionEngine();
  const series = cpuSeries(120);
  const trainingData = series.slice(0, 100);
  const data = series.slice(100);

  // Wrong
  let wrong = "";
  try {
    anomalyDetector.detectAnomalies("model-1", data);
  } catch (error) {
    wrong = (error as { code: string }).code;
  }

  // Correct
  anomalyDetector.trainModel("model-1", trainingData);
  const result = anomalyDetector.detectAnomalies("model-1", data);

  return { wrong, correct: Array.isArray(result) };
}
