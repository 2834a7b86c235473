"""scikit-learn anchor for the classification and clustering benchmarks.

Fits the same models on the same digits data as classification.bench.ts and
clustering.bench.ts and prints one JSON object of median timings (CPU ms of
this process and wall ms), iteration counts and results. The benches run it
with OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 so scikit-learn is
single-threaded like Node; threadpoolctl (if present) enforces the same.

With a third argument `defaults`, times only the default calls named in the
fourth (comma-separated: `trainModel` for the pipeline of
ClassificationModel.trainModel, `raw` and `std` for KMeans + silhouette_score
on raw and standardised digits) and prints every repeat's CPU ms, so a bench
can alternate these runs with its own.

Usage: python3 sklearn-anchor.py <fixtures/ml directory> <repeats> [defaults <names>]
"""

import contextlib
import csv
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, silhouette_score
from sklearn.preprocessing import StandardScaler


def read_table(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], np.array(rows[1:], dtype=float)


def timed(repeats, run):
    """Median CPU ms and wall ms over `repeats` runs after one warm-up; returns the last result too."""
    result = run()
    cpu, wall = [], []
    for _ in range(repeats):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        result = run()
        cpu.append((time.process_time() - cpu_start) * 1000)
        wall.append((time.perf_counter() - wall_start) * 1000)
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall)}, result


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        return [
            {key: entry.get(key) for key in ("internal_api", "version", "num_threads", "architecture")}
            for entry in threadpool_info()
        ]
    except ImportError:
        return []


def main():
    root, repeats = sys.argv[1], int(sys.argv[2])
    defaults_only = len(sys.argv) > 3 and sys.argv[3] == "defaults"
    header, table = read_table(os.path.join(root, "tabular", "digits.csv"))
    label_column = header.index("label")
    features = np.delete(table, label_column, axis=1)
    labels = table[:, label_column].astype(int)
    with open(os.path.join(root, "tabular", "splits", "digits_split.csv"), newline="", encoding="utf-8") as handle:
        split_rows = list(csv.DictReader(handle))
    train = np.array([int(row["row"]) for row in split_rows if row["split"] == "train"])
    test = np.array([int(row["row"]) for row in split_rows if row["split"] == "test"])

    if defaults_only:
        print(json.dumps(default_calls(features, labels, train, test, repeats, sys.argv[4].split(","))))
        return

    # LogisticRegression(C=1, lbfgs, tol=1e-4) on the training rows standardised as the JS bench does.
    scaler = StandardScaler().fit(features[train])
    x_train, x_test = scaler.transform(features[train]), scaler.transform(features[test])
    y_train, y_test = labels[train], labels[test]
    logistic = {}
    for mode in ("multinomial", "ovr"):
        timing, model = timed(repeats, lambda: LogisticRegression(multi_class=mode, max_iter=1000).fit(x_train, y_train))
        logistic[mode] = {**timing, "iterations": int(np.max(model.n_iter_))}

    # The whole call that ClassificationModel.trainModel makes: scale, fit, and score the held-out rows.
    def pipeline():
        scaler = StandardScaler().fit(features[train])
        model = LogisticRegression(max_iter=1000).fit(scaler.transform(features[train]), y_train)
        probabilities = model.predict_proba(scaler.transform(features[test]))
        return accuracy_score(y_test, probabilities.argmax(axis=1)), log_loss(y_test, probabilities)

    timing, (accuracy, loss) = timed(repeats, pipeline)
    end_to_end = {**timing, "accuracy": accuracy, "logLoss": loss}

    # KMeans(k-means++, n_init=10, lloyd, max_iter=300, tol=1e-4, random_state=0) on all 1797 rows.
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1
    kmeans = {}
    for name, points in (("raw", features), ("std", (features - mean) / scale)):
        timing, model = timed(
            repeats,
            lambda: KMeans(10, init="k-means++", n_init=10, max_iter=300, tol=1e-4, algorithm="lloyd", random_state=0).fit(
                points
            ),
        )
        # The default ClusteringAlgorithm call also scores the result; this is the same work in scikit-learn.
        silhouette, _ = timed(max(1, repeats // 2), lambda: silhouette_score(points, model.labels_))
        kmeans[name] = {**timing, "inertia": float(model.inertia_), "silhouette": silhouette}

    print(
        json.dumps(
            {
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "blas": blas_info(),
                "logistic": logistic,
                "endToEnd": end_to_end,
                "kmeans": kmeans,
            }
        )
    )


def default_calls(features, labels, train, test, repeats, names):
    """CPU ms of every repeat (after one warm-up) of the two default calls, in the order the bench compares them."""

    def pipeline():
        scaler = StandardScaler().fit(features[train])
        model = LogisticRegression(max_iter=1000).fit(scaler.transform(features[train]), labels[train])
        probabilities = model.predict_proba(scaler.transform(features[test]))
        return accuracy_score(labels[test], probabilities.argmax(axis=1)), log_loss(labels[test], probabilities)

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1
    data = {"raw": features, "std": (features - mean) / scale}

    def clustering(points):
        model = KMeans(10, init="k-means++", n_init=10, max_iter=300, tol=1e-4, algorithm="lloyd", random_state=0)
        model.fit(points)
        return silhouette_score(points, model.labels_)

    calls = {
        "trainModel": pipeline,
        "raw": lambda: clustering(data["raw"]),
        "std": lambda: clustering(data["std"]),
    }
    result = {}
    for name in names:
        call = calls[name]
        call()
        result[name] = []
        for _ in range(repeats):
            start = time.process_time()
            call()
            result[name].append((time.process_time() - start) * 1000)
    return result


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    with threadpool_limits(1) if threadpool_limits else contextlib.nullcontext():
        main()
