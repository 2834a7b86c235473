/**
 * Guide, "Module Details › 4. AI/ML Features › Configuration"
 *
 * The object runs as written, but its keys are summaries, not option names: each maps to one option of one class,
 * and each class rejects keys it does not know. The nearest working form hands each value to its class.
 */
import {
  AnomalyDetectionEngine,
  ClassificationModel,
  ClusteringAlgorithm,
  RecommendationEngine,
  TimeSeriesForecastingEngine,
} from "@pelbiot/ml";

export const title = "Configuration";

export async function run() {
  const mlConfig = {
    anomalyThreshold: 2.5,
    forecastHorizon: 168,
    classificationTestSplit: 0.2,
    clusteringMaxIterations: 100,
    minRecommendationInteractions: 5,
  };

  const engines = [
    new AnomalyDetectionEngine({ sensitivityThreshold: mlConfig.anomalyThreshold }),
    new TimeSeriesForecastingEngine({ forecastHorizon: mlConfig.forecastHorizon }),
    new ClassificationModel({ testSplitRatio: mlConfig.classificationTestSplit }),
    new ClusteringAlgorithm({ maxIterations: mlConfig.clusteringMaxIterations }),
    new RecommendationEngine({ minInteractions: mlConfig.minRecommendationInteractions }),
  ];

  return { engines: engines.length };
}
