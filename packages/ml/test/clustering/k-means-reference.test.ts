import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { ClusteringAlgorithm } from "../../src/clustering/clustering-algorithm";
import { loadTabular, readFixture, readJsonFixture } from "../classification/load-tabular";

// scikit-learn 1.2.1 KMeans figures (fixtures/ml/REFERENCE.md §2).
interface KMeansReference {
  k: number;
  init_rows: number[];
  raw: VariantReference;
  std: VariantReference;
}
interface VariantReference {
  "kmeans++": { inertia: number };
  best_known: { inertia: number };
  fixed_init: { inertia: number; n_iter: number; centers: number[][] };
}
const reference = readJsonFixture<{ results: Record<string, KMeansReference> }>("reference/kmeans.json").results;
const fixedLabels = parse(readFixture("reference/kmeans_fixed_init_labels.csv"), { columns: true, cast: true }) as {
  dataset: string;
  features: string;
  row: number;
  cluster: number;
}[];

/** StandardScaler over all rows: population std, a constant column keeps scale 1. */
function standardize(rows: number[][]): number[][] {
  const dimension = rows[0]?.length ?? 0;
  const means = Array.from(
    { length: dimension },
    (_, axis) => rows.reduce((sum, row) => sum + (row[axis] as number), 0) / rows.length,
  );
  const scales = means.map((mean, axis) => {
    const deviation = Math.sqrt(rows.reduce((sum, row) => sum + ((row[axis] as number) - mean) ** 2, 0) / rows.length);
    return deviation === 0 ? 1 : deviation;
  });
  return rows.map((row) => row.map((value, axis) => (value - (means[axis] as number)) / (scales[axis] as number)));
}

const datasets = ["iris", "wine", "digits"] as const;
const variants = ["raw", "std"] as const;

describe("ClusteringAlgorithm against scikit-learn", () => {
  for (const dataset of datasets) {
    const data = loadTabular(dataset);
    for (const variant of variants) {
      const points = variant === "raw" ? data.rows : standardize(data.rows);
      const expected = (reference[dataset] as KMeansReference)[variant];
      const k = (reference[dataset] as KMeansReference).k;

      it(`${dataset} ${variant}: fixed-init Lloyd reproduces scikit-learn's labels exactly`, () => {
        const clustering = new ClusteringAlgorithm({ maxIterations: 1000, computeSilhouette: false });
        const initRows = (reference[dataset] as KMeansReference).init_rows;
        const result = clustering.kMeansClustering(points, k, {
          init: initRows.map((row) => points[row] as number[]),
          tolerance: 0,
        });
        const labels = fixedLabels
          .filter((entry) => entry.dataset === dataset && entry.features === variant)
          .sort((left, right) => left.row - right.row)
          .map((entry) => entry.cluster);
        expect(result.assignments).toEqual(labels);
        expect(result.iterations).toBe(expected.fixed_init.n_iter);
        expect(result.converged).toBe(true);
        expect(Math.abs(result.inertia - expected.fixed_init.inertia) / expected.fixed_init.inertia).toBeLessThan(
          1e-12,
        );
        for (const [cluster, centre] of result.centroids.entries()) {
          for (const [axis, value] of centre.entries()) {
            expect(value).toBeCloseTo(expected.fixed_init.centers[cluster]?.[axis] as number, 8);
          }
        }
      });

      it(`${dataset} ${variant}: k-means++ with 10 restarts on scikit-learn's random stream gives its inertia`, () => {
        const clustering = new ClusteringAlgorithm({ maxIterations: 300, computeSilhouette: false });
        const result = clustering.kMeansClustering(points, k, { nInit: 10, seed: 0, generator: "numpy-mt19937" });
        expect(result.seed).toBe(0);
        expect(result.generator).toBe("numpy-mt19937");
        expect(result.nInit).toBe(10);
        // KMeans(random_state=0) draws the same initial centres; the inertia agrees to round-off.
        expect(result.inertia).toBeLessThanOrEqual(expected["kmeans++"].inertia * 1.001);
        expect(Math.abs(result.inertia / expected["kmeans++"].inertia - 1)).toBeLessThan(1e-12);
      });

      it(`${dataset} ${variant}: k-means++ with 10 restarts on the default generator lands near the optimum`, () => {
        const clustering = new ClusteringAlgorithm({ maxIterations: 300, computeSilhouette: false });
        const result = clustering.kMeansClustering(points, k, { nInit: 10, seed: 0 });
        expect(result.generator).toBe("xoroshiro128plus");
        // The default seed 0 meets scikit-learn × 1.001 on all six rows. This is a property of the draw, not a
        // guarantee: on digits std, seeds 0, 1, 3 reach 0.9996–0.9999 × and seed 2 reaches 1.0034 ×, because only
        // about one single run in ten finds the best basin there (the same holds for scikit-learn's generator).
        const bound = 1.001;
        expect(result.inertia).toBeLessThanOrEqual(expected["kmeans++"].inertia * bound);
      });
    }
  }
});
