import {
  AnomalyDetectionEngine,
  ClusteringAlgorithm,
  RecommendationEngine,
  TimeSeriesForecastingEngine,
} from "@pelbiot/ml";

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

  // Forecast the next six hours from two weeks of hourly readings with a daily cycle.
  const hour = 3_600_000;
  const history = Array.from({ length: 24 * 14 }, (_, index) => ({
    timestamp: start + index * hour,
    value: 50 + 0.02 * index + 12 * Math.sin((2 * Math.PI * index) / 24) + ((index * 7919) % 7) - 3,
  }));
  const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 6, minDataPoints: 100 });
  const forecast = forecaster.generateForecast("cpu_usage", history);
  const modelName = forecast.model.method === "ETS" ? forecast.model.name : forecast.model.method;
  console.log(`  ${forecast.horizon}-hour forecast, led by ${modelName} (${forecast.intervalMethod} intervals):`);
  if (modelName.startsWith("ETS(")) {
    console.log("    ETS(error, trend, season): A = additive, M = multiplicative, N = none, Ad = damped trend");
  }
  if (forecast.intervalMethod === "simulation") {
    console.log("    simulation intervals: quantiles of many simulated future paths of the fitted model");
  }
  for (const point of forecast.points) {
    const widest = point.intervals.at(-1);
    console.log(
      `    ${new Date(point.timestamp).toISOString()} ${point.value.toFixed(1)}` +
        (widest ? ` (${widest.level}%: ${widest.lower.toFixed(1)} to ${widest.upper.toFixed(1)})` : ""),
    );
  }

  // Segment users by two behaviours, then recommend from purchase history.
  const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
  const users = [
    [1, 2],
    [1.2, 1.8],
    [0.9, 2.1],
    [8, 9],
    [8.2, 8.8],
    [7.9, 9.3],
  ];
  const segments = clustering.kMeansClustering(users, 2);
  console.log(
    `  k-means: assignments ${JSON.stringify(segments.assignments)}, silhouette ${segments.silhouette?.toFixed(2) ?? "n/a"}`,
  );

  const recommender = new RecommendationEngine({ minInteractions: 2, maxRecommendations: 3 });
  for (const [user, item] of [
    ["ann", "tent"],
    ["ann", "stove"],
    ["bob", "tent"],
    ["bob", "stove"],
    ["bob", "lamp"],
    ["cat", "tent"],
    ["cat", "lamp"],
  ] as const) {
    recommender.trackInteraction(user, item, "purchase", 1);
  }
  const recs = recommender.generateRecommendations("ann");
  console.log(`  for ann: ${recs.map((rec) => `${rec.itemId} (${rec.reason})`).join(", ")}`);
}
