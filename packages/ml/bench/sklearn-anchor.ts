// Runs scikit-learn on the same digits data in the same benchmark run (bench/sklearn-anchor.py), so the ratios
// against it come from one session on one machine. Skipped, with a note, when no Python with scikit-learn is found.
import { execFileSync } from "node:child_process";
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
  const failures: string[] = [];
  for (const python of candidates) {
    try {
      const output = execFileSync(python, [script, fixtures, String(repeats)], {
        encoding: "utf8",
        env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 20,
      });
      return JSON.parse(output) as SklearnAnchor;
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
