/**
 * Guide, "Module Details › 4. AI/ML Features":
 * "AnomalyDetectionEngine - Anomaly Detection"
 *
 * Runs as written; the engine works in memory, so the calls are synchronous. The set-up: 300 hours of CPU readings
 * to train on, then 36 more with one spike to 98 %.
 */
import { AnomalyDetectionEngine } from "@pelbiot/ml";
import { cpuSeries } from "./support/sample-series";

export const title = "AnomalyDetectionEngine - Anomaly Detection";

export async function run() {
  const cpu = cpuSeries(336);
  const trainingData = cpu.slice(0, 300);
  const dataPoints = cpu.slice(300).map((point, index) => (index === 10 ? { ...point, value: 98 } : point));

  // Initialize
  const anomalies = new AnomalyDetectionEngine({
    sensitivityThreshold: 2.5,
    minTrainingPoints: 50,
  });

  // Train model
  anomalies.trainModel("cpu_monitoring", trainingData);

  // Detect anomalies
  const detected = anomalies.detectAnomalies("cpu_monitoring", dataPoints);

  // Get anomalies list
  const list = anomalies.getAnomalies("cpu_monitoring", 100);

  return {
    detected: detected.map((anomaly) => ({ value: anomaly.value, severity: anomaly.severity })),
    listed: list.length,
  };
}
