import type { UniformSource } from "./create-numpy-random-state";
import { squaredDistance, squaredDistanceBelow } from "./squared-distance";

/**
 * By-products of k-means++ seeding that are exactly the first Lloyd pass from its centres: the seeding computes, for
 * every point, the distance to each new centre (or a lower bound when it is farther than the current nearest one).
 */
export interface KMeansSeeding {
  /** Nearest centre of each point (lowest index on a tie), length n. */
  labels: Int32Array;
  /** Squared distance of each point to that centre, length n. */
  distances: Float64Array;
  /** Row-major `n × k` lower bounds on the distance (not squared) from each point to each centre. */
  lower: Float64Array;
}

/**
 * Greedy k-means++ seeding as scikit-learn implements it (Arthur & Vassilvitskii 2007, with the greedy variant):
 * the first centre is a uniformly drawn point; each next centre is the best, by resulting potential, of
 * `2 + ⌊ln k⌋` candidates drawn with probability proportional to the squared distance to the nearest chosen centre.
 *
 * A candidate's distance to a point is only computed when the triangle inequality cannot rule it out: a candidate at
 * least twice as far from the point's nearest chosen centre as the point itself cannot get closer. The margin of that
 * test dwarfs round-off, so the potentials, and hence the chosen centres, are exactly those of the plain computation.
 *
 * Complexity O(k · (2 + ln k) · n · d) worst case; far less when the chosen centres are well separated.
 *
 * @param data - Row-major `n × d` points.
 * @param rowCount - n.
 * @param dimension - d.
 * @param clusterCount - k (at most n).
 * @param random - The seeded generator.
 * @param seeding - When given, receives what the seeding already knows about the first Lloyd pass (see
 *   {@link KMeansSeeding}), so {@link lloydKMeans} can skip that pass.
 * @returns Row-major `k × d` initial centres.
 */
export function kMeansPlusPlus(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
  random: UniformSource,
  seeding?: KMeansSeeding,
): Float64Array {
  const centroids = new Float64Array(clusterCount * dimension);
  const trials = 2 + Math.floor(Math.log(clusterCount));
  const first = random.integer(rowCount);
  centroids.set(data.subarray(first * dimension, (first + 1) * dimension), 0);
  const closest = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    closest[row] = squaredDistance(data, row * dimension, data, first * dimension, dimension);
  }
  if (seeding !== undefined) {
    for (let row = 0; row < rowCount; row += 1) seeding.lower[row * clusterCount] = Math.sqrt(closest[row] as number);
  }
  const cumulative = new Float64Array(rowCount);
  const candidateDistances = new Float64Array(rowCount);
  const bestDistances = new Float64Array(rowCount);
  const candidateLower = new Float64Array(rowCount);
  const reaches = new Float64Array(rowCount);
  const bestLower = new Float64Array(rowCount);
  // Which chosen centre is nearest to each row, and where each chosen centre's row starts.
  const owner = new Int32Array(rowCount);
  const chosenOffsets = new Int32Array(clusterCount);
  chosenOffsets[0] = first * dimension;
  const toChosen = new Float64Array(clusterCount);
  let largest = 0;
  for (let index = 0; index < data.length; index += 1) largest = Math.max(largest, Math.abs(data[index] as number));
  // Round-off in the distances is of order 1e-16 of their size; the pruning test keeps a margin far above it.
  const margin = 1e-9 * (2 * largest * Math.sqrt(dimension) + 1);
  for (let cluster = 1; cluster < clusterCount; cluster += 1) {
    let running = 0;
    for (let row = 0; row < rowCount; row += 1) {
      running += closest[row] as number;
      // The same for every candidate of this step, so taken once per step.
      reaches[row] = Math.sqrt(closest[row] as number);
      cumulative[row] = running;
    }
    let bestCandidate = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
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
      const candidate = low;
      const candidateOffset = candidate * dimension;
      // Distances from the candidate to the centres chosen so far, for the triangle-inequality test below.
      for (let chosen = 0; chosen < cluster; chosen += 1) {
        toChosen[chosen] = Math.sqrt(
          squaredDistance(data, candidateOffset, data, chosenOffsets[chosen] as number, dimension),
        );
      }
      let candidatePotential = 0;
      for (let row = 0; row < rowCount; row += 1) {
        const current = closest[row] as number;
        // d(x, candidate) ≥ d(candidate, own) − d(x, own): when that clearly exceeds d(x, own), min(closest,
        // distance) is `closest` whatever the exact distance, so it need not be computed.
        const reach = reaches[row] as number;
        const apart = toChosen[owner[row] as number] as number;
        if (apart > 2 * reach + margin) {
          candidateLower[row] = apart - reach - margin;
          candidateDistances[row] = current;
          candidatePotential += current;
          continue;
        }
        // Only min(closest, distance) matters, so stop summing once the partial sum reaches `closest`: the result
        // is exactly the same, and most points are already near a chosen centre.
        const distance = squaredDistanceBelow(data, row * dimension, data, candidateOffset, dimension, current);
        const kept = Math.min(distance, current);
        candidateLower[row] = Math.sqrt(distance);
        candidateDistances[row] = kept;
        candidatePotential += kept;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestCandidate = candidate;
        bestDistances.set(candidateDistances);
        if (seeding !== undefined) bestLower.set(candidateLower);
      }
    }
    centroids.set(data.subarray(bestCandidate * dimension, (bestCandidate + 1) * dimension), cluster * dimension);
    chosenOffsets[cluster] = bestCandidate * dimension;
    for (let row = 0; row < rowCount; row += 1) {
      if ((bestDistances[row] as number) < (closest[row] as number)) owner[row] = cluster;
    }
    closest.set(bestDistances);
    if (seeding !== undefined) {
      for (let row = 0; row < rowCount; row += 1)
        seeding.lower[row * clusterCount + cluster] = bestLower[row] as number;
    }
  }
  if (seeding !== undefined) {
    seeding.labels.set(owner);
    seeding.distances.set(closest);
  }
  return centroids;
}
