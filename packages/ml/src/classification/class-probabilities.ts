import type { TrainedClassifier } from "./classification-model-types";

function sigmoid(score: number): number {
  return score >= 0 ? 1 / (1 + Math.exp(-score)) : Math.exp(score) / (1 + Math.exp(score));
}

/**
 * Class probabilities of one standardised row, in the model's class order.
 *
 * @param model - The fitted model.
 * @param standardized - The row's standardised feature values.
 * @returns One probability per class; they sum to 1.
 */
export function classProbabilities(
  model: Pick<TrainedClassifier, "mode" | "standardizedCoefficients" | "standardizedIntercepts">,
  standardized: Float64Array,
): number[] {
  const scores = model.standardizedCoefficients.map((weights, output) => {
    let score = model.standardizedIntercepts[output] as number;
    for (let feature = 0; feature < weights.length; feature += 1) {
      score += (weights[feature] as number) * (standardized[feature] as number);
    }
    return score;
  });
  if (model.mode === "binary") {
    const positive = sigmoid(scores[0] as number);
    return [1 - positive, positive];
  }
  if (model.mode === "ovr") {
    const sigmoids = scores.map(sigmoid);
    const total = sigmoids.reduce((sum, value) => sum + value, 0);
    return sigmoids.map((value) => value / total);
  }
  const largest = Math.max(...scores);
  const exponents = scores.map((score) => Math.exp(score - largest));
  const total = exponents.reduce((sum, value) => sum + value, 0);
  return exponents.map((value) => value / total);
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
