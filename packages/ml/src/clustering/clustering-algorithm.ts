import { createIdGenerator, createValidator, type IdGenerator, PelbiotError, type Validator } from "@pelbiot/core";
import { silhouetteScore } from "../metrics/silhouette-score";
import { createRandom } from "../random/create-random";
import { createNumpyRandomState } from "./create-numpy-random-state";
import { type KMeansSeeding, kMeansPlusPlus } from "./k-means-plus-plus";
import { assignPoints, lloydKMeans } from "./lloyd-k-means";

/** One point: its coordinates, all finite, the same count for every point. */
export type DataPoint = readonly number[] | Float64Array;

/** The random generators k-means++ can draw from; see {@link ClusteringAlgorithmOptions.generator}. */
export type KMeansGenerator = "xoroshiro128plus" | "numpy-mt19937";

/** Options of {@link ClusteringAlgorithm}. */
export interface ClusteringAlgorithmOptions {
  /**
   * The largest k accepted by `kMeansClustering` and tried by `chooseK`.
   * @default 10
   */
  maxClusters?: number;
  /**
   * Cap on Lloyd assignment passes per run; a run that reaches it reports `converged: false`.
   * @default 100
   */
  maxIterations?: number;
  /**
   * Number of k-means++ restarts; the run with the lowest inertia is kept.
   * @default 10
   */
  nInit?: number;
  /**
   * Relative tolerance as in scikit-learn: a run stops when the summed squared centre shift is at most
   * `tolerance × mean per-feature variance of the data` (or when no assignment changes). 0 stops only on unchanged
   * assignments.
   * @default 1e-4
   */
  tolerance?: number;
  /**
   * Seed of the k-means++ draws when a call gives none; echoed in every result.
   * @default 0
   */
  seed?: number;
  /**
   * The generator behind the k-means++ draws: `"xoroshiro128plus"` (the package's seeded generator) or
   * `"numpy-mt19937"`, which reproduces NumPy's legacy `RandomState(seed)`, so that a seed picks the same initial
   * centres as scikit-learn's `KMeans(random_state=seed)`.
   * @default "xoroshiro128plus"
   */
  generator?: KMeansGenerator;
  /**
   * Compute the silhouette score of each result (O(n²·d): about 0.2 s for 1,800 points of 64 features).
   * @default true
   */
  computeSilhouette?: boolean;
  /**
   * Results kept for `getClustering`/`predict`; the oldest is dropped beyond this.
   * @default 100
   */
  maxStoredResults?: number;
}

/** Per-call options of {@link ClusteringAlgorithm.kMeansClustering}; unset fields use the constructor's. */
export interface KMeansOptions {
  /** Seed of the k-means++ draws. */
  seed?: number;
  /** The generator of the k-means++ draws. */
  generator?: KMeansGenerator;
  /** Number of k-means++ restarts (ignored with explicit initial centres). */
  nInit?: number;
  /** Cap on assignment passes per run. */
  maxIterations?: number;
  /** Relative tolerance; see {@link ClusteringAlgorithmOptions.tolerance}. */
  tolerance?: number;
  /**
   * `"k-means++"` (greedy, as scikit-learn) or explicit initial centres (`k` rows of `d` values), which run once.
   * @default "k-means++"
   */
  init?: "k-means++" | readonly DataPoint[];
  /** Compute the silhouette score. */
  computeSilhouette?: boolean;
}

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

interface ResolvedRun {
  seed: number;
  generator: KMeansGenerator;
  nInit: number;
  maxIterations: number;
  tolerance: number;
  init: "k-means++" | Float64Array;
  computeSilhouette: boolean;
}

interface Matrix {
  data: Float64Array;
  rowCount: number;
  dimension: number;
}

