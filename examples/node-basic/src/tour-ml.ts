import { AnomalyDetectionEngine } from "@pelbiot/ml";

/** Trains on a day of CPU readings with a daily rhythm, then flags a spike in live readings. */
export async function tourMl(): Promise<void> {
  const start = Date.UTC(2026, 0, 1);
  const minute = 60_000;
  const cpu = (index: number): number => 40 + 15 * Math.sin((2 * Math.PI * index) / 1440) + ((index * 7919) % 11) - 5;
  const trainingData = Array.from({ length: 1440 }, (_, index) => ({
    timestamp: start + index * minute,
    value: cpu(index),
  }));
  const anomalies = new AnomalyDetectionEngine({ sensitivityThreshold: 3.5, minTrainingPoints: 50 });
  anomalies.trainModel("cpu_monitoring", trainingData);
  const live = Array.from({ length: 120 }, (_, offset) => {
    const index = 1440 + offset;
    return { timestamp: start + index * minute, value: offset === 60 ? 98 : cpu(index) };
  });
  const detected = anomalies.detectAnomalies("cpu_monitoring", live);
  for (const anomaly of detected) {
    console.log(
      `  ${new Date(anomaly.timestamp).toISOString()} value ${anomaly.value.toFixed(1)} expected ${anomaly.expected.toFixed(1)} ` +
        `(score ${anomaly.score.toFixed(1)}, ${anomaly.severity})`,
    );
  }
  console.log(`  ${detected.length} anomaly(ies) in ${live.length} live readings`);
}
