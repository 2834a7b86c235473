// Runs scikit-learn on the same digits data in the same benchmark run (bench/sklearn-anchor.py), so the ratios
// against it come from one session on one machine. Skipped, with a note, when no Python with scikit-learn is found.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

/** Median CPU and wall ms of one scikit-learn call, as the Python script measured them. */
export interface AnchorTiming {
  cpu: number;
  wall: number;
}

/** What bench/sklearn-anchor.py prints. */
export interface SklearnAnchor {
  sklearn: string;
  numpy: string;
  blas: { internal_api: string; version: string | null; num_threads: number; architecture: string | null }[];
  logistic: Record<"multinomial" | "ovr", AnchorTiming & { iterations: number }>;
  endToEnd: AnchorTiming & { accuracy: number; logLoss: number };
  kmeans: Record<"raw" | "std", AnchorTiming & { inertia: number; silhouette: AnchorTiming }>;
}

const script = fileURLToPath(new URL("sklearn-anchor.py", import.meta.url));
const fixtures = fileURLToPath(new URL("../../../fixtures/ml/", import.meta.url));
// `PYTHON` picks the interpreter; otherwise the first of these that imports scikit-learn (a pyenv shim on PATH may
// hide the system Python that Debian's python3-sklearn installs into).
const candidates = process.env.PYTHON !== undefined ? [process.env.PYTHON] : ["python3", "/usr/bin/python3"];

/**
 * Runs the scikit-learn anchor single-threaded (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, as Node is).
 *
 * @param repeats - Timed repeats per fit (the median is reported).
 * @returns The figures, or null (after printing why) when no interpreter with scikit-learn is available.
 */
export function runSklearnAnchor(repeats: number): SklearnAnchor | null {
  return runScript(repeats, []) as SklearnAnchor | null;
}

/** CPU ms of every timed repeat of scikit-learn's equivalents of the default calls. */
export interface SklearnDefaultCalls {
  /** StandardScaler + LogisticRegression().fit + predict_proba + accuracy and log-loss on the digits split. */
  trainModel: number[];
  /** KMeans(10, n_init=10) + silhouette_score on raw digits. */
  raw: number[];
  /** The same on standardised digits. */
  std: number[];
}

/**
 * Times only scikit-learn's equivalents of the default calls (one warm-up, then `repeats` each), so a bench can
 * alternate these runs with its own repetitions and compare medians taken over the same stretch of time.
 *
 * @param repeats - Timed repeats per call.
 * @returns Every repeat's CPU ms, or null (after printing why) when no interpreter with scikit-learn is available.
 */
export function runSklearnDefaultCalls(
  repeats: number,
  names: readonly (keyof SklearnDefaultCalls)[],
): Partial<SklearnDefaultCalls> | null {
  return runScript(repeats, ["defaults", names.join(",")]) as Partial<SklearnDefaultCalls> | null;
}

/** Medians of alternating rounds of our default calls and scikit-learn's. */
export interface AlternatingComparison {
  /** Median CPU ms of each of our calls over every round's repeats. */
  ours: Record<string, number>;
  /** Median CPU ms of each of scikit-learn's calls over every round's repeats. */
  sklearn: Record<string, number>;
  /** Load average (1 min) at the start of each round and at the end. */
  loads: number[];
  rounds: number;
  repeats: number;
}

/**
 * Alternates `rounds` times: `repeats` timed runs of each of our calls (after one warm-up in the first round), then
 * one scikit-learn process timing `repeats` runs of its equivalents; medians over all rounds. Alternating spreads
 * both sides over the same stretch of a shared machine's load.
 *
 * @param calls - Our calls, keyed by the name of scikit-learn's equivalent.
 * @param rounds - Alternations.
 * @param repeats - Timed runs per call and round.
 * @returns The medians and loads, or null when scikit-learn is unavailable.
 */
export function alternateWithSklearn(
  calls: Partial<Record<keyof SklearnDefaultCalls, () => void>>,
  rounds: number,
  repeats: number,
): AlternatingComparison | null {
  const names = Object.keys(calls) as (keyof SklearnDefaultCalls)[];
  const ours: Record<string, number[]> = {};
  const theirs: Record<string, number[]> = {};
  const loads: number[] = [];
  for (const name of names) {
    (calls[name] as () => void)();
    ours[name] = [];
    theirs[name] = [];
  }
  for (let round = 0; round < rounds; round += 1) {
    loads.push(loadavg()[0] ?? 0);
    for (const name of names) {
      for (let repeat = 0; repeat < repeats; repeat += 1) {
        const start = process.cpuUsage();
        (calls[name] as () => void)();
        const used = process.cpuUsage(start);
        ours[name]?.push((used.user + used.system) / 1000);
      }
    }
    const sklearn = runSklearnDefaultCalls(repeats, names);
    if (sklearn === null) return null;
    for (const name of names) theirs[name]?.push(...(sklearn[name] ?? []));
  }
  loads.push(loadavg()[0] ?? 0);
  const medians = (values: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(values).map(([name, list]) => [name, median(list)]));
  return { ours: medians(ours), sklearn: medians(theirs), loads, rounds, repeats };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function runScript(repeats: number, extra: string[]): unknown {
  const failures: string[] = [];
  for (const python of candidates) {
    try {
      const output = execFileSync(python, [script, fixtures, String(repeats), ...extra], {
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 20,
      });
      return JSON.parse(output) as unknown;
    } catch (error) {
      failures.push(`${python}: ${String(error).split("\n")[0]}`);
    }
  }
  console.log(`scikit-learn anchor skipped (install python3-sklearn to run it): ${failures.join("; ")}`);
  return null;
}

/** One line naming the scikit-learn, NumPy and BLAS versions the anchor ran with. */
export function describeAnchor(anchor: SklearnAnchor): string {
  const blas = anchor.blas
    .map((entry) => `${entry.internal_api} ${entry.version ?? ""} (${entry.num_threads} thread)`.replace("  ", " "))
    .join(", ");
  return `scikit-learn ${anchor.sklearn}, NumPy ${anchor.numpy}, ${blas || "BLAS unknown"}; same run, single-threaded`;
}