/**
 * k-means clustering with greedy k-means++ seeding and restarts, matching scikit-learn's `KMeans(algorithm="lloyd")`
 * in method and stopping rule; results are stored by id for later lookup and prediction.
 *
 * @example
 * ```ts
 * const clustering = new ClusteringAlgorithm({ maxClusters: 10, maxIterations: 100 });
 * const result = clustering.kMeansClustering(dataPoints, 3);
 * const details = clustering.getClustering(result.clusterId);
 * clustering.predict(result.clusterId, [[5.1, 3.5, 1.4, 0.2]]); // [0]
 * ```
 */
export class ClusteringAlgorithm {
  readonly #options: Required<ClusteringAlgorithmOptions>;
  readonly #results = new Map<string, ClusteringResult>();
  readonly #ids: IdGenerator = createIdGenerator({ prefix: "clu" });

  /**
   * @param options - See {@link ClusteringAlgorithmOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is out of range, listing every issue.
   */
  constructor(options: ClusteringAlgorithmOptions = {}) {
    const {
      maxClusters = 10,
      maxIterations = 100,
      nInit = 10,
      tolerance = 1e-4,
      seed = 0,
      computeSilhouette = true,
      maxStoredResults = 100,
      generator = "xoroshiro128plus",
    } = options;
    const check = createValidator("ClusteringAlgorithm");
    if (check.object("options", options)) {
      check.number("options.maxClusters", maxClusters, { integer: true, min: 1 });
      check.number("options.maxStoredResults", maxStoredResults, { integer: true, min: 1 });
      check.boolean("options.computeSilhouette", computeSilhouette);
      validateRunOptions(check, "options", { maxIterations, nInit, tolerance, seed, generator });
    }
    check.done();
    this.#options = {
      maxClusters,
      maxIterations,
      nInit,
      tolerance,
      seed,
      computeSilhouette,
      maxStoredResults,
      generator,
    };
  }

  /**
   * Clusters points into k groups with k-means and stores the result.
   *
   * Complexity O(nInit · iterations · n · k · d), plus O(n² · d) for the silhouette.
   *
   * @param dataPoints - The points (at least k), each an array of the same number of finite coordinates.
   * @param k - The number of clusters, 1 ≤ k ≤ min(n, maxClusters).
   * @param options - Per-call seed, restarts, iteration cap, tolerance and initialisation.
   * @returns The stored result, with its `clusterId`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for ragged rows, non-finite values, k not a positive integer or
   *   malformed options; nothing is stored.
   * @throws {PelbiotError} LIMIT_EXCEEDED when k > maxClusters; INSUFFICIENT_DATA when k exceeds the number of points.
   * @example
   * ```ts
   * const result = clustering.kMeansClustering(points, 4, { seed: 7 });
   * result.inertia;
   * ```
   */
  kMeansClustering(dataPoints: readonly DataPoint[], k: number, options: KMeansOptions = {}): ClusteringResult {
    const check = createValidator("ClusteringAlgorithm.kMeansClustering");
    const matrix = toMatrix(check, "dataPoints", dataPoints);
    check.number("k", k, { integer: true, min: 1 });
    const run = this.#resolveRun(check, options, matrix.dimension, k);
    check.done();
    this.#checkK(k, matrix.rowCount, "kMeansClustering");
    const result = this.#cluster(matrix, k, run);
    this.#results.set(result.clusterId, result);
    if (this.#results.size > this.#options.maxStoredResults) {
      const oldest = this.#results.keys().next().value;
      if (oldest !== undefined) this.#results.delete(oldest);
    }
    return structuredClone(result);
  }

  /**
   * A stored result.
   *
   * @param clusterId - The id returned by {@link ClusteringAlgorithm.kMeansClustering}.
   * @returns A copy of the result.
   * @throws {PelbiotError} NOT_FOUND when no result has that id (never stored, or dropped as the oldest).
   * @example
   * ```ts
   * clustering.getClustering(result.clusterId).centroids;
   * ```
   */
  getClustering(clusterId: string): ClusteringResult {
    return structuredClone(this.#require(clusterId, "getClustering"));
  }

  /**
   * Assigns new points to the nearest centre of a stored result (lowest cluster index on a tie).
   *
   * Complexity O(m · k · d).
   *
   * @param clusterId - The id of a stored result.
   * @param points - Points with the same number of coordinates as the clustered data.
   * @returns The cluster index of each point.
   * @throws {PelbiotError} NOT_FOUND for an unknown id.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for ragged, non-finite or wrongly sized points.
   * @example
   * ```ts
   * clustering.predict(result.clusterId, [[0.2, 1.4], [3, 3]]); // [0, 2]
   * ```
   */
  predict(clusterId: string, points: readonly DataPoint[]): number[] {
    const stored = this.#require(clusterId, "predict");
    const check = createValidator("ClusteringAlgorithm.predict");
    const matrix = toMatrix(check, "points", points);
    const dimension = stored.centroids[0]?.length ?? 0;
    if (matrix.rowCount > 0) {
      check.check(
        matrix.dimension === dimension,
        "points",
        `must have ${dimension} coordinates per point like the clustered data`,
      );
    }
    check.done();
    const labels = new Int32Array(matrix.rowCount);
    const centroids = Float64Array.from(stored.centroids.flat());
    assignPoints(
      matrix.data,
      matrix.rowCount,
      dimension,
      centroids,
      stored.k,
      labels,
      new Float64Array(matrix.rowCount),
    );
    return Array.from(labels);
  }

  /**
   * Ids of the stored results, oldest first.
   *
   * @returns The ids.
   * @example
   * ```ts
   * clustering.listClusterings(); // ["clu_0193…"]
   * ```
   */
  listClusterings(): string[] {
    return [...this.#results.keys()];
  }

  /**
   * Removes a stored result.
   *
   * @param clusterId - The id.
   * @returns Whether a result was removed.
   * @example
   * ```ts
   * clustering.deleteClustering(result.clusterId); // true
   * ```
   */
  deleteClustering(clusterId: string): boolean {
    return this.#results.delete(clusterId);
  }

  /**
   * Runs k-means for every k from `minK` to `maxK` (default: 2 to `maxClusters`, capped at n − 1) and suggests k by the
   * silhouette (highest) and by the elbow of the inertia curve. Nothing is stored.
   *
   * Complexity (maxK − minK + 1) × one `kMeansClustering` with silhouette.
   *
   * @param dataPoints - The points.
   * @param options - The range of k and per-run options.
   * @returns Both suggestions and every candidate's inertia and silhouette.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for bad points or a bad range.
   * @throws {PelbiotError} LIMIT_EXCEEDED when maxK > maxClusters; INSUFFICIENT_DATA with fewer than 3 points.
   * @example
   * ```ts
   * clustering.chooseK(points).bestBySilhouette; // 3
   * ```
   */
  chooseK(
    dataPoints: readonly DataPoint[],
    options: Omit<KMeansOptions, "init" | "computeSilhouette"> & { minK?: number; maxK?: number } = {},
  ): ChooseKResult {
    const check = createValidator("ClusteringAlgorithm.chooseK");
    const matrix = toMatrix(check, "dataPoints", dataPoints);
    const { minK = 2, maxK = Math.min(this.#options.maxClusters, Math.max(2, matrix.rowCount - 1)) } = options;
    check.number("options.minK", minK, { integer: true, min: 2 });
    if (check.number("options.maxK", maxK, { integer: true, min: 2 })) {
      check.check(maxK >= minK, "options.maxK", `must be at least minK (${minK})`);
    }
    const run = this.#resolveRun(check, { ...options, computeSilhouette: true }, matrix.dimension, minK);
    check.done();
    this.#checkK(maxK, matrix.rowCount - 1, "chooseK");
    const candidates: KCandidate[] = [];
    for (let k = minK; k <= maxK; k += 1) {
      const result = this.#cluster(matrix, k, run);
      candidates.push({ k, inertia: result.inertia, silhouette: result.silhouette });
    }
    let bestBySilhouette = minK;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const candidate of candidates) {
      if (candidate.silhouette !== null && candidate.silhouette > bestScore) {
        bestScore = candidate.silhouette;
        bestBySilhouette = candidate.k;
      }
    }
    const first = candidates[0] as KCandidate;
    const last = candidates[candidates.length - 1] as KCandidate;
    let elbow = first.k;
    let largestGap = 0;
    for (const candidate of candidates) {
      // Distance below the straight line from the first to the last point of the inertia curve.
      const fraction = last.k === first.k ? 0 : (candidate.k - first.k) / (last.k - first.k);
      const gap = first.inertia + fraction * (last.inertia - first.inertia) - candidate.inertia;
      if (gap > largestGap) {
        largestGap = gap;
        elbow = candidate.k;
      }
    }
    return { bestBySilhouette, elbow, candidates };
  }

  #resolveRun(check: Validator, options: KMeansOptions, dimension: number, k: number): ResolvedRun {
    const defaults = this.#options;
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      check.fail("options", "must be an object");
      return { ...defaults, init: "k-means++" };
    }
    const {
      seed = defaults.seed,
      nInit = defaults.nInit,
      maxIterations = defaults.maxIterations,
      tolerance = defaults.tolerance,
      init = "k-means++",
      computeSilhouette = defaults.computeSilhouette,
      generator = defaults.generator,
    } = options;
    validateRunOptions(check, "options", { seed, nInit, maxIterations, tolerance, generator });
    check.boolean("options.computeSilhouette", computeSilhouette);
    if (init === "k-means++") return { seed, generator, nInit, maxIterations, tolerance, init, computeSilhouette };
    const centres = toMatrix(check, "options.init", Array.isArray(init) ? init : []);
    if (!Array.isArray(init)) {
      check.fail("options.init", 'must be "k-means++" or an array of k initial centres');
    } else {
      check.check(centres.rowCount === k, "options.init", `must hold k = ${k} centres, got ${centres.rowCount}`);
      check.check(
        centres.rowCount === 0 || centres.dimension === dimension,
        "options.init",
        `centres must have ${dimension} coordinates like the points`,
      );
    }
    return { seed, generator, nInit: 1, maxIterations, tolerance, init: centres.data, computeSilhouette };
  }

  #checkK(k: number, pointCount: number, method: string): void {
    if (k > this.#options.maxClusters) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `ClusteringAlgorithm.${method}: k = ${k} exceeds maxClusters = ${this.#options.maxClusters}; ask for fewer clusters or raise maxClusters`,
        { details: { k, maxClusters: this.#options.maxClusters } },
      );
    }
    if (k > pointCount) {
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `ClusteringAlgorithm.${method}: k = ${k} needs at least ${k} points${method === "chooseK" ? " plus one" : ""}, got ${method === "chooseK" ? pointCount + 1 : pointCount}`,
        { details: { k, points: pointCount } },
      );
    }
  }

  #cluster(matrix: Matrix, k: number, run: ResolvedRun): ClusteringResult {
    const { data, rowCount, dimension } = matrix;
    // scikit-learn's tolerance is relative to the data: tol × the mean of the per-feature variances.
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
    const tolerance = run.tolerance * meanVariance;
    const random = run.generator === "numpy-mt19937" ? createNumpyRandomState(run.seed) : createRandom(run.seed);
    let best: ReturnType<typeof lloydKMeans> | undefined;
    let bestInitial: Float64Array | undefined;
    // k-means++ hands its by-products to Lloyd, which then skips its first pass (one buffer set for all restarts).
    const seeding: KMeansSeeding | undefined =
      run.init === "k-means++"
        ? {
            labels: new Int32Array(rowCount),
            distances: new Float64Array(rowCount),
            lower: new Float64Array(rowCount * k),
          }
        : undefined;
    for (let attempt = 0; attempt < run.nInit; attempt += 1) {
      const initial =
        run.init === "k-means++" ? kMeansPlusPlus(data, rowCount, dimension, k, random, seeding) : run.init;
      // The per-pass inertia is only reported for the kept run, so the restarts skip computing it.
      const recordHistory = run.nInit === 1;
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
        : lloydKMeans(data, rowCount, dimension, bestInitial as Float64Array, k, run.maxIterations, tolerance, true);
    const assignments = Array.from(kept.labels);
    const clusterSizes = new Array<number>(k).fill(0);
    for (const label of assignments) clusterSizes[label] = (clusterSizes[label] as number) + 1;
    const rows: Float64Array[] = [];
    if (run.computeSilhouette) {
      for (let row = 0; row < rowCount; row += 1) rows.push(data.subarray(row * dimension, (row + 1) * dimension));
    }
    return {
      clusterId: this.#ids.next(),
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
      silhouette: run.computeSilhouette ? silhouetteScore(rows, assignments) : null,
    };
  }

  #require(clusterId: string, method: string): ClusteringResult {
    const check = createValidator(`ClusteringAlgorithm.${method}`);
    check.string("clusterId", clusterId);
    check.done();
    const result = this.#results.get(clusterId);
    if (result === undefined) {
      throw new PelbiotError(
        "NOT_FOUND",
        `ClusteringAlgorithm.${method}: no clustering with id ${JSON.stringify(clusterId)}; use an id returned by kMeansClustering (only the latest ${this.#options.maxStoredResults} are kept)`,
        { details: { clusterId } },
      );
    }
    return result;
  }
}

