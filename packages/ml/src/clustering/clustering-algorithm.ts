import { createIdGenerator, createValidator, type IdGenerator, PelbiotError } from "@pelbiot/core";
import {
  CHOOSE_K_OPTION_KEYS,
  type ChooseKOptions,
  type ClusteringAlgorithmOptions,
  K_MEANS_OPTION_KEYS,
  type KMeansOptions,
  type ResolvedClusteringAlgorithmOptions,
  resolveClusteringAlgorithmOptions,
  resolveRunOptions,
} from "./clustering-algorithm-options";
import {
  type ClusteringAlgorithmSnapshot,
  fromClusteringAlgorithmSnapshot,
  toClusteringAlgorithmSnapshot,
} from "./clustering-algorithm-snapshot";
import type { ChooseKResult, ClusteringResult, DataPoint, KCandidate } from "./clustering-algorithm-types";
import { assignPoints } from "./lloyd-k-means";
import { toPointMatrix } from "./point-matrix";
import { runKMeans, suggestK } from "./run-k-means";

export type { ChooseKOptions, ClusteringAlgorithmOptions, KMeansOptions } from "./clustering-algorithm-options";
export type { ClusteringAlgorithmSnapshot } from "./clustering-algorithm-snapshot";
export type {
  ChooseKResult,
  ClusteringResult,
  DataPoint,
  KCandidate,
  KMeansGenerator,
} from "./clustering-algorithm-types";

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
  readonly #options: ResolvedClusteringAlgorithmOptions;
  readonly #results = new Map<string, ClusteringResult>();
  readonly #ids: IdGenerator = createIdGenerator({ prefix: "clu" });

  /**
   * @param options - See {@link ClusteringAlgorithmOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is out of range or unknown (the message lists the
   *   accepted options), listing every issue.
   */
  constructor(options: ClusteringAlgorithmOptions = {}) {
    this.#options = resolveClusteringAlgorithmOptions(options);
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
    const matrix = toPointMatrix(check, "dataPoints", dataPoints);
    check.number("k", k, { integer: true, min: 1 });
    const shape = { dimension: matrix.dimension, k };
    const run = resolveRunOptions(check, options, K_MEANS_OPTION_KEYS, this.#options, shape);
    check.done();
    this.#checkK(k, matrix.rowCount, "kMeansClustering");
    const result = runKMeans(matrix, k, run, this.#ids.next());
    this.#store(result);
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
    const matrix = toPointMatrix(check, "points", points);
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
    const distances = new Float64Array(matrix.rowCount);
    assignPoints(matrix.data, matrix.rowCount, dimension, centroids, stored.k, labels, distances);
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
  chooseK(dataPoints: readonly DataPoint[], options: ChooseKOptions = {}): ChooseKResult {
    const check = createValidator("ClusteringAlgorithm.chooseK");
    const matrix = toPointMatrix(check, "dataPoints", dataPoints);
    const given = typeof options === "object" && options !== null ? options : {};
    const { minK = 2, maxK = Math.min(this.#options.maxClusters, Math.max(2, matrix.rowCount - 1)) } = given;
    check.number("options.minK", minK, { integer: true, min: 2 });
    if (check.number("options.maxK", maxK, { integer: true, min: 2 })) {
      check.check(maxK >= minK, "options.maxK", `must be at least minK (${minK})`);
    }
    const shape = { dimension: matrix.dimension, k: minK };
    const run = resolveRunOptions(check, options, CHOOSE_K_OPTION_KEYS, this.#options, shape);
    check.done();
    this.#checkK(maxK, matrix.rowCount - 1, "chooseK");
    const candidates: KCandidate[] = [];
    for (let k = minK; k <= maxK; k += 1) {
      const result = runKMeans(matrix, k, { ...run, computeSilhouette: true }, "");
      candidates.push({ k, inertia: result.inertia, silhouette: result.silhouette });
    }
    return suggestK(candidates);
  }

  /**
   * Every stored result (centroids, assignments, diagnostics) as plain JSON, under the header
   * `{ format: "pelbiot.ml.ClusteringAlgorithm", version: 1 }`. Options are not part of it.
   *
   * @returns The snapshot.
   * @example
   * ```ts
   * const saved = JSON.stringify(clustering);
   * const restored = ClusteringAlgorithm.fromJSON(saved, { maxClusters: 10 });
   * ```
   */
  toJSON(): ClusteringAlgorithmSnapshot {
    return toClusteringAlgorithmSnapshot(this.#results.values());
  }

  /**
   * Restores the results saved with {@link ClusteringAlgorithm.toJSON}: the same ids, and `predict` assigns points
   * exactly as the instance that wrote the snapshot. When the snapshot holds more results than `maxStoredResults`,
   * the newest are kept.
   *
   * @param json - The snapshot object or its JSON text.
   * @param options - The options of the restored instance (not part of the snapshot).
   * @returns A clustering holding the saved results.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field (centroids of the
   *   wrong shape, assignments out of range, cluster sizes that do not match them, …), or bad options.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot version written by a newer release.
   * @example
   * ```ts
   * const restored = ClusteringAlgorithm.fromJSON(JSON.parse(text));
   * restored.predict(clusterId, [[5.1, 3.5, 1.4, 0.2]]);
   * ```
   */
  static fromJSON(json: unknown, options: ClusteringAlgorithmOptions = {}): ClusteringAlgorithm {
    const results = fromClusteringAlgorithmSnapshot(json);
    const clustering = new ClusteringAlgorithm(options);
    for (const result of results) clustering.#store(result);
    return clustering;
  }

  /** Stores a result, dropping the oldest beyond `maxStoredResults`. */
  #store(result: ClusteringResult): void {
    this.#results.set(result.clusterId, result);
    if (this.#results.size > this.#options.maxStoredResults) {
      const oldest = this.#results.keys().next().value;
      if (oldest !== undefined) this.#results.delete(oldest);
    }
  }

  #checkK(k: number, pointCount: number, method: string): void {
    const { maxClusters } = this.#options;
    if (k > maxClusters) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `ClusteringAlgorithm.${method}: k = ${k} exceeds maxClusters = ${maxClusters}; ask for fewer clusters or raise maxClusters`,
        { details: { limit: maxClusters, got: k } },
      );
    }
    if (k > pointCount) {
      // chooseK needs one point more than its largest k, so the silhouette is defined.
      const extra = method === "chooseK" ? 1 : 0;
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `ClusteringAlgorithm.${method}: k = ${k} needs at least ${k} points${extra ? " plus one" : ""}, got ${pointCount + extra}`,
        { details: { got: pointCount + extra, need: k + extra } },
      );
    }
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
        { details: { id: clusterId } },
      );
    }
    return result;
  }
}
