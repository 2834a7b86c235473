import { createValidator } from "@pelbiot/core";

/**
 * Counts how often each true class was predicted as each class.
 *
 * Complexity O(n + k²).
 *
 * @param actual - True class indices in `[0, classCount)`.
 * @param predicted - Predicted class indices in `[0, classCount)`, aligned with `actual`.
 * @param classCount - The number of classes `k`.
 * @returns A `k × k` matrix whose entry `[t][p]` counts rows of true class `t` predicted as `p` (scikit-learn's layout).
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the arrays differ in length or hold indices out of range.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 1, 0], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  actual: readonly number[],
  predicted: readonly number[],
  classCount: number,
): number[][] {
  const check = createValidator("confusionMatrix");
  check.number("classCount", classCount, { integer: true, min: 1 });
  check.check(actual.length === predicted.length, "predicted", `must have ${actual.length} entries like actual`);
  check.done();
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let row = 0; row < actual.length; row += 1) {
    const truth = actual[row] as number;
    const guess = predicted[row] as number;
    const line = matrix[truth];
    if (line === undefined || !Number.isInteger(guess) || guess < 0 || guess >= classCount) {
      const invalid = createValidator("confusionMatrix");
      invalid.fail(`actual.${row}`, `class indices must be integers in [0, ${classCount}), got ${truth} → ${guess}`);
      invalid.done();
    }
    (line as number[])[guess] = ((line as number[])[guess] as number) + 1;
  }
  return matrix;
}
