import { createValidator } from "@pelbiot/core";

// scikit-learn 1.2's clipping, so one confident mistake gives a large but finite loss.
const EPSILON = 1e-15;

/**
 * Mean negative log-likelihood (natural log) of the true classes, as scikit-learn's `log_loss`: probabilities are
 * clipped to `[1e-15, 1 - 1e-15]`.
 *
 * Complexity O(n).
 *
 * @param actual - True class indices.
 * @param probabilities - One probability row per entry of `actual`, indexed by class.
 * @returns The log-loss (0 is perfect).
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the inputs are empty, differ in length or a class index has no probability.
 * @example
 * ```ts
 * logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]]); // 0.164…
 * ```
 */
export function logLoss(actual: readonly number[], probabilities: readonly (readonly number[])[]): number {
  const check = createValidator("logLoss");
  check.check(actual.length > 0, "actual", "must hold at least one row");
  check.check(probabilities.length === actual.length, "probabilities", `must have ${actual.length} rows like actual`);
  check.done();
  let total = 0;
  for (let row = 0; row < actual.length; row += 1) {
    const probability = probabilities[row]?.[actual[row] as number];
    if (probability === undefined || !Number.isFinite(probability)) {
      const invalid = createValidator("logLoss");
      invalid.fail(`probabilities.${row}`, `has no finite probability for class ${actual[row]}`);
      invalid.done();
    }
    total -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, probability as number)));
  }
  return total / actual.length;
}
