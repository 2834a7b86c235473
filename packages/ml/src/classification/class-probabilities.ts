import type { TrainedClassifier } from "./classification-model-types";

function sigmoid(score: number): number {
  return score >= 0 ? 1 / (1 + Math.exp(-score)) : Math.exp(score) / (1 + Math.exp(score));
}

/**
 * Class probabilities of one standardised row, in the model's class order.
 *
 * Plain loops over the weights (no per-row arrays besides the result): evaluating the held-out rows of a
 * `trainModel` call reads them straight from the standardised matrix. The sums run in the same order as before
 * (intercept, then features in order; the softmax total over the classes in order), so the values are unchanged.
 *
 * @param model - The fitted model.
 * @param standardized - The row's standardised feature values, or a row-major matrix holding it.
 * @param offset - Where the row starts in `standardized`.
 * @returns One probability per class; they sum to 1.
 */
export function classProbabilities(
  model: Pick<TrainedClassifier, "mode" | "standardizedCoefficients" | "standardizedIntercepts">,
  standardized: Float64Array,
  offset = 0,
): number[] {
  const { standardizedCoefficients: coefficients, standardizedIntercepts: intercepts } = model;
  const outputCount = coefficients.length;
  const scores = new Array<number>(outputCount);
  for (let output = 0; output < outputCount; output += 1) {
    const weights = coefficients[output] as number[];
    let score = intercepts[output] as number;
    for (let feature = 0; feature < weights.length; feature += 1) {
      score += (weights[feature] as number) * (standardized[offset + feature] as number);
    }
    scores[output] = score;
  }
  if (model.mode === "binary") {
    const positive = sigmoid(scores[0] as number);
    return [1 - positive, positive];
  }
  let total = 0;
  if (model.mode === "ovr") {
    for (let output = 0; output < outputCount; output += 1) {
      const value = sigmoid(scores[output] as number);
      scores[output] = value;
      total += value;
    }
  } else {
    let largest = Number.NEGATIVE_INFINITY;
    for (let output = 0; output < outputCount; output += 1) largest = Math.max(largest, scores[output] as number);
    for (let output = 0; output < outputCount; output += 1) {
      const value = Math.exp((scores[output] as number) - largest);
      scores[output] = value;
      total += value;
    }
  }
  for (let output = 0; output < outputCount; output += 1) scores[output] = (scores[output] as number) / total;
  return scores;
}

/**
 * The index of the largest value (the first one on a tie).
 *
 * @param values - At least one value.
 * @returns Its index.
 */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1) {
    if ((values[index] as number) > (values[best] as number)) best = index;
  }
  return best;
}
