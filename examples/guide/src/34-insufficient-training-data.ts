/**
 * Guide, "Troubleshooting":
 * "Issue: \"Insufficient training data\" Error"
 *
 * Runs as written once the elided points are filled in (one reading every five minutes); with one point the same
 * call throws INSUFFICIENT_DATA with `details: { got, need }`.
 */
import { AnomalyDetectionEngine } from "@pelbiot/ml";

export const title = 'Issue: "Insufficient training data" Error';

export async function run() {
  const anomalyDetector = new AnomalyDetectionEngine();

  // Needs at least 50 data points
  const trainingData = [
    { timestamp: 1698624000000, value: 45.2 },
    // ... more data points (at least 50 total)
    ...Array.from({ length: 49 }, (_, index) => ({
      timestamp: 1698624000000 + (index + 1) * 300_000,
      value: 45 + Math.sin(index),
    })),
  ];

  let tooFew: unknown;
  try {
    anomalyDetector.trainModel("model-1", trainingData.slice(0, 1));
  } catch (error) {
    tooFew = { code: (error as { code: string }).code, details: (error as { details: unknown }).details };
  }

  anomalyDetector.trainModel("model-1", trainingData);

  return { tooFew, pointsSeen: anomalyDetector.getModel("model-1").pointsSeen };
}
