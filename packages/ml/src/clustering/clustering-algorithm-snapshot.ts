import { createValidator, readSnapshot, type Validator } from "@pelbiot/core";
import { checkSeed } from "../internal/check-seed";
import type { ClusteringResult } from "./clustering-algorithm-types";

/** The `format` of a {@link ClusteringAlgorithmSnapshot}. */
export const CLUSTERING_ALGORITHM_FORMAT = "pelbiot.ml.ClusteringAlgorithm";

const CONTEXT = "ClusteringAlgorithm.fromJSON";

/** The JSON form of a {@link ClusteringAlgorithm}: every stored result, oldest first. Options are not part of it. */
export interface ClusteringAlgorithmSnapshot {
  /** Identifies the payload. */
  format: typeof CLUSTERING_ALGORITHM_FORMAT;
  /** Snapshot layout version. */
  version: 1;
  /** The stored results (centroids, assignments, diagnostics), oldest first. */
  results: ClusteringResult[];
}

/**
 * Writes the stored results as a snapshot of plain JSON values (deep copies).
 *
 * @param results - The stored results, oldest first.
 * @returns The snapshot.
 */
export function toClusteringAlgorithmSnapshot(results: Iterable<ClusteringResult>): ClusteringAlgorithmSnapshot {
  return {
    format: CLUSTERING_ALGORITHM_FORMAT,
    version: 1,
    results: [...results].map((result) => structuredClone(result)),
  };
}

/**
 * Reads a snapshot written by `toJSON()` and validates every result in it.
 *
 * @param json - The snapshot object or its JSON text.
 * @returns The results, validated and copied, oldest first.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field.
 * @throws {PelbiotError} UNSUPPORTED for a version written by a newer release.
 */
export function fromClusteringAlgorithmSnapshot(json: unknown): ClusteringResult[] {
  const { snapshot } = readSnapshot(json, { context: CONTEXT, format: CLUSTERING_ALGORITHM_FORMAT, versions: [1] });
  const check = createValidator(CONTEXT);
  const results: ClusteringResult[] = [];
  if (check.array("json.results", snapshot.results)) {
    const ids = new Set<string>();
    snapshot.results.forEach((candidate, index) => {
      const path = `json.results.${index}`;
      const result = validateResult(check, path, candidate);
      if (result === undefined) return;
      check.check(!ids.has(result.clusterId), `${path}.clusterId`, "repeats a clusterId");
      ids.add(result.clusterId);
      results.push(structuredClone(result));
    });
  }
  check.done();
  return results;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function validateResult(check: Validator, path: string, candidate: unknown): ClusteringResult | undefined {
  if (!check.object(path, candidate)) return undefined;
  const before = check.issues.length;
  const at = (key: string) => `${path}.${key}`;
  check.string(at("clusterId"), candidate.clusterId, { maxLength: 128 });
  checkSeed(check, at("seed"), candidate.seed);
  check.oneOf(at("generator"), candidate.generator, ["xoroshiro128plus", "numpy-mt19937"]);
  check.number(at("nInit"), candidate.nInit, { integer: true, min: 1 });
  check.number(at("iterations"), candidate.iterations, { integer: true, min: 0 });
  check.boolean(at("converged"), candidate.converged);
  check.number(at("inertia"), candidate.inertia, { min: 0 });
  check.check(
    Array.isArray(candidate.inertiaHistory) &&
      candidate.inertiaHistory.every((value) => isFiniteNumber(value) && value >= 0),
    at("inertiaHistory"),
    "must be an array of non-negative finite numbers",
  );
  if (candidate.silhouette !== null) check.number(at("silhouette"), candidate.silhouette, { min: -1, max: 1 });
  if (!check.number(at("k"), candidate.k, { integer: true, min: 1 })) return undefined;
  const k = candidate.k;
  const { centroids, assignments, clusterSizes } = candidate;
  const dimension = Array.isArray(centroids) && Array.isArray(centroids[0]) ? centroids[0].length : 0;
  check.check(
    Array.isArray(centroids) &&
      centroids.length === k &&
      dimension > 0 &&
      centroids.every((row) => Array.isArray(row) && row.length === dimension && row.every(isFiniteNumber)),
    at("centroids"),
    `must be k = ${k} rows of the same number (at least 1) of finite coordinates`,
  );
  const sizes = new Array<number>(k).fill(0);
  const assignmentsValid =
    Array.isArray(assignments) &&
    assignments.length >= k &&
    assignments.every((label) => Number.isInteger(label) && label >= 0 && label < k);
  check.check(assignmentsValid, at("assignments"), `must be at least ${k} cluster indices in [0, ${k - 1}]`);
  if (assignmentsValid) for (const label of assignments as number[]) sizes[label] = (sizes[label] as number) + 1;
  check.check(
    Array.isArray(clusterSizes) &&
      clusterSizes.length === k &&
      (!assignmentsValid || clusterSizes.every((size, cluster) => size === sizes[cluster])),
    at("clusterSizes"),
    "must count the points of each cluster in assignments",
  );
  if (check.issues.length > before) return undefined;
  return candidate as unknown as ClusteringResult;
}
