import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClusteringAlgorithm } from "../../src/clustering/clustering-algorithm";
import { createRandom } from "../../src/random/create-random";

function blobs(seed: number, count: number): number[][] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => [(index % 3) * 8 + random.normal(), random.normal() * 2]);
}

describe("ClusteringAlgorithm snapshots", () => {
  it("restores every result under its id, and the restored instance predicts identically", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 4 }), (seed, k) => {
        const clustering = new ClusteringAlgorithm({ computeSilhouette: false, nInit: 2, seed });
        const first = clustering.kMeansClustering(blobs(seed, 30), k);
        const second = clustering.kMeansClustering(blobs(seed + 1, 20), 2, { generator: "numpy-mt19937" });
        const text = JSON.stringify(clustering);
        const restored = ClusteringAlgorithm.fromJSON(text);
        expect(restored.listClusterings()).toEqual([first.clusterId, second.clusterId]);
        expect(restored.getClustering(first.clusterId)).toEqual(first);
        const probes = blobs(seed + 2, 12);
        expect(restored.predict(first.clusterId, probes)).toEqual(clustering.predict(first.clusterId, probes));
        expect(restored.predict(second.clusterId, probes)).toEqual(clustering.predict(second.clusterId, probes));
        expect(JSON.stringify(restored)).toBe(text);
      }),
      { seed: 3, numRuns: 10 },
    );
  });

  it("writes the pelbiot.ml.ClusteringAlgorithm header and keeps the newest results within maxStoredResults", () => {
    const clustering = new ClusteringAlgorithm({ computeSilhouette: false });
    const ids = [1, 2, 3].map((k) => clustering.kMeansClustering(blobs(k, 15), k, { nInit: 1 }).clusterId);
    const snapshot = clustering.toJSON();
    expect(snapshot).toMatchObject({ format: "pelbiot.ml.ClusteringAlgorithm", version: 1 });
    expect(snapshot.results).toHaveLength(3);
    expect(ClusteringAlgorithm.fromJSON(snapshot, { maxStoredResults: 2 }).listClusterings()).toEqual(ids.slice(1));
  });

  it("rejects a foreign format, a newer version and tampered fields", () => {
    const clustering = new ClusteringAlgorithm({ computeSilhouette: false });
    clustering.kMeansClustering(blobs(4, 12), 3, { nInit: 1 });
    const snapshot = JSON.parse(JSON.stringify(clustering));
    expect(
      captureValidationIssues(() => ClusteringAlgorithm.fromJSON({ ...snapshot, format: "pelbiot.ml.classification" })),
    ).toEqual([expect.stringMatching(/^json\.format: must be "pelbiot\.ml\.ClusteringAlgorithm"/)]);
    expectPelbiotError(() => ClusteringAlgorithm.fromJSON({ ...snapshot, version: 2 }), "UNSUPPORTED");
    const tamper = (change: (result: Record<string, unknown>) => void): string[] => {
      const copy = JSON.parse(JSON.stringify(snapshot));
      change(copy.results[0]);
      return captureValidationIssues(() => ClusteringAlgorithm.fromJSON(copy));
    };
    expect(tamper((result) => ((result.centroids as number[][])[1] = [0]))).toEqual([
      "json.results.0.centroids: must be k = 3 rows of the same number (at least 1) of finite coordinates",
    ]);
    expect(tamper((result) => ((result.assignments as number[])[0] = 3))).toEqual([
      "json.results.0.assignments: must be at least 3 cluster indices in [0, 2]",
    ]);
    expect(tamper((result) => ((result.clusterSizes as number[])[0] = 99))).toEqual([
      "json.results.0.clusterSizes: must count the points of each cluster in assignments",
    ]);
    expect(tamper((result) => (result.inertia = -1))).toEqual(["json.results.0.inertia: must be at least 0, got -1"]);
  });
});
