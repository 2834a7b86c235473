/**
 * @module @pelbiot/ml
 *
 * Machine learning for PELBIOT: anomaly detection with a NAB scorer, time-series forecasting, classification,
 * clustering and recommendations, checked against scikit-learn, R `forecast` and NAB reference figures.
 */
export {
  type AnomalyDetection,
  AnomalyDetectionEngine,
  type AnomalyDetectionEngineJson,
  type AnomalyDetectionEngineOptions,
  type AnomalyDetectorKind,
  type AnomalyModelInfo,
  type AnomalyModelJson,
  type AnomalySeverity,
  severityOf,
} from "./anomaly/anomaly-detection-engine";
export {
  combineNabScores,
  NAB_PROFILES,
  type NabProfile,
  type NabProfileName,
  type NabProfileScore,
  type NabScore,
  type NabScoringInput,
  type NabTimestamp,
  nabProbationaryLength,
  type ScoreNabOptions,
  scoreNab,
} from "./anomaly/score-nab";
export {
  type ClassificationMetrics,
  ClassificationModel,
  type ClassificationModelOptions,
  type ClassificationModelSnapshot,
  type ClassLabel,
  type ClassPrediction,
  type FeatureRecord,
  type TrainedClassifier,
  type TrainingResult,
  type TrainModelOptions,
} from "./classification/classification-model";
export type { LogisticMode, LogisticSolver } from "./classification/fit-logistic-regression";
export {
  type ChooseKResult,
  ClusteringAlgorithm,
  type ClusteringAlgorithmOptions,
  type ClusteringResult,
  type DataPoint,
  type KCandidate,
  type KMeansGenerator,
  type KMeansOptions,
} from "./clustering/clustering-algorithm";
export { type ClassificationReport, type ClassScores, classificationReport } from "./metrics/classification-report";
export { confusionMatrix } from "./metrics/confusion-matrix";
export { logLoss } from "./metrics/log-loss";
export { multiclassRocAuc } from "./metrics/multiclass-roc-auc";
export { rocAucScore } from "./metrics/roc-auc-score";
export { silhouetteScore } from "./metrics/silhouette-score";
export { createRandom, type Random } from "./random/create-random";
export {
  DEFAULT_INTERACTION_WEIGHTS,
  INTERACTION_TYPES,
  type InteractionType,
} from "./recommendation/interaction-types";
export { type RankingMetrics, rankingMetrics } from "./recommendation/ranking-metrics";
export {
  type GenerateRecommendationsOptions,
  type ItemAvailability,
  type Recommendation,
  type RecommendationBlend,
  RecommendationEngine,
  type RecommendationEngineOptions,
  type RecommendationEngineSnapshot,
  type RecommendationEngineStats,
  type RecommendationReason,
} from "./recommendation/recommendation-engine";
export { type TimeSeries, type TimeSeriesPoint, type ToTimeSeriesOptions, toTimeSeries } from "./series/time-series";
