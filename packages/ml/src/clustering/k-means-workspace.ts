import { createDenseWorkspace, type DenseWorkspace } from "../internal/dense-kernels";

/**
 * The points of one k-means call copied once into a dense workspace, with their squared norms and room after them
 * for the products of k-means++ seeding and of Lloyd's assignment passes (and the rows those passes gather); all
 * restarts share it.
 */
export interface KMeansWorkspace {
  readonly kernels: DenseWorkspace;
  /** ‖x‖² of each point: a view of the heap at {@link KMeansWorkspace.normsAt}. */
  readonly norms: Float64Array;
  /** Index of the first free value of the heap (after the `n × d` points). */
  readonly free: number;
  /** Index of the points' norms in the heap (after the regions of the seeding's and Lloyd's products). */
  readonly normsAt: number;
  /**
   * Index of the seeding's own region, after the norms: each point's distance to its nearest chosen centre (n),
   * the candidates' distances (trials × n), the candidate rows (trials) and their potentials (trials).
   */
  readonly seedingAt: number;
  /**
   * Index of Lloyd's own region, after the seeding's: the centres' norms (k), the rows gathered by a pass (n) and
   * each gathered row's nearest centre, smallest and second smallest ranking value (3n).
   */
  readonly lloydAt: number;
  /** The largest absolute coordinate, the scale of the safety margins. */
  readonly largest: number;
}

/** Candidates drawn per k-means++ step (scikit-learn's greedy rule). */
export function seedingTrials(clusterCount: number): number {
  return 2 + Math.floor(Math.log(clusterCount));
}

/**
 * Creates the workspace of a k-means call.
 *
 * @param data - Row-major `n × d` points.
 * @param rowCount - n.
 * @param dimension - d.
 * @param clusterCount - k.
 * @returns The workspace.
 */
export function createKMeansWorkspace(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
): KMeansWorkspace {
  const free = rowCount * dimension;
  const trials = seedingTrials(clusterCount);
  const columns = Math.max(clusterCount, trials);
  // Lloyd gathers up to n rows (n × d) besides the centres and the products, and keeps n labels and k sums for the
  // centre update; the seeding's products need less. Then the norms and the seeding's distances.
  const normsAt = free + 2 * columns * dimension + rowCount * dimension + rowCount * columns + rowCount;
  const seedingAt = normsAt + rowCount;
  const lloydAt = seedingAt + (trials + 1) * rowCount + 2 * trials;
  const kernels = createDenseWorkspace(lloydAt + clusterCount + 4 * rowCount);
  kernels.heap.set(data.subarray(0, free), 0);
  const norms = kernels.heap.subarray(normsAt, normsAt + rowCount);
  let largest = 0;
  for (let row = 0; row < rowCount; row += 1) {
    let norm = 0;
    for (let index = row * dimension; index < (row + 1) * dimension; index += 1) {
      const value = data[index] as number;
      norm += value * value;
      largest = Math.max(largest, Math.abs(value));
    }
    norms[row] = norm;
  }
  return { kernels, norms, free, normsAt, seedingAt, lloydAt, largest };
}