function validateRunOptions(
  check: Validator,
  path: string,
  options: { seed: unknown; nInit: unknown; maxIterations: unknown; tolerance: unknown; generator: unknown },
): void {
  check.oneOf(`${path}.generator`, options.generator, ["xoroshiro128plus", "numpy-mt19937"]);
  check.number(`${path}.seed`, options.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  check.number(`${path}.nInit`, options.nInit, { integer: true, min: 1 });
  check.number(`${path}.maxIterations`, options.maxIterations, { integer: true, min: 1 });
  check.number(`${path}.tolerance`, options.tolerance, { min: 0 });
}

const MAX_REPORTED_ISSUES = 20;

function toMatrix(check: Validator, path: string, points: readonly DataPoint[]): Matrix {
  if (!check.array(path, points, { minLength: 1 })) return { data: new Float64Array(0), rowCount: 0, dimension: 0 };
  const first = points[0];
  const dimension = Array.isArray(first) || first instanceof Float64Array ? first.length : 0;
  check.check(dimension > 0, `${path}[0]`, "must be a non-empty array of coordinates");
  const data = new Float64Array(points.length * dimension);
  let issues = 0;
  const report = (where: string, message: string) => {
    if (issues < MAX_REPORTED_ISSUES) check.fail(where, message);
    issues += 1;
  };
  points.forEach((point, row) => {
    if (!(Array.isArray(point) || point instanceof Float64Array)) {
      report(`${path}[${row}]`, "must be an array of coordinates");
      return;
    }
    if (point.length !== dimension) {
      report(`${path}[${row}]`, `must have ${dimension} coordinates like ${path}[0], got ${point.length}`);
      return;
    }
    for (let axis = 0; axis < dimension; axis += 1) {
      const value: unknown = point[axis];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        report(`${path}[${row}][${axis}]`, `must be a finite number, got ${String(value)}`);
      } else {
        data[row * dimension + axis] = value;
      }
    }
  });
  if (issues > MAX_REPORTED_ISSUES) check.fail(path, `… and ${issues - MAX_REPORTED_ISSUES} more issue(s)`);
  return { data, rowCount: points.length, dimension };
}
