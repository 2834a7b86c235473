/**
 * Guide, "Module Details › 4. AI/ML Features":
 * "ClassificationModel - Classification"
 *
 * Runs as written, with one change: the guide passes `features` both to `trainModel` (the feature names) and to
 * `predictClass` (the row to classify). In TypeScript they are two values, the names and a record holding each
 * feature. `labels` is the label column's name (an array of labels, one per row, works too).
 */
import { ClassificationModel } from "@pelbiot/ml";

export const title = "ClassificationModel - Classification";

export async function run() {
  // Customers with short tenure and low spend leave.
  const trainingData = Array.from({ length: 200 }, (_, index) => {
    const tenure = (index * 37) % 48;
    const spend = 10 + ((index * 53) % 90);
    return { tenure, spend, churned: tenure + spend / 3 < 30 ? "yes" : "no" };
  });
  const features = ["tenure", "spend"];
  const labels = "churned";

  // Initialize
  const classifier = new ClassificationModel({
    testSplitRatio: 0.2,
    learningRate: 0.01,
  });

  // Train model
  const trained = classifier.trainModel("user_churn", trainingData, features, labels);

  // Make prediction
  const prediction = classifier.predictClass("user_churn", { tenure: 3, spend: 20 });

  return { accuracy: trained.testMetrics?.accuracy, label: prediction.label };
}
