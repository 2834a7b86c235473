import { describe, expectTypeOf, it } from "vitest";
import {
  ClusteringAlgorithm,
  type ClusteringAlgorithmSnapshot,
  type ClusteringResult,
} from "../../src/clustering/clustering-algorithm";

describe("ClusteringAlgorithm types", () => {
  it("exposes the documented shapes, snapshots included", () => {
    const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
    expectTypeOf(clustering.kMeansClustering([[0, 1]], 1)).toEqualTypeOf<ClusteringResult>();
    expectTypeOf(clustering.toJSON()).toEqualTypeOf<ClusteringAlgorithmSnapshot>();
    expectTypeOf<ClusteringAlgorithmSnapshot["format"]>().toEqualTypeOf<"pelbiot.ml.ClusteringAlgorithm">();
    expectTypeOf(ClusteringAlgorithm.fromJSON).returns.toEqualTypeOf<ClusteringAlgorithm>();
    // @ts-expect-error: options are typed
    new ClusteringAlgorithm({ maxClusters: "10" });
  });
});
