/** Outcome of one {@link lloydKMeans} run. */
export interface LloydResult {
  /** Cluster index of each point. */
  labels: Int32Array;
  /** Row-major `k × d` centres. */
  centroids: Float64Array;
  /** Sum of squared distances of the points to their centres. */
  inertia: number;
  /** Assignment passes made, the final one included (scikit-learn's `n_iter_`). */
  iterations: number;
  /** Whether the run stopped because assignments stopped changing or centres moved by at most the tolerance. */
  converged: boolean;
  /** Inertia after each assignment pass; never increases. */
  inertiaHistory: number[];
}

/**
 * Index of the nearest centre (lowest index on a tie) and the squared distance to it. Distances are summed as
 * squared differences rather than through ‖x‖² − 2x·c + ‖c‖², so ties and near-ties resolve exactly as a textbook
 * implementation does; a partial sum that already exceeds the best distance stops early.
 */
function nearest(
  data: Float64Array,
  offset: number,
  centroids: Float64Array,
  clusterCount: number,
  dimension: number,
  result: Float64Array,
): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let cluster = 0; cluster < clusterCount; cluster += 1) {
    const base = cluster * dimension;
    let distance = 0;
    let axis = 0;
    while (axis < dimension) {
      const stop = Math.min(dimension, axis + 16);
      for (; axis < stop; axis += 1) {
        const difference = (data[offset + axis] as number) - (centroids[base + axis] as number);
        distance += difference * difference;
      }
      if (distance > bestDistance) break;
    }
    if (distance < bestDistance) {
      bestDistance = distance;
      best = cluster;
    }
  }
  result[0] = bestDistance;
  return best;
}

/**
 * Assigns every point to its nearest centre.
 *
 * @returns The inertia of the assignment.
 */
export function assignPoints(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  centroids: Float64Array,
  clusterCount: number,
  labels: Int32Array,
  distances: Float64Array,
): number {
  const scratch = new Float64Array(1);
  let inertia = 0;
  for (let row = 0; row < rowCount; row += 1) {
    labels[row] = nearest(data, row * dimension, centroids, clusterCount, dimension, scratch);
    const distance = scratch[0] as number;
    distances[row] = distance;
    inertia += distance;
  }
  return inertia;
}

/**
 * Recomputes each centre as the mean of its points. An empty cluster takes the point farthest from its own centre
 * among clusters that can spare one (as scikit-learn relocates empty clusters), so no centre is ever NaN.
 */
function updateCentroids(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
  labels: Int32Array,
  distances: Float64Array,
  centroids: Float64Array,
): number[] {
  const relocated: number[] = [];
  const sizes = new Int32Array(clusterCount);
  for (let row = 0; row < rowCount; row += 1)
    sizes[labels[row] as number] = (sizes[labels[row] as number] as number) + 1;
  for (let cluster = 0; cluster < clusterCount; cluster += 1) {
    if (sizes[cluster] !== 0) continue;
    let farthest = -1;
    let farthestDistance = -1;
    for (let row = 0; row < rowCount; row += 1) {
      if ((sizes[labels[row] as number] as number) > 1 && (distances[row] as number) > farthestDistance) {
        farthest = row;
        farthestDistance = distances[row] as number;
      }
    }
    if (farthest < 0) continue;
    sizes[labels[farthest] as number] = (sizes[labels[farthest] as number] as number) - 1;
    labels[farthest] = cluster;
    distances[farthest] = 0;
    relocated.push(farthest);
    sizes[cluster] = 1;
  }
  centroids.fill(0);
  for (let row = 0; row < rowCount; row += 1) {
    const base = (labels[row] as number) * dimension;
    const offset = row * dimension;
    for (let axis = 0; axis < dimension; axis += 1)
      centroids[base + axis] = (centroids[base + axis] as number) + (data[offset + axis] as number);
  }
  for (let cluster = 0; cluster < clusterCount; cluster += 1) {
    const size = sizes[cluster] as number;
    if (size === 0) continue;
    const base = cluster * dimension;
    for (let axis = 0; axis < dimension; axis += 1) centroids[base + axis] = (centroids[base + axis] as number) / size;
  }
  return relocated;
}

/**
 * Nearest and second-nearest centre of one point, with squared differences summed in the same order as
 * {@link assignPoints} so the winner (lowest index on a tie) is the same. Writes the two squared distances to `result`.
 */
function nearestTwo(
  data: Float64Array,
  offset: number,
  centroids: Float64Array,
  clusterCount: number,
  dimension: number,
  result: Float64Array,
): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  let secondDistance = Number.POSITIVE_INFINITY;
  for (let cluster = 0; cluster < clusterCount; cluster += 1) {
    const base = cluster * dimension;
    let distance = 0;
    let axis = 0;
    while (axis < dimension) {
      const stop = Math.min(dimension, axis + 16);
      for (; axis < stop; axis += 1) {
        const difference = (data[offset + axis] as number) - (centroids[base + axis] as number);
        distance += difference * difference;
      }
      if (distance > secondDistance) break;
    }
    if (distance < bestDistance) {
      secondDistance = bestDistance;
      bestDistance = distance;
      best = cluster;
    } else if (distance < secondDistance) {
      secondDistance = distance;
    }
  }
  result[0] = bestDistance;
  result[1] = secondDistance;
  return best;
}

