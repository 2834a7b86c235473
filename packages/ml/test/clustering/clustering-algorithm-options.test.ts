import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { ClusteringAlgorithm } from "../../src/clustering/clustering-algorithm";

const points = [
  [0, 0],
  [0, 1],
  [10, 10],
  [10, 11],
  [20, 0],
];

describe("ClusteringAlgorithm options", () => {
  it("rejects a misspelt constructor option, naming the accepted keys and the nearest one", () => {
    const error = expectPelbiotError(() => new ClusteringAlgorithm({ maxCluster: 3 } as never), "VALIDATION_ERROR");
    expect(error.message).toMatch(/^Invalid input to ClusteringAlgorithm constructor: options\.maxCluster:/);
    expect(error.message).toContain('did you mean "maxClusters"');
    expect(error.message).toContain(
      "accepted: maxClusters, maxIterations, nInit, tolerance, seed, generator, computeSilhouette, maxStoredResults",
    );
  });

  it("rejects misspelt per-call options of kMeansClustering and chooseK, and stores nothing", () => {
    const clustering = new ClusteringAlgorithm();
    expect(captureValidationIssues(() => clustering.kMeansClustering(points, 2, { nInits: 3 } as never))).toEqual([
      expect.stringMatching(/^options\.nInits: .*did you mean "nInit".*accepted: seed, generator, nInit/),
    ]);
    expect(captureValidationIssues(() => clustering.chooseK(points, { maxk: 3 } as never))).toEqual([
      expect.stringMatching(/^options\.maxk: .*did you mean "maxK"/),
    ]);
    expect(clustering.listClusterings()).toEqual([]);
  });

  it("validates the seed once, the same way in the constructor and per call", () => {
    for (const seed of [-1, 0.5, 2 ** 32]) {
      expect(captureValidationIssues(() => new ClusteringAlgorithm({ seed }))).toEqual([
        expect.stringMatching(/^options\.seed: must be/),
      ]);
      expect(captureValidationIssues(() => new ClusteringAlgorithm().kMeansClustering(points, 2, { seed }))).toEqual([
        expect.stringMatching(/^options\.seed: must be/),
      ]);
    }
  });

  it("uses dots for array indices in the paths of initial centres", () => {
    const issues = captureValidationIssues(() =>
      new ClusteringAlgorithm().kMeansClustering(points, 2, {
        init: [
          [0, 0],
          [1, Number.NaN],
        ],
      }),
    );
    expect(issues).toEqual(["options.init.1.1: must be a finite number, got NaN"]);
  });

  it("reports INSUFFICIENT_DATA with { got, need }, LIMIT_EXCEEDED with { limit, got } and NOT_FOUND with { id }", () => {
    const clustering = new ClusteringAlgorithm({ maxClusters: 4, computeSilhouette: false });
    expect(
      expectPelbiotError(() => clustering.kMeansClustering(points.slice(0, 2), 3), "INSUFFICIENT_DATA").details,
    ).toEqual({
      got: 2,
      need: 3,
    });
    expect(
      expectPelbiotError(() => clustering.chooseK(points.slice(0, 3), { maxK: 3 }), "INSUFFICIENT_DATA").details,
    ).toEqual({
      got: 3,
      need: 4,
    });
    expect(expectPelbiotError(() => clustering.kMeansClustering(points, 5), "LIMIT_EXCEEDED").details).toEqual({
      limit: 4,
      got: 5,
    });
    expect(expectPelbiotError(() => clustering.predict("clu_missing", [[0, 0]]), "NOT_FOUND").details).toEqual({
      id: "clu_missing",
    });
  });
});
