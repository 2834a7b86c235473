import { createValidator, type Validator } from "@pelbiot/core";
import { checkSeed } from "../internal/check-seed";
import type { DataPoint, KMeansGenerator } from "./clustering-algorithm-types";
import { toPointMatrix } from "./point-matrix";

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
/** Per-call options of {@link ClusteringAlgorithm.chooseK}: the run options plus the range of k. */
export interface ChooseKOptions extends Omit<KMeansOptions, "init" | "computeSilhouette"> {
  /** The smallest k tried (at least 2). @default 2 */
  minK?: number;
  /** The largest k tried. @default min(maxClusters, n − 1) */
  maxK?: number;
}

/** Every option of {@link ClusteringAlgorithmOptions}. */
export const CLUSTERING_ALGORITHM_OPTION_KEYS = [
  "maxClusters",
  "maxIterations",
  "nInit",
  "tolerance",
  "seed",
  "generator",
  "computeSilhouette",
  "maxStoredResults",
] as const;

/** Every option of {@link KMeansOptions}. */
export const K_MEANS_OPTION_KEYS = [
  "seed",
  "generator",
  "nInit",
  "maxIterations",
  "tolerance",
  "init",
  "computeSilhouette",
] as const;

/** Every option of {@link ChooseKOptions}. */
export const CHOOSE_K_OPTION_KEYS = [
  "seed",
  "generator",
  "nInit",
  "maxIterations",
  "tolerance",
  "minK",
  "maxK",
] as const;

/** The constructor's options with every default applied. */
export type ResolvedClusteringAlgorithmOptions = Readonly<Required<ClusteringAlgorithmOptions>>;

/** One k-means run's settings, after per-call options are merged over the constructor's. */
export interface ResolvedRun {
  readonly seed: number;
  readonly generator: KMeansGenerator;
  readonly nInit: number;
  readonly maxIterations: number;
  readonly tolerance: number;
  /** `"k-means++"` or the explicit initial centres, `k × d` row-major. */
  readonly init: "k-means++" | Float64Array;
  readonly computeSilhouette: boolean;
}

const DEFAULTS: ResolvedClusteringAlgorithmOptions = {
  maxClusters: 10,
  maxIterations: 100,
  nInit: 10,
  tolerance: 1e-4,
  seed: 0,
  generator: "xoroshiro128plus",
  computeSilhouette: true,
  maxStoredResults: 100,
};

/**
 * Validates the options of `new ClusteringAlgorithm(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveClusteringAlgorithmOptions({ maxClusters: 5 }).nInit; // 10
 * ```
 */
export function resolveClusteringAlgorithmOptions(options: unknown): ResolvedClusteringAlgorithmOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("ClusteringAlgorithm constructor");
  if (!check.object("options", given)) check.done();
  const record = given as Record<string, unknown>;
  check.knownKeys("options", record, CLUSTERING_ALGORITHM_OPTION_KEYS);
  const resolved = { ...DEFAULTS, ...withoutUndefined(record) } as Record<string, unknown>;
  check.number("options.maxClusters", resolved.maxClusters, { integer: true, min: 1 });
  check.number("options.maxStoredResults", resolved.maxStoredResults, { integer: true, min: 1 });
  check.boolean("options.computeSilhouette", resolved.computeSilhouette);
  checkRunSettings(check, resolved);
  check.done();
  return Object.freeze(resolved as unknown as ResolvedClusteringAlgorithmOptions);
}

/**
 * Validates the per-call options of `kMeansClustering` or `chooseK` (issues go to `check`) and merges them over the
 * constructor's.
 *
 * @param check - The validator of the call.
 * @param options - The per-call options.
 * @param accepted - The option keys the method accepts.
 * @param defaults - The constructor's resolved options.
 * @param shape - The data's dimension and the k the explicit `init` centres must match.
 * @returns The run settings (meaningful only when `check` holds no issue).
 */
export function resolveRunOptions(
  check: Validator,
  options: unknown,
  accepted: readonly string[],
  defaults: ResolvedClusteringAlgorithmOptions,
  shape: { dimension: number; k: number },
): ResolvedRun {
  const fallback: ResolvedRun = { ...defaults, init: "k-means++" };
  const given = options === undefined ? {} : options;
  if (!check.object("options", given)) return fallback;
  check.knownKeys("options", given, accepted);
  const merged = { ...defaults, init: "k-means++", ...withoutUndefined(given) } as Record<string, unknown>;
  checkRunSettings(check, merged);
  check.boolean("options.computeSilhouette", merged.computeSilhouette);
  const run = merged as unknown as ResolvedRun & { init: unknown };
  if (run.init === "k-means++") return { ...run, init: "k-means++" };
  if (!Array.isArray(run.init)) {
    check.fail("options.init", 'must be "k-means++" or an array of k initial centres');
    return fallback;
  }
  const centres = toPointMatrix(check, "options.init", run.init as readonly DataPoint[]);
  check.check(
    centres.rowCount === shape.k,
    "options.init",
    `must hold k = ${shape.k} centres, got ${centres.rowCount}`,
  );
  check.check(
    centres.rowCount === 0 || centres.dimension === shape.dimension,
    "options.init",
    `centres must have ${shape.dimension} coordinates like the points`,
  );
  // Explicit centres make every restart identical, so they run once.
  return { ...run, nInit: 1, init: centres.data };
}

function checkRunSettings(check: Validator, options: Record<string, unknown>): void {
  check.oneOf("options.generator", options.generator, ["xoroshiro128plus", "numpy-mt19937"]);
  checkSeed(check, "options.seed", options.seed);
  check.number("options.nInit", options.nInit, { integer: true, min: 1 });
  check.number("options.maxIterations", options.maxIterations, { integer: true, min: 1 });
  check.number("options.tolerance", options.tolerance, { min: 0 });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
