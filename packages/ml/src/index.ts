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
  type AnomalyDetections,
  type AnomalyDetectorKind,
  type AnomalyKind,
  type AnomalyModelInfo,
  type AnomalyModelJson,
  type AnomalySeverity,
  severityOf,
} from "./anomaly/anomaly-detection-engine";
export { type StlDecomposition, type StlOptions, stl } from "./anomaly/decomposition/stl";
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
  type ChooseKOptions,
  type ChooseKResult,
  ClusteringAlgorithm,
  type ClusteringAlgorithmOptions,
  type ClusteringAlgorithmSnapshot,
  type ClusteringResult,
  type DataPoint,
  type KCandidate,
  type KMeansGenerator,
  type KMeansOptions,
} from "./clustering/clustering-algorithm";
export type { ArimaOrder, ArmaCoefficients } from "./forecasting/arima/arma-polynomials";
export {
  type ArimaCandidate,
  type AutoArimaOptions,
  type AutoArimaSelection,
  autoArima,
} from "./forecasting/arima/auto-arima";
export { type ArimaFit, fitArima } from "./forecasting/arima/fit-arima";
export { type ArimaForecastStep, forecastArima } from "./forecasting/arima/forecast-arima";
export {
  type BacktestCoverage,
  type BacktestCoverageOptions,
  backtestCoverage,
  type LevelCoverage,
} from "./forecasting/backtest-coverage";
export { type DetectSeasonalPeriodOptions, detectSeasonalPeriod } from "./forecasting/detect-seasonal-period";
export {
  akaikeWeights,
  type CombineEtsOptions,
  combineEts,
  type EtsCombination,
  type EtsCombinationComponent,
} from "./forecasting/ets/combine-ets";
export {
  type EtsErrorType,
  type EtsForm,
  type EtsSeasonType,
  type EtsTrendType,
  formatEtsForm,
  parseEtsForm,
} from "./forecasting/ets/ets-form";
export type { EtsParameters, EtsState } from "./forecasting/ets/ets-recursion";
export { type EtsFit, type FitEtsOptions, fitEts } from "./forecasting/ets/fit-ets";
export {
  type EtsForecast,
  type EtsForecastStep,
  type EtsInterval,
  etsPointForecasts,
  type ForecastEtsOptions,
  forecastEts,
  simulatePaths,
} from "./forecasting/ets/forecast-ets";
export { type EtsSelection, MAX_ETS_PERIOD, type SelectEtsOptions, selectEts } from "./forecasting/ets/select-ets";
export {
  type FitHoltWintersOptions,
  fitHoltWinters,
  type HoltWintersFit,
  type HoltWintersParameters,
  type HoltWintersSeasonal,
} from "./forecasting/holt-winters/fit-holt-winters";
export { forecastHoltWinters } from "./forecasting/holt-winters/forecast-holt-winters";
export { type FitThetaOptions, fitTheta, type ThetaFit } from "./forecasting/theta/fit-theta";
export { type ForecastThetaOptions, forecastTheta, type ThetaForecastStep } from "./forecasting/theta/forecast-theta";
export {
  type ArimaForecastModel,
  type CalibrationOptions,
  type CombinationForecastModel,
  type DriftForecastModel,
  type EnsembleMember,
  type EnsembleValidation,
  type EtsForecastModel,
  type Forecast,
  type ForecastInterval,
  type ForecastModel,
  type ForecastPoint,
  type GenerateForecastOptions,
  type HoltWintersForecastModel,
  type ModelValidation,
  type ThetaForecastModel,
  TimeSeriesForecastingEngine,
  type TimeSeriesForecastingEngineJson,
  type TimeSeriesForecastingEngineOptions,
} from "./forecasting/time-series-forecasting-engine";
export { FORECAST_MODEL_NAMES } from "./forecasting/time-series-forecasting-engine-options";
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
  type ModelCandidateReport,
  type Recommendation,
  type RecommendationBlend,
  RecommendationEngine,
  type RecommendationEngineOptions,
  type RecommendationEngineSnapshot,
  type RecommendationEngineStats,
  type RecommendationModel,
  type RecommendationModelChoice,
  type RecommendationModelReason,
  type RecommendationModelReport,
  type RecommendationReason,
  type ValidationHoldOut,
} from "./recommendation/recommendation-engine";
export {
  type OrderedTimeSeries,
  type OutOfOrderPolicy,
  type TimeSeries,
  type TimeSeriesPoint,
  type ToTimeSeriesOptions,
  toTimeSeries,
} from "./series/time-series";
