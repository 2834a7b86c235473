import { createValidator } from "@pelbiot/core";

/**
 * Mean silhouette coefficient of a clustering with Euclidean distances (scikit-learn's `silhouette_score`): for each
 * point, `(b − a) / max(a, b)` where `a` is its mean distance to the rest of its cluster and `b` the smallest mean
 * distance to another cluster; points alone in their cluster score 0.
 *
 * Complexity O(n² · d) time, O(n · k) memory.
 *
 * @param points - The points, one row of equal length each.
 * @param labels - Cluster indices in `[0, k)`, aligned with `points`.
 * @returns The score in `[-1, 1]`, or `null` when it is undefined (fewer than 2 or more than n − 1 distinct clusters).
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the inputs differ in length or rows are ragged.
 * @example
 * ```ts
 * silhouetteScore([[0], [0.1], [5], [5.1]], [0, 0, 1, 1]); // ≈ 0.98
 * ```
 */
export function silhouetteScore(
  points: readonly (readonly number[] | Float64Array)[],
  labels: readonly number[],
): number | null {
  const count = points.length;
  const dimension = points[0]?.length ?? 0;
  const check = createValidator("silhouetteScore");
  check.check(labels.length === count, "labels", `must have ${count} entries like points`);
  for (let row = 0; row < count; row += 1) {
    if (points[row]?.length !== dimension) {
      check.fail(`points.${row}`, `must have ${dimension} coordinates like points.0`);
      break;
    }
  }
  check.done();
  let clusterCount = 0;
  for (const label of labels) clusterCount = Math.max(clusterCount, label + 1);
  const sizes = new Array<number>(clusterCount).fill(0);
  for (const label of labels) sizes[label] = (sizes[label] as number) + 1;
  const distinct = sizes.filter((size) => size > 0).length;
  if (distinct < 2 || distinct > count - 1) return null;
  // Row sums of distances to every cluster; the matrix is symmetric, so each pair is computed once.
  const sums = new Float64Array(count * clusterCount);
  for (let row = 0; row < count; row += 1) {
    const left = points[row] as readonly number[];
    const leftLabel = labels[row] as number;
    for (let other = row + 1; other < count; other += 1) {
      const right = points[other] as readonly number[];
      let squared = 0;
      for (let axis = 0; axis < dimension; axis += 1) {
        const difference = (left[axis] as number) - (right[axis] as number);
        squared += difference * difference;
      }
      const distance = Math.sqrt(squared);
      sums[row * clusterCount + (labels[other] as number)] =
        (sums[row * clusterCount + (labels[other] as number)] as number) + distance;
      sums[other * clusterCount + leftLabel] = (sums[other * clusterCount + leftLabel] as number) + distance;
    }
  }
  let total = 0;
  for (let row = 0; row < count; row += 1) {
    const own = labels[row] as number;
    const ownSize = sizes[own] as number;
    if (ownSize <= 1) continue;
    const within = (sums[row * clusterCount + own] as number) / (ownSize - 1);
    let nearest = Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      const size = sizes[cluster] as number;
      if (cluster === own || size === 0) continue;
      nearest = Math.min(nearest, (sums[row * clusterCount + cluster] as number) / size);
    }
    const spread = Math.max(within, nearest);
    total += spread === 0 ? 0 : (nearest - within) / spread;
  }
  return total / count;
}
