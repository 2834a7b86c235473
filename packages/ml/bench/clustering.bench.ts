// k-means++ (10 restarts) on digits (1797 × 64, k = 10) against ml-kmeans run in the same process and scikit-learn run
// in the same session (bench/sklearn-anchor.py; REFERENCE.md §2's figures when no Python with scikit-learn is found).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { kmeans } from "ml-kmeans";
import { ClusteringAlgorithm } from "../src/clustering/clustering-algorithm";
import { alternateWithSklearn, describeAnchor, runSklearnAnchor } from "./sklearn-anchor";

const root = new URL("../../../fixtures/ml/", import.meta.url);
// scikit-learn 1.2.1 KMeans(k-means++, n_init=10, lloyd, max_iter=300, tol=1e-4), median of 7 fits on another
// machine (REFERENCE.md): the fallback.
const REFERENCE = {
  raw: { ms: 41.0, inertia: 1165177.7137 },
  std: { ms: 67.0, inertia: 69437.2978 },
} as const;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

interface Timing {
  /** Median wall-clock ms. */
  wall: number;
  /** Median CPU ms of this process (user + system): steadier than wall time on a shared machine. */
  cpu: number;
}

function time(repeats: number, run: () => void): Timing {
  run();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    walls.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

function inertiaOf(points: number[][], centroids: number[][], labels: number[]): number {
  return points.reduce((total, point, row) => {
    const centre = centroids[labels[row] as number] as number[];
    return total + point.reduce((sum, value, axis) => sum + (value - (centre[axis] as number)) ** 2, 0);
  }, 0);
}

export default async (): Promise<void> => {
  const anchor = runSklearnAnchor(7);
  if (anchor !== null) console.log(`${describeAnchor(anchor)}\n`);
  const table = parse(readFileSync(new URL("tabular/digits.csv", root), "utf8"), {
    columns: true,
    cast: true,
  }) as Record<string, number>[];
  const features = Object.keys(table[0] ?? {}).filter((column) => column !== "label");
  const raw = table.map((record) => features.map((feature) => record[feature] as number));
  const means = features.map((_, axis) => raw.reduce((sum, row) => sum + (row[axis] as number), 0) / raw.length);
  const scales = means.map((mean, axis) => {
    const deviation = Math.sqrt(raw.reduce((sum, row) => sum + ((row[axis] as number) - mean) ** 2, 0) / raw.length);
    return deviation === 0 ? 1 : deviation;
  });
  const std = raw.map((row) => row.map((value, axis) => (value - (means[axis] as number)) / (scales[axis] as number)));

  const lines = [
    `| digits, k = 10, 10 restarts, seed 0 | ours wall ms | ours CPU ms | ours inertia | ml-kmeans wall ms (10 runs) | ml-kmeans CPU ms | ml-kmeans best inertia | ratio ml-kmeans / ours (CPU) | scikit-learn ms (${anchor === null ? "REFERENCE.md" : "same run, CPU"}) | scikit-learn inertia | ratio ours CPU / scikit-learn |`,
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const [name, points] of [
    ["raw", raw],
    ["std", std],
  ] as const) {
    const clustering = new ClusteringAlgorithm({ maxIterations: 300, computeSilhouette: false });
    const reference =
      anchor === null ? REFERENCE[name] : { ms: anchor.kmeans[name].cpu, inertia: anchor.kmeans[name].inertia };
    let peerInertia = Number.POSITIVE_INFINITY;
    const peer = time(3, () => {
      // ml-kmeans has no restarts option: ten seeded runs, keeping the best, do the same work.
      for (let seed = 0; seed < 10; seed += 1) {
        const result = kmeans(points, 10, { initialization: "kmeans++", seed, maxIterations: 300, tolerance: 1e-4 });
        peerInertia = Math.min(peerInertia, inertiaOf(points, result.centroids, result.clusters));
      }
    });
    for (const generator of ["xoroshiro128plus", "numpy-mt19937"] as const) {
      let inertia = 0;
      const ours = time(7, () => {
        inertia = clustering.kMeansClustering(points, 10, { nInit: 10, seed: 0, generator }).inertia;
      });
      lines.push(
        `| ${name}, ${generator} | ${ours.wall.toFixed(1)} | ${ours.cpu.toFixed(1)} | ${inertia.toFixed(4)} | ${peer.wall.toFixed(1)} | ${peer.cpu.toFixed(1)} | ${peerInertia.toFixed(4)} | ${(peer.cpu / ours.cpu).toFixed(2)} | ${reference.ms.toFixed(1)} | ${reference.inertia.toFixed(4)} | ${(ours.cpu / reference.ms).toFixed(2)} |`,
      );
    }
  }
  console.log(lines.join("\n"));
  if (anchor === null) return;
  // The default call also computes the silhouette (computeSilhouette: true); scikit-learn's equivalent is KMeans
  // followed by silhouette_score. Five alternating rounds of three calls each side, medians of the fifteen.
  const clustering = new ClusteringAlgorithm();
  const alternating = alternateWithSklearn(
    {
      raw: () => {
        clustering.kMeansClustering(raw, 10);
      },
      std: () => {
        clustering.kMeansClustering(std, 10);
      },
    },
    5,
    3,
  );
  if (alternating === null) return;
  const defaults = [
    "",
    `| default kMeansClustering(points, 10), same run (median CPU ms of ${alternating.rounds} alternating rounds × ${alternating.repeats} calls; load average ${alternating.loads.map((load) => load.toFixed(1)).join(" → ")}) | ours | scikit-learn KMeans + silhouette_score | ratio ours / scikit-learn |`,
    "|---|---|---|---|",
  ];
  for (const name of ["raw", "std"] as const) {
    const ours = alternating.ours[name] as number;
    const theirs = alternating.sklearn[name] as number;
    defaults.push(`| ${name} | ${ours.toFixed(1)} | ${theirs.toFixed(1)} | ${(ours / theirs).toFixed(2)} |`);
  }
  console.log(defaults.join("\n"));
};
