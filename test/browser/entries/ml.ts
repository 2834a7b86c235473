/**
 * What the page runs for `@pelbiot/ml`: an anomaly detector and a classifier trained in the page, a forecast, and
 * k-means with its silhouette (the dense kernels, WebAssembly SIMD in the page).
 */
import {
  AnomalyDetectionEngine,
  ClassificationModel,
  ClusteringAlgorithm,
  TimeSeriesForecastingEngine,
} from "@pelbiot/ml";

const HOUR = 3_600_000;

export async function smoke() {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (seed / 2_147_483_648) * 2 - 1;
  };
  const start = Date.UTC(2026, 0, 1);
  const cpu = Array.from({ length: 24 * 10 }, (_, index) => ({
    timestamp: start + index * HOUR,
    value: 40 + 10 * Math.sin((2 * Math.PI * index) / 24) + noise(),
  }));

  const anomalies = new AnomalyDetectionEngine({ sensitivityThreshold: 3.5, minTrainingPoints: 50 });
  anomalies.trainModel("cpu", cpu.slice(0, 200));
  const live = cpu.slice(200).map((point, index) => (index === 5 ? { ...point, value: 98 } : point));
  const detected = anomalies.detectAnomalies("cpu", live);

  const customers = Array.from({ length: 120 }, (_, index) => {
    const tenure = (index * 37) % 48;
    const spend = 10 + ((index * 53) % 90);
    return { tenure, spend, churned: tenure + spend / 3 < 30 ? "yes" : "no" };
  });
  const classifier = new ClassificationModel({ testSplitRatio: 0.2, seed: 1 });
  const trained = classifier.trainModel("churn", customers, ["tenure", "spend"], "churned");
  const leaving = classifier.predictClass("churn", { tenure: 2, spend: 15 });
  const staying = classifier.predictClass("churn", { tenure: 40, spend: 90 });

  const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 12, minDataPoints: 100 });
  const forecast = forecaster.generateForecast("cpu", cpu);

  // Two blobs of 30 points in 5 dimensions, ten apart.
  const blobs = Array.from({ length: 60 }, (_, index) =>
    Array.from({ length: 5 }, () => (index < 30 ? 0 : 10) + noise()),
  );
  const clustering = new ClusteringAlgorithm().kMeansClustering(blobs, 2);

  return {
    clusterSizes: [...clustering.clusterSizes].sort((left, right) => left - right),
    silhouette: clustering.silhouette,
    spikes: detected.map((anomaly) => ({ value: anomaly.value, severity: anomaly.severity })),
    accuracy: trained.testMetrics?.accuracy ?? null,
    leaving: leaving.label,
    staying: staying.label,
    forecastSteps: forecast.points.length,
    firstForecastTimestamp: forecast.points[0]?.timestamp ?? null,
    lastTimestamp: cpu.at(-1)?.timestamp ?? null,
    forecastFinite: forecast.points.every((point) => Number.isFinite(point.value)),
  };
}
