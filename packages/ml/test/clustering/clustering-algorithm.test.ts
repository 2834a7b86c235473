import { PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClusteringAlgorithm } from "../../src/clustering/clustering-algorithm";
import { lloydKMeans } from "../../src/clustering/lloyd-k-means";
import { createRandom } from "../../src/random/create-random";

/** Three well separated Gaussian blobs in 2-D, 30 points each, centred at (0,0), (10,0) and (0,10). */
function blobs(seed: number): number[][] {
  const random = createRandom(seed);
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  return Array.from({ length: 90 }, (_, index) => {
    const centre = centres[index % 3] as number[];
    return [(centre[0] as number) + random.normal(), (centre[1] as number) + random.normal()];
  });
}

function expectError(run: () => unknown, code: string, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(PelbiotError.is(error, code as never)).toBe(true);
    expect(
      JSON.stringify({ message: (error as Error).message, issues: (error as { issues?: unknown }).issues }),
    ).toMatch(pattern);
    return;
  }
  throw new Error(`expected a ${code} error`);
}

describe("ClusteringAlgorithm", () => {
  it("runs the guide's calls as written and recovers separated blobs", () => {
    const dataPoints = blobs(1);
    const k = 3;
    const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
    const result = clustering.kMeansClustering(dataPoints, k);
    const details = clustering.getClustering(result.clusterId);
    expect(details).toEqual(result);
    expect(result.seed).toBe(0);
    expect(result.converged).toBe(true);
    expect(result.clusterSizes).toEqual([30, 30, 30]);
    // Every blob lands in one cluster.
    for (let blob = 0; blob < 3; blob += 1) {
      const labels = new Set(result.assignments.filter((_, index) => index % 3 === blob));
      expect(labels.size).toBe(1);
    }
    expect(result.silhouette).toBeGreaterThan(0.8);
    const nearOrigin = clustering.predict(result.clusterId, [[0.2, -0.1]])[0];
    expect(nearOrigin).toBe(result.assignments[0]);
    expect(clustering.predict(result.clusterId, [[9, 1], new Float64Array([1, 9])])).toEqual([
      result.assignments[1],
      result.assignments[2],
    ]);
    // Same seed, same answer; the result echoes the seed it used.
    const again = clustering.kMeansClustering(dataPoints, k, { seed: 0 });
    expect(again.assignments).toEqual(result.assignments);
    expect(again.clusterId).not.toBe(result.clusterId);
    expect(clustering.kMeansClustering(dataPoints, k, { seed: 123 }).seed).toBe(123);
  });

  it("never lets inertia increase across Lloyd iterations", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 6,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (points, k, seed) => {
          const clustering = new ClusteringAlgorithm({ computeSilhouette: false, tolerance: 0 });
          const result = clustering.kMeansClustering(points, Math.min(k, points.length), { seed, nInit: 2 });
          const history = result.inertiaHistory;
          for (let index = 1; index < history.length; index += 1) {
            expect(history[index] as number).toBeLessThanOrEqual((history[index - 1] as number) * (1 + 1e-12) + 1e-9);
          }
          expect(result.inertia).toBe(history[history.length - 1]);
          for (const centre of result.centroids) for (const value of centre) expect(Number.isFinite(value)).toBe(true);
        },
      ),
      { seed: 3, numRuns: 150 },
    );
  });

  it("fills empty clusters instead of producing NaN centres", () => {
    // Two distinct locations but k = 3, and initial centres that leave cluster 2 empty on the first pass.
    const points = [
      [0, 0],
      [0, 0],
      [0, 0],
      [5, 5],
      [5, 5],
      [5.5, 5],
    ];
    const data = Float64Array.from(points.flat());
    const result = lloydKMeans(data, 6, 2, Float64Array.from([0, 0, 5, 5, 100, 100]), 3, 50, 0);
    expect(Array.from(result.centroids).every(Number.isFinite)).toBe(true);
    expect(new Set(result.labels).size).toBe(3);
    const clustering = new ClusteringAlgorithm({ computeSilhouette: false });
    const viaApi = clustering.kMeansClustering(points, 3, {
      init: [
        [0, 0],
        [5, 5],
        [100, 100],
      ],
    });
    expect(viaApi.clusterSizes.every((size) => size > 0)).toBe(true);
    expect(viaApi.centroids.flat().every(Number.isFinite)).toBe(true);
    // The empty third cluster takes the point farthest from its centre, [5.5, 5]; then every point sits on its centre.
    expect(viaApi.assignments).toEqual([0, 0, 0, 1, 1, 2]);
    expect(viaApi.inertia).toBe(0);
  });

  it("suggests k by silhouette and by the elbow", () => {
    const clustering = new ClusteringAlgorithm({ maxClusters: 6 });
    const choice = clustering.chooseK(blobs(2));
    expect(choice.candidates.map((candidate) => candidate.k)).toEqual([2, 3, 4, 5, 6]);
    expect(choice.bestBySilhouette).toBe(3);
    expect(choice.elbow).toBe(3);
    expect(clustering.listClusterings()).toEqual([]);
  });

  it("keeps a bounded number of results and forgets deleted ones", () => {
    const clustering = new ClusteringAlgorithm({ maxStoredResults: 2, computeSilhouette: false });
    const points = blobs(3);
    const first = clustering.kMeansClustering(points, 2, { nInit: 1 });
    const second = clustering.kMeansClustering(points, 2, { nInit: 1 });
    const third = clustering.kMeansClustering(points, 2, { nInit: 1 });
    expect(clustering.listClusterings()).toEqual([second.clusterId, third.clusterId]);
    expectError(() => clustering.getClustering(first.clusterId), "NOT_FOUND", /no clustering with id/);
    expect(clustering.deleteClustering(second.clusterId)).toBe(true);
    expectError(() => clustering.predict(second.clusterId, [[0, 0]]), "NOT_FOUND", /kMeansClustering/);
  });

  describe("bad input: clear errors, nothing stored", () => {
    const points = blobs(4);
    const cases: [string, () => unknown, string, RegExp][] = [
      [
        "k < 1",
        () => new ClusteringAlgorithm().kMeansClustering(points, 0),
        "VALIDATION_ERROR",
        /k: must be at least 1/,
      ],
      [
        "fractional k",
        () => new ClusteringAlgorithm().kMeansClustering(points, 2.5),
        "VALIDATION_ERROR",
        /k: must be an integer/,
      ],
      [
        "k > n",
        () => new ClusteringAlgorithm().kMeansClustering(points.slice(0, 3), 4),
        "INSUFFICIENT_DATA",
        /at least 4 points/,
      ],
      [
        "k > maxClusters",
        () => new ClusteringAlgorithm({ maxClusters: 3 }).kMeansClustering(points, 4),
        "LIMIT_EXCEEDED",
        /maxClusters = 3/,
      ],
      [
        "ragged rows",
        () => new ClusteringAlgorithm().kMeansClustering([[1, 2], [3]], 1),
        "VALIDATION_ERROR",
        /dataPoints\.1: .*2 coordinates/,
      ],
      [
        "non-finite values",
        () =>
          new ClusteringAlgorithm().kMeansClustering(
            [
              [1, 2],
              [3, Number.NaN],
            ],
            1,
          ),
        "VALIDATION_ERROR",
        /dataPoints\.1\.1:/,
      ],
      ["no points", () => new ClusteringAlgorithm().kMeansClustering([], 1), "VALIDATION_ERROR", /dataPoints/],
      [
        "wrong number of initial centres",
        () => new ClusteringAlgorithm().kMeansClustering(points, 3, { init: [[0, 0]] }),
        "VALIDATION_ERROR",
        /k = 3 centres/,
      ],
      [
        "bad options",
        () => new ClusteringAlgorithm({ maxClusters: 0, tolerance: -1 }),
        "VALIDATION_ERROR",
        /maxClusters.*tolerance/,
      ],
    ];
    for (const [title, run, code, pattern] of cases) {
      it(title, () => expectError(run, code, pattern));
    }

    it("stores nothing on a rejected call and validates predict input", () => {
      const clustering = new ClusteringAlgorithm({ maxClusters: 3, computeSilhouette: false });
      expectError(() => clustering.kMeansClustering(points, 5), "LIMIT_EXCEEDED", /exceeds maxClusters/);
      expectError(
        () =>
          clustering.kMeansClustering(
            [
              [0, 1],
              [Number.POSITIVE_INFINITY, 1],
            ],
            1,
          ),
        "VALIDATION_ERROR",
        /finite/,
      );
      expect(clustering.listClusterings()).toEqual([]);
      const result = clustering.kMeansClustering(points, 3);
      expectError(() => clustering.predict(result.clusterId, [[1, 2, 3]]), "VALIDATION_ERROR", /2 coordinates/);
      expectError(() => clustering.predict(result.clusterId, [[1, Number.NaN]]), "VALIDATION_ERROR", /points\.0\.1:/);
      expect(clustering.listClusterings()).toEqual([result.clusterId]);
    });
  });
});
