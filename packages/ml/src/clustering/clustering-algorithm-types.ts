/** One point: its coordinates, all finite, the same count for every point. */
export type DataPoint = readonly number[] | Float64Array;

/** The random generators k-means++ can draw from; see {@link ClusteringAlgorithmOptions.generator}. */
export type KMeansGenerator = "xoroshiro128plus" | "numpy-mt19937";

/** A stored k-means result. */
export interface ClusteringResult {
  /** Id for {@link ClusteringAlgorithm.getClustering} and {@link ClusteringAlgorithm.predict}. */
  clusterId: string;
  /** Number of clusters. */
  k: number;
  /** The seed the k-means++ draws used (echoed so the run can be repeated). */
  seed: number;
  /** The generator the k-means++ draws used. */
  generator: KMeansGenerator;
  /** Runs made (restarts). */
  nInit: number;
  /** Cluster index (0..k−1) of each input point, in input order. */
  assignments: number[];
  /** Cluster centres, `k` rows of `d` values. */
  centroids: number[][];
  /** Points per cluster. */
  clusterSizes: number[];
  /** Sum of squared Euclidean distances of the points to their centres. */
  inertia: number;
  /** Assignment passes of the kept run. */
  iterations: number;
  /** Whether the kept run met the stopping rule before `maxIterations`. */
  converged: boolean;
  /** Inertia after each assignment pass of the kept run (non-increasing). */
  inertiaHistory: number[];
  /** Mean silhouette coefficient, or `null` when not computed or undefined (k = 1 or k = n). */
  silhouette: number | null;
}

/** One k tried by {@link ClusteringAlgorithm.chooseK}. */
export interface KCandidate {
  /** Number of clusters. */
  k: number;
  /** Inertia of the best of the restarts. */
  inertia: number;
  /** Its silhouette score (`null` when undefined). */
  silhouette: number | null;
}

/** The outcome of {@link ClusteringAlgorithm.chooseK}. */
export interface ChooseKResult {
  /** The k with the highest silhouette. */
  bestBySilhouette: number;
  /** The elbow of the inertia curve: the k farthest below the chord from the first to the last candidate. */
  elbow: number;
  /** Every k tried, ascending. */
  candidates: KCandidate[];
}
