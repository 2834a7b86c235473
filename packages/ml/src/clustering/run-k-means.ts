import { silhouetteScore } from "../metrics/silhouette-score";
import { createRandom } from "../random/create-random";
import type { ResolvedRun } from "./clustering-algorithm-options";
import type { ChooseKResult, ClusteringResult, KCandidate } from "./clustering-algorithm-types";
import { createNumpyRandomState } from "./create-numpy-random-state";
import { type KMeansSeeding, kMeansPlusPlus } from "./k-means-plus-plus";
import { createKMeansWorkspace } from "./k-means-workspace";
import { lloydKMeans } from "./lloyd-k-means";
import type { PointMatrix } from "./point-matrix";

/**
 * Runs k-means with restarts on validated points and returns the best run (lowest inertia) as a result.
 *
 * Complexity O(nInit · iterations · n · k · d), plus O(n² · d) for the silhouette.
 *
 * @param matrix - The points.
 * @param k - The number of clusters (at most the number of points).
 * @param run - The resolved run settings.
 * @param clusterId - The id the result is stored under.
 * @returns The result.
 */
export function runKMeans(matrix: PointMatrix, k: number, run: ResolvedRun, clusterId: string): ClusteringResult {
  const { data, rowCount, dimension } = matrix;
  const tolerance = run.tolerance * meanFeatureVariance(matrix);
  const random = run.generator === "numpy-mt19937" ? createNumpyRandomState(run.seed) : createRandom(run.seed);
  let best: ReturnType<typeof lloydKMeans> | undefined;
  let bestInitial: Float64Array | undefined;
  // k-means++ hands its by-products to Lloyd, which then skips its first pass (one buffer set for all restarts).
  const seeding: KMeansSeeding | undefined =
    run.init === "k-means++"
      ? {
          labels: new Int32Array(rowCount),
          distances: new Float64Array(rowCount),
        }
      : undefined;
  // The per-pass inertia is only reported for the kept run, so the restarts skip computing it.
  const recordHistory = run.nInit === 1;
  const shared = createKMeansWorkspace(data, rowCount, dimension, k);
  for (let attempt = 0; attempt < run.nInit; attempt += 1) {
    const initial =
      run.init === "k-means++" ? kMeansPlusPlus(data, rowCount, dimension, k, random, seeding, shared) : run.init;
    const outcome = lloydKMeans(
      data,
      rowCount,
      dimension,
      initial,
      k,
      run.maxIterations,
      tolerance,
      recordHistory,
      seeding,
      shared,
    );
    if (best === undefined || outcome.inertia < best.inertia) {
      best = outcome;
      bestInitial = initial;
    }
  }
  // Lloyd is deterministic: re-running the kept restart gives the same result, now with its inertia history.
  const kept =
    run.nInit === 1
      ? (best as ReturnType<typeof lloydKMeans>)
      : lloydKMeans(
          data,
          rowCount,
          dimension,
          bestInitial as Float64Array,
          k,
          run.maxIterations,
          tolerance,
          true,
          undefined,
          shared,
        );
  const assignments = Array.from(kept.labels);
  const clusterSizes = new Array<number>(k).fill(0);
  for (const label of assignments) clusterSizes[label] = (clusterSizes[label] as number) + 1;
  let silhouette: number | null = null;
  if (run.computeSilhouette) {
    const rows: Float64Array[] = [];
    for (let row = 0; row < rowCount; row += 1) rows.push(data.subarray(row * dimension, (row + 1) * dimension));
    silhouette = silhouetteScore(rows, assignments);
  }
  return {
    clusterId,
    k,
    seed: run.seed,
    generator: run.generator,
    nInit: run.nInit,
    assignments,
    centroids: Array.from({ length: k }, (_, cluster) =>
      Array.from(kept.centroids.subarray(cluster * dimension, (cluster + 1) * dimension)),
    ),
    clusterSizes,
    inertia: kept.inertia,
    iterations: kept.iterations,
    converged: kept.converged,
    inertiaHistory: kept.inertiaHistory,
    silhouette,
  };
}

/** scikit-learn's tolerance is relative to the data: tol × the mean of the per-feature variances. */
function meanFeatureVariance({ data, rowCount, dimension }: PointMatrix): number {
  let meanVariance = 0;
  for (let axis = 0; axis < dimension; axis += 1) {
    let sum = 0;
    for (let row = 0; row < rowCount; row += 1) sum += data[row * dimension + axis] as number;
    const mean = sum / rowCount;
    let squares = 0;
    for (let row = 0; row < rowCount; row += 1) {
      const difference = (data[row * dimension + axis] as number) - mean;
      squares += difference * difference;
    }
    meanVariance += squares / rowCount / dimension;
  }
  return meanVariance;
}

/**
 * Suggests k from the candidates of `chooseK`: the highest silhouette, and the elbow of the inertia curve (the k
 * farthest below the chord from the first to the last candidate).
 *
 * @param candidates - Every k tried, ascending (at least one).
 * @returns Both suggestions and the candidates.
 */
export function suggestK(candidates: KCandidate[]): ChooseKResult {
  const first = candidates[0] as KCandidate;
  const last = candidates[candidates.length - 1] as KCandidate;
  let bestBySilhouette = first.k;
  let bestScore = Number.NEGATIVE_INFINITY;
  let elbow = first.k;
  let largestGap = 0;
  for (const candidate of candidates) {
    if (candidate.silhouette !== null && candidate.silhouette > bestScore) {
      bestScore = candidate.silhouette;
      bestBySilhouette = candidate.k;
    }
    const fraction = last.k === first.k ? 0 : (candidate.k - first.k) / (last.k - first.k);
    const gap = first.inertia + fraction * (last.inertia - first.inertia) - candidate.inertia;
    if (gap > largestGap) {
      largestGap = gap;
      elbow = candidate.k;
    }
  }
  return { bestBySilhouette, elbow, candidates };
}
