import type { UniformSource } from "./create-numpy-random-state";
import { createKMeansWorkspace, type KMeansWorkspace, seedingTrials } from "./k-means-workspace";
import { squaredDistance } from "./squared-distance";

/**
 * By-products of k-means++ seeding that are exactly the first Lloyd pass from its centres: the seeding already knows,
 * for every point, the nearest chosen centre.
 */
export interface KMeansSeeding {
  /** Nearest centre of each point (lowest index on a tie), length n. */
  labels: Int32Array;
  /** Squared distance of each point to that centre, length n. */
  distances: Float64Array;
}

/**
 * Greedy k-means++ seeding as scikit-learn implements it (Arthur & Vassilvitskii 2007, with the greedy variant):
 * the first centre is a uniformly drawn point; each next centre is the best, by resulting potential, of
 * `2 + ⌊ln k⌋` candidates drawn with probability proportional to the squared distance to the nearest chosen centre.
 *
 * As in scikit-learn, the distances from a step's candidates to every point come from one blocked product,
 * ‖x‖² + ‖c‖² − 2x·c, run by the dense kernels (WebAssembly SIMD where available). Where that difference cancels
 * (below 1e-2 of ‖x‖² + ‖c‖², e.g. a point next to the candidate) the squared differences are summed instead, so
 * every distance keeps a relative error below about 100 · d · 2⁻⁵³; the distances handed to Lloyd are recomputed
 * as squared differences, exactly as its own passes compute them. (The triangle-inequality pruning this replaces
 * computed fewer distances, one at a time in JavaScript; on digits the blocked product is about 4× faster.)
 *
 * Complexity O(k · (2 + ln k) · n · d).
 *
 * @param data - Row-major `n × d` points.
 * @param rowCount - n.
 * @param dimension - d.
 * @param clusterCount - k (at most n).
 * @param random - The seeded generator.
 * @param seeding - When given, receives what the seeding already knows about the first Lloyd pass (see
 *   {@link KMeansSeeding}), so {@link lloydKMeans} can skip that pass.
 * @param shared - The call's workspace holding these points (restarts share one); a new one by default.
 * @returns Row-major `k × d` initial centres.
 */
export function kMeansPlusPlus(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
  random: UniformSource,
  seeding?: KMeansSeeding,
  shared: KMeansWorkspace = createKMeansWorkspace(data, rowCount, dimension, clusterCount),
): Float64Array {
  const centroids = new Float64Array(clusterCount * dimension);
  const trials = seedingTrials(clusterCount);
  const { kernels: workspace, norms, free } = shared;
  const { heap } = workspace;
  // After the points: the step's candidates (trials × d), then their products with every point (n × trials).
  const candidatesAt = free;
  const productsAt = candidatesAt + trials * dimension;
  const first = random.integer(rowCount);
  centroids.set(data.subarray(first * dimension, (first + 1) * dimension), 0);
  const closest = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    closest[row] = squaredDistance(data, row * dimension, data, first * dimension, dimension);
  }
  const cumulative = new Float64Array(rowCount);
  const candidates = new Int32Array(trials);
  const potentials = new Float64Array(trials);
  // Per candidate: min(closest, distance) per point.
  const kept = Array.from({ length: trials }, () => new Float64Array(rowCount));
  // Which chosen centre is nearest to each row.
  const owner = new Int32Array(rowCount);
  for (let cluster = 1; cluster < clusterCount; cluster += 1) {
    let running = 0;
    for (let row = 0; row < rowCount; row += 1) {
      running += closest[row] as number;
      cumulative[row] = running;
    }
    for (let trial = 0; trial < trials; trial += 1) {
      // Inverse-CDF draw: the first row whose cumulative weight reaches the target (binary search).
      const target = random.next() * running;
      let low = 0;
      let high = rowCount - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((cumulative[middle] as number) < target) low = middle + 1;
        else high = middle;
      }
      candidates[trial] = low;
      heap.set(data.subarray(low * dimension, (low + 1) * dimension), candidatesAt + trial * dimension);
    }
    workspace.dotRows(0, dimension, rowCount, candidatesAt, dimension, trials, dimension, productsAt, trials);
    // One candidate at a time over all points: each loop touches one output array, which V8 keeps fast.
    for (let trial = 0; trial < trials; trial += 1) {
      const candidate = candidates[trial] as number;
      const candidateNorm = norms[candidate] as number;
      const distances = kept[trial] as Float64Array;
      let potential = 0;
      for (let row = 0; row < rowCount; row += 1) {
        const both = (norms[row] as number) + candidateNorm;
        let squared = both - 2 * (heap[productsAt + row * trials + trial] as number);
        if (squared < 1e-2 * both) {
          squared = squaredDistance(data, row * dimension, data, candidate * dimension, dimension);
        }
        const smaller = Math.min(squared, closest[row] as number);
        distances[row] = smaller;
        potential += smaller;
      }
      potentials[trial] = potential;
    }
    let best = 0;
    for (let trial = 1; trial < trials; trial += 1) {
      if ((potentials[trial] as number) < (potentials[best] as number)) best = trial;
    }
    const chosen = candidates[best] as number;
    centroids.set(data.subarray(chosen * dimension, (chosen + 1) * dimension), cluster * dimension);
    const distances = kept[best] as Float64Array;
    for (let row = 0; row < rowCount; row += 1) {
      if ((distances[row] as number) < (closest[row] as number)) owner[row] = cluster;
    }
    closest.set(distances);
  }
  if (seeding !== undefined) {
    seeding.labels.set(owner);
    for (let row = 0; row < rowCount; row += 1) {
      seeding.distances[row] = squaredDistance(
        data,
        row * dimension,
        centroids,
        (owner[row] as number) * dimension,
        dimension,
      );
    }
  }
  return centroids;
}
