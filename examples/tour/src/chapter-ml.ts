/**
 * Chapter: the CPU readings the collector holds train an anomaly detector that flags the injected spike; the cleaned
 * series is forecast a day ahead with prediction intervals; a churn classifier and a k-means segmentation run on the
 * customer table; and the purchase history gives recommendations.
 */
import type { AnalyticsDataCollector } from "@pelbiot/analytics";
import {
  type AnomalyDetection,
  AnomalyDetectionEngine,
  ClassificationModel,
  ClusteringAlgorithm,
  type Forecast,
  RecommendationEngine,
  TimeSeriesForecastingEngine,
} from "@pelbiot/ml";
import { behaviourOf, customers, purchases, type Reading, SPIKE_HOURS_AGO, SPIKE_VALUE } from "./shop-data";
import { chapter, fixed, progress, say, utc, verify } from "./story";

/** What the report chapter draws: the observed readings, the anomalies found in them and the forecast. */
export interface MlResults {
  readonly observed: readonly Reading[];
  readonly anomalies: readonly AnomalyDetection[];
  readonly forecast: Forecast;
}

/** Runs the ml chapter on the CPU readings the collector recorded. */
export async function mlChapter(analytics: AnalyticsDataCollector): Promise<MlResults> {
  chapter("Machine learning (@pelbiot/ml)");
  // The readings come back out of the collector, as a monitoring job would read them.
  const observed = analytics
    .getMetrics()
    .filter((point) => point.name === "cpu_usage")
    .map((point) => ({ timestamp: point.timestamp, value: point.value }))
    .sort((a, b) => a.timestamp - b.timestamp);
  const anomalies = detectSpike(observed);
  const forecast = forecastCpu(observed, anomalies);
  predictChurn();
  segmentCustomers();
  recommend();
  return { observed, anomalies, forecast };
}

function detectSpike(observed: readonly Reading[]): AnomalyDetection[] {
  const training = observed.slice(0, -24);
  const lastDay = observed.slice(-24);
  const detector = new AnomalyDetectionEngine({ sensitivityThreshold: 3.5, minTrainingPoints: 50 });
  detector.trainModel("cpu_monitoring", training);
  const detected = detector.detectAnomalies("cpu_monitoring", lastDay);
  say(`anomaly detector trained on ${training.length} hourly readings, then shown the last ${lastDay.length}:`);
  for (const anomaly of detected) {
    say(
      `  ${utc(anomaly.timestamp)} UTC: ${fixed(anomaly.value)} % where ${fixed(anomaly.expected)} % was expected ` +
        `(score ${fixed(anomaly.score)}, ${anomaly.severity})`,
    );
  }
  const spikeTime = observed.at(-1 - SPIKE_HOURS_AGO)?.timestamp;
  verify(
    detected.some((anomaly) => anomaly.timestamp === spikeTime && anomaly.value === SPIKE_VALUE),
    `the injected ${SPIKE_VALUE} % spike was flagged`,
    detected.map((anomaly) => utc(anomaly.timestamp)),
  );
  return detected;
}

function forecastCpu(observed: readonly Reading[], anomalies: readonly AnomalyDetection[]): Forecast {
  // Forecast from the cleaned series: a flagged reading is replaced by what the detector expected there.
  const expected = new Map(anomalies.map((anomaly) => [anomaly.timestamp, anomaly.expected]));
  const cleaned = observed.map((point) => ({ ...point, value: expected.get(point.timestamp) ?? point.value }));
  const step = progress("forecasting the next 24 hours (ETS models compared by AICc)", 1);
  const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 24, minDataPoints: 100 });
  const forecast = forecaster.generateForecast("cpu_usage", cleaned);
  step.advance("done");
  const model = forecast.model.method === "ETS" ? forecast.model.name : forecast.model.method;
  step.finish(`${model}, ${forecast.intervalMethod} intervals`);
  if (model.startsWith("ETS("))
    say("  ETS(error, trend, season): A = additive, M = multiplicative, N = none, Ad = damped");
  for (const point of forecast.points.filter((_, index) => index % 6 === 5)) {
    const interval = point.intervals.find((entry) => entry.level === 95);
    say(
      `  ${utc(point.timestamp)} UTC: ${fixed(point.value)} %` +
        (interval ? ` (95 % interval ${fixed(interval.lower)} to ${fixed(interval.upper)})` : ""),
    );
  }
  verify(
    forecast.points.length === 24 &&
      forecast.points.every(
        (point) =>
          point.intervals.map((entry) => entry.level).join() === "80,95" &&
          point.intervals.every((entry) => entry.lower <= point.value && point.value <= entry.upper),
      ),
    "24 hourly forecasts, each inside its 80 % and 95 % prediction intervals",
  );
  return forecast;
}

