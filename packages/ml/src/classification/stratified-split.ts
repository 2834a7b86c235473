import type { Random } from "../random/create-random";

/** Row indices of a train/test partition. */
export interface RowSplit {
  /** Rows used to fit, ascending. */
  train: number[];
  /** Rows held out for the metrics, ascending. */
  test: number[];
}

/**
 * Splits rows into train and test so that each class keeps its share in both: per class, `round(count · ratio)` rows
 * (at most `count − 1`, so every class is trained on) are drawn at random for the test set.
 *
 * Complexity O(n).
 *
 * @param classIndices - The class of each row.
 * @param classCount - The number of classes.
 * @param testRatio - The share of rows to hold out, in `[0, 1)`.
 * @param random - The seeded generator that makes the split reproducible.
 * @returns The two sets of row indices.
 */
export function stratifiedSplit(
  classIndices: ArrayLike<number>,
  classCount: number,
  testRatio: number,
  random: Random,
): RowSplit {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let row = 0; row < classIndices.length; row += 1) byClass[classIndices[row] as number]?.push(row);
  const test: number[] = [];
  const train: number[] = [];
  for (const rows of byClass) {
    random.shuffle(rows);
    const testCount = Math.min(rows.length - 1, Math.round(rows.length * testRatio));
    test.push(...rows.slice(0, Math.max(0, testCount)));
    train.push(...rows.slice(Math.max(0, testCount)));
  }
  return { train: train.sort((left, right) => left - right), test: test.sort((left, right) => left - right) };
}