function squaredDistanceTo(
  data: Float64Array,
  offset: number,
  centroids: Float64Array,
  base: number,
  dimension: number,
): number {
  let distance = 0;
  for (let axis = 0; axis < dimension; axis += 1) {
    const difference = (data[offset + axis] as number) - (centroids[base + axis] as number);
    distance += difference * difference;
  }
  return distance;
}

/**
 * Lloyd's algorithm from given centres, with scikit-learn's stopping rule: stop when no assignment changes (strict
 * convergence) or when the summed squared centre shift is at most `tolerance`; after a tolerance stop the points are
 * reassigned to the final centres so labels and inertia agree with them.
 *
 * Each pass skips the full scan of the centres for points that provably keep their centre (Hamerly 2010, "Making
 * k-means even faster": a lower bound on the distance to the second-nearest centre, loosened by the centres' moves,
 * and half the distance from the own centre to its nearest neighbour). The skip test keeps a safety margin far above
 * round-off, so every assignment equals the plain Lloyd assignment (ties to the lower index), only cheaper.
 *
 * Complexity O(iterations · n · k · d) worst case; typically a small fraction after the first passes.
 *
 * @param data - Row-major `n × d` points.
 * @param rowCount - n.
 * @param dimension - d.
 * @param initial - Row-major `k × d` starting centres (not mutated).
 * @param clusterCount - k.
 * @param maxIterations - Cap on assignment passes.
 * @param tolerance - Absolute bound on the summed squared centre shift.
 * @returns Labels, centres, inertia and diagnostics.
 */
export function lloydKMeans(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  initial: Float64Array,
  clusterCount: number,
  maxIterations: number,
  tolerance: number,
): LloydResult {
  let centroids = Float64Array.from(initial);
  let next = new Float64Array(centroids.length);
  const labels = new Int32Array(rowCount).fill(-1);
  const previous = new Int32Array(rowCount).fill(-1);
  const distances = new Float64Array(rowCount);
  const lower = new Float64Array(rowCount);
  const halfGap = new Float64Array(clusterCount);
  const scratch = new Float64Array(2);
  const inertiaHistory: number[] = [];
  let margin = 0;
  let iterations = 0;
  let converged = false;
  let strict = false;
  while (iterations < maxIterations) {
    let inertia = 0;
    if (iterations === 0) {
      let largest = 0;
      for (let row = 0; row < rowCount; row += 1) {
        labels[row] = nearestTwo(data, row * dimension, centroids, clusterCount, dimension, scratch);
        distances[row] = scratch[0] as number;
        lower[row] = Math.sqrt(scratch[1] as number);
        inertia += scratch[0] as number;
        largest = Math.max(largest, scratch[0] as number);
      }
      // Bounds drift by round-off of order 1e-16 of the distances per pass; this margin dwarfs that.
      margin = 1e-9 * (Math.sqrt(largest) + 1);
    } else {
      for (let cluster = 0; cluster < clusterCount; cluster += 1) {
        let closest = Number.POSITIVE_INFINITY;
        for (let other = 0; other < clusterCount; other += 1) {
          if (other === cluster) continue;
          closest = Math.min(
            closest,
            squaredDistanceTo(centroids, cluster * dimension, centroids, other * dimension, dimension),
          );
        }
        halfGap[cluster] = 0.5 * Math.sqrt(closest);
      }
      for (let row = 0; row < rowCount; row += 1) {
        const offset = row * dimension;
        const label = labels[row] as number;
        const own = squaredDistanceTo(data, offset, centroids, label * dimension, dimension);
        const bound = Math.max(halfGap[label] as number, lower[row] as number);
        if (Math.sqrt(own) + margin < bound) {
          distances[row] = own;
          inertia += own;
          continue;
        }
        labels[row] = nearestTwo(data, offset, centroids, clusterCount, dimension, scratch);
        distances[row] = scratch[0] as number;
        lower[row] = Math.sqrt(scratch[1] as number);
        inertia += scratch[0] as number;
      }
    }
    inertiaHistory.push(inertia);
    iterations += 1;
    let changed = false;
    for (let row = 0; row < rowCount; row += 1) {
      if (labels[row] !== previous[row]) {
        changed = true;
        break;
      }
    }
    if (!changed) {
      converged = true;
      strict = true;
      break;
    }
    const relocated = updateCentroids(data, rowCount, dimension, clusterCount, labels, distances, next);
    for (const row of relocated) lower[row] = 0;
    previous.set(labels);
    let shift = 0;
    let largestMove = 0;
    let largestMoveCluster = -1;
    let secondMove = 0;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      const squared = squaredDistanceTo(next, cluster * dimension, centroids, cluster * dimension, dimension);
      shift += squared;
      const move = Math.sqrt(squared);
      if (move > largestMove) {
        secondMove = largestMove;
        largestMove = move;
        largestMoveCluster = cluster;
      } else if (move > secondMove) {
        secondMove = move;
      }
    }
    // Another centre can come closer by at most the largest move among the other centres.
    for (let row = 0; row < rowCount; row += 1) {
      lower[row] = (lower[row] as number) - (labels[row] === largestMoveCluster ? secondMove : largestMove);
    }
    [centroids, next] = [next, centroids];
    if (shift <= tolerance) {
      converged = true;
      break;
    }
  }
  let inertia = inertiaHistory[inertiaHistory.length - 1] ?? 0;
  if (!strict) {
    inertia = assignPoints(data, rowCount, dimension, centroids, clusterCount, labels, distances);
    inertiaHistory.push(inertia);
  }
  return { labels, centroids, inertia, iterations, converged, inertiaHistory };
}
