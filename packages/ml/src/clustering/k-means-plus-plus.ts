import type { UniformSource } from "./create-numpy-random-state";

function squaredDistance(data: Float64Array, left: number, right: number, dimension: number): number {
  let sum = 0;
  for (let axis = 0; axis < dimension; axis += 1) {
    const difference = (data[left + axis] as number) - (data[right + axis] as number);
    sum += difference * difference;
  }
  return sum;
}

/**
 * Greedy k-means++ seeding as scikit-learn implements it (Arthur & Vassilvitskii 2007, with the greedy variant):
 * the first centre is a uniformly drawn point; each next centre is the best, by resulting potential, of
 * `2 + ⌊ln k⌋` candidates drawn with probability proportional to the squared distance to the nearest chosen centre.
 *
 * Complexity O(k · (2 + ln k) · n · d).
 *
 * @param data - Row-major `n × d` points.
 * @param rowCount - n.
 * @param dimension - d.
 * @param clusterCount - k (at most n).
 * @param random - The seeded generator.
 * @returns Row-major `k × d` initial centres.
 */
export function kMeansPlusPlus(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
  random: UniformSource,
): Float64Array {
  const centroids = new Float64Array(clusterCount * dimension);
  const trials = 2 + Math.floor(Math.log(clusterCount));
  const first = random.integer(rowCount);
  centroids.set(data.subarray(first * dimension, (first + 1) * dimension), 0);
  const closest = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row += 1) {
    closest[row] = squaredDistance(data, row * dimension, first * dimension, dimension);
  }
  const cumulative = new Float64Array(rowCount);
  const candidateDistances = new Float64Array(rowCount);
  const bestDistances = new Float64Array(rowCount);
  for (let cluster = 1; cluster < clusterCount; cluster += 1) {
    let running = 0;
    for (let row = 0; row < rowCount; row += 1) {
      running += closest[row] as number;
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
      let candidatePotential = 0;
      const candidateOffset = candidate * dimension;
      for (let row = 0; row < rowCount; row += 1) {
        // Only min(closest, distance) matters, so stop summing once the partial sum reaches `closest`: the result
        // is exactly the same, and most points are already near a chosen centre.
        const current = closest[row] as number;
        const offset = row * dimension;
        let distance = 0;
        let axis = 0;
        while (axis < dimension && distance < current) {
          const stop = Math.min(dimension, axis + 16);
          for (; axis < stop; axis += 1) {
            const difference = (data[offset + axis] as number) - (data[candidateOffset + axis] as number);
            distance += difference * difference;
          }
        }
        const kept = Math.min(distance, current);
        candidateDistances[row] = kept;
        candidatePotential += kept;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestCandidate = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    centroids.set(data.subarray(bestCandidate * dimension, (bestCandidate + 1) * dimension), cluster * dimension);
    closest.set(bestDistances);
  }
  return centroids;
}
