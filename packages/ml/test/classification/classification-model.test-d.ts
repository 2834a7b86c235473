import { describe, expectTypeOf, it } from "vitest";
import {
  ClassificationModel,
  type ClassLabel,
  type ClassPrediction,
  type TrainingResult,
} from "../../src/classification/classification-model";
import { ClusteringAlgorithm, type ClusteringResult } from "../../src/clustering/clustering-algorithm";

describe("guide contract types", () => {
  it("accepts the guide's loose shapes and returns typed results", () => {
    const classifier = new ClassificationModel({ testSplitRatio: 0.2, learningRate: 0.01 });
    const trainingData = [{ tenure: 1, spend: 2, churned: "yes" }];
    expectTypeOf(
      classifier.trainModel("user_churn", trainingData, ["tenure", "spend"], "churned"),
    ).toEqualTypeOf<TrainingResult>();
    expectTypeOf(
      classifier.trainModel("user_churn", trainingData, ["tenure"], ["yes"]),
    ).toEqualTypeOf<TrainingResult>();
    const prediction = classifier.predictClass("user_churn", { tenure: 1, spend: 2 });
    expectTypeOf(prediction).toEqualTypeOf<ClassPrediction>();
    expectTypeOf(prediction.label).toEqualTypeOf<ClassLabel>();
    expectTypeOf(prediction.probabilities).toEqualTypeOf<Record<string, number>>();
    expectTypeOf(classifier.predictClass).toBeCallableWith("user_churn", [1, 2]);
    // @ts-expect-error labels must be a key or an array of labels
    classifier.trainModel("user_churn", trainingData, ["tenure"], 3);

    const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
    const result = clustering.kMeansClustering([[1, 2]], 1);
    expectTypeOf(result).toEqualTypeOf<ClusteringResult>();
    expectTypeOf(clustering.getClustering(result.clusterId)).toEqualTypeOf<ClusteringResult>();
    expectTypeOf(clustering.predict(result.clusterId, [[1, 2]])).toEqualTypeOf<number[]>();
  });
});
