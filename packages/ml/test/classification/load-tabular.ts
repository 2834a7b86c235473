import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

// Shared by the classification and clustering tests: the scikit-learn reference data in fixtures/ml.
const root = new URL("../../../../fixtures/ml/", import.meta.url);

/** One tabular data set: feature rows as records, the label per row and the feature names. */
export interface TabularSet {
  features: string[];
  records: Record<string, number>[];
  rows: number[][];
  labels: number[];
}

export function readFixture(path: string): string {
  return readFileSync(new URL(path, root), "utf8");
}

export function readJsonFixture<T>(path: string): T {
  return JSON.parse(readFixture(path)) as T;
}

export function loadTabular(name: string): TabularSet {
  const table = parse(readFixture(`tabular/${name}.csv`), { columns: true, cast: true }) as Record<string, number>[];
  const features = Object.keys(table[0] ?? {}).filter((column) => column !== "label");
  return {
    features,
    records: table,
    rows: table.map((record) => features.map((feature) => record[feature] as number)),
    labels: table.map((record) => record.label as number),
  };
}

export function loadSplit(name: string): { train: number[]; test: number[] } {
  const table = parse(readFixture(`tabular/splits/${name}_split.csv`), { columns: true, cast: true }) as {
    row: number;
    split: string;
  }[];
  return {
    train: table.filter((entry) => entry.split === "train").map((entry) => entry.row),
    test: table.filter((entry) => entry.split === "test").map((entry) => entry.row),
  };
}
