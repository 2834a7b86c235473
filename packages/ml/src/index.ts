/**
 * @module @pelbiot/ml
 *
 * Machine learning: anomaly detection, time-series forecasting, classification, clustering and recommendations.
 *
 * This release ships the package skeleton only (build, exports map, types); AnomalyDetectionEngine, TimeSeriesForecastingEngine, ClassificationModel, ClusteringAlgorithm and RecommendationEngine
 * arrive in the next minor releases. Nothing here pretends to work before it does.
 */
export {};
