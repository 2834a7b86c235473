/**
 * Guide, "Module Details › 4. AI/ML Features":
 * "ClusteringAlgorithm - Clustering"
 *
 * Runs as written; the set-up gives `dataPoints` (three groups of points) and `k`.
 */
import { ClusteringAlgorithm } from "@pelbiot/ml";

export const title = "ClusteringAlgorithm - Clustering";

export async function run() {
  const dataPoints = [
    [1, 1],
    [1.2, 0.8],
    [0.9, 1.1],
    [8, 8],
    [8.2, 7.9],
    [7.8, 8.1],
    [4, 15],
    [4.2, 14.8],
    [3.9, 15.2],
  ];
  const k = 3;

  // Initialize
  const clustering = new ClusteringAlgorithm({
    maxClusters: 10,
    maxIterations: 100,
  });

  // Perform k-means clustering
  const result = clustering.kMeansClustering(dataPoints, k);

  // Get clustering details
  const details = clustering.getClustering(result.clusterId);

  return { assignments: details.assignments, silhouette: details.silhouette };
}
