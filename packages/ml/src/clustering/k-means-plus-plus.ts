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
 * ‖x‖² + ‖c‖² − 2x·c, run by the dense kernels (WebAssembly SIMD where available), and so does the loop over them
 * that keeps each point's nearest distance and sums each candidate's potential. Where that difference cancels
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
  const { kernels: workspace, free, normsAt, seedingAt } = shared;
  const { heap } = workspace;
  // After the points: the step's candidates (trials × d), then their products with every point (n × trials). In the
  // seeding's own region: the distance to the nearest chosen centre (n), each candidate's distances (trials × n),
  // the candidate rows (trials) and their potentials (trials).
  const candidatesAt = free;
  const productsAt = candidatesAt + trials * dimension;
  const closestAt = seedingAt;
  const keptAt = closestAt + rowCount;
  const rowsAt = keptAt + trials * rowCount;
  const potentialsAt = rowsAt + trials;
  const closest = heap.subarray(closestAt, closestAt + rowCount);
  const first = random.integer(rowCount);
  centroids.set(data.subarray(first * dimension, (first + 1) * dimension), 0);
  for (let row = 0; row < rowCount; row += 1) {
    closest[row] = squaredDistance(data, row * dimension, data, first * dimension, dimension);
  }
  const cumulative = new Float64Array(rowCount);
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
      heap[rowsAt + trial] = low;
      heap.copyWithin(candidatesAt + trial * dimension, low * dimension, (low + 1) * dimension);
    }
    workspace.dotRows(0, dimension, rowCount, candidatesAt, dimension, trials, dimension, productsAt, trials);
    // min(closest, distance to the candidate) per point and candidate, and each candidate's potential (their sum).
    workspace.seedingCandidates(
      productsAt,
      trials,
      rowCount,
      0,
      dimension,
      normsAt,
      rowsAt,
      closestAt,
      keptAt,
      potentialsAt,
    );
    let best = 0;
    for (let trial = 1; trial < trials; trial += 1) {
      if ((heap[potentialsAt + trial] as number) < (heap[potentialsAt + best] as number)) best = trial;
    }
    const chosen = heap[rowsAt + best] as number;
    centroids.set(data.subarray(chosen * dimension, (chosen + 1) * dimension), cluster * dimension);
    const distances = keptAt + best * rowCount;
    for (let row = 0; row < rowCount; row += 1) {
      if ((heap[distances + row] as number) < (closest[row] as number)) owner[row] = cluster;
    }
    heap.copyWithin(closestAt, distances, distances + rowCount);
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