function predictChurn(): void {
  const table = customers();
  const classifier = new ClassificationModel({ testSplitRatio: 0.2, learningRate: 0.01 });
  const features = ["tenureMonths", "orders90d", "basketUsd", "tickets"];
  const result = classifier.trainModel("user_churn", table, features, "churned");
  const accuracy = result.testMetrics?.accuracy ?? 0;
  say(
    `churn classifier trained on ${result.trainSize} customers (${result.mode} logistic regression); ` +
      `${fixed(100 * accuracy)} % right on the ${result.testMetrics?.rowCount ?? 0} held out:`,
  );
  const atRisk = classifier.predictClass("user_churn", { tenureMonths: 3, orders90d: 1, basketUsd: 40, tickets: 3 });
  const loyal = classifier.predictClass("user_churn", { tenureMonths: 30, orders90d: 6, basketUsd: 90, tickets: 1 });
  say(
    `  a 3-month customer with 3 tickets and 1 order: churn ${fixed(100 * (atRisk.probabilities.yes ?? 0))} %; ` +
      `a 30-month regular with 6 orders: ${fixed(100 * (loyal.probabilities.yes ?? 0))} %`,
  );
  verify(accuracy >= 0.7, "the classifier is right on at least 70 % of the held-out customers", accuracy);
  verify(atRisk.label === "yes" && loyal.label === "no", "it flags the at-risk customer and not the regular one");
}

function segmentCustomers(): void {
  const table = customers();
  // Standardise both features so that neither dominates the distances by its unit.
  const columns = [table.map((row) => row.orders90d), table.map((row) => row.basketUsd)];
  const scaled = columns.map((values) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    return values.map((value) => (value - mean) / deviation);
  });
  const points = table.map((_, index) => [scaled[0]?.[index] ?? 0, scaled[1]?.[index] ?? 0]);
  const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
  const result = clustering.kMeansClustering(points, 3);
  say(`k-means found ${result.k} segments (silhouette ${fixed(result.silhouette ?? Number.NaN, 2)}):`);
  const segments = Array.from({ length: result.k }, (_, cluster) => {
    const members = table.filter((_, index) => result.assignments[index] === cluster);
    const mean = (pick: (row: (typeof table)[number]) => number) =>
      members.reduce((sum, row) => sum + pick(row), 0) / Math.max(1, members.length);
    return { size: members.length, orders: mean((row) => row.orders90d), basket: mean((row) => row.basketUsd) };
  }).sort((a, b) => a.basket - b.basket);
  for (const segment of segments) {
    say(
      `  ${segment.size} customers: ${fixed(segment.orders)} orders in 90 days, ${fixed(segment.basket, 0)} USD a basket`,
    );
  }
  // Purity: the share of customers whose segment is the one most of their generated behaviour fell into.
  let agreeing = 0;
  for (let cluster = 0; cluster < result.k; cluster += 1) {
    const behaviours = [0, 0, 0];
    table.forEach((_, index) => {
      if (result.assignments[index] === cluster)
        behaviours[behaviourOf(index)] = (behaviours[behaviourOf(index)] ?? 0) + 1;
    });
    agreeing += Math.max(...behaviours);
  }
  const purity = agreeing / table.length;
  verify(
    segments.length === 3 && purity >= 0.95,
    "the segments are the three generated behaviours (at least 95 % of customers placed with their own)",
    purity,
  );
}

function recommend(): void {
  const history = purchases();
  const recommender = new RecommendationEngine({ minInteractions: 2, maxRecommendations: 3 });
  for (const [customer, item] of history) recommender.trackInteraction(customer, item, "purchase", 5);
  const owned = new Set(history.filter(([customer]) => customer === "ada").map(([, item]) => item));
  const recommendations = recommender.generateRecommendations("ada");
  say(
    `recommended for ada (owns ${[...owned].join(", ")}): ` +
      recommendations.map((entry) => `${entry.itemId} (${entry.reason})`).join(", "),
  );
  const camping = new Set(["camp-stove", "lantern"]);
  verify(
    recommendations.length > 0 &&
      recommendations.every((entry) => !owned.has(entry.itemId)) &&
      camping.has(recommendations[0]?.itemId ?? ""),
    "ada gets camping gear she does not own yet, first",
    recommendations.map((entry) => entry.itemId),
  );
}
