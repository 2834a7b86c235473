import type { SmoothObjective } from "./minimize-lbfgs";

/** The data and penalty of one logistic-regression objective. */
export interface LogisticProblem {
  /** Row-major design matrix, `rowCount × featureCount` (already standardised). */
  design: Float64Array;
  rowCount: number;
  featureCount: number;
  /**
   * Binary problems: 0/1 per row (the model is P(target = 1)). Multinomial: the class index per row.
   */
  targets: Int32Array;
  /** Weight of each row's loss term (class weights); all 1 when unweighted. */
  sampleWeights: Float64Array;
  /** `1` for a binary sigmoid model, `K ≥ 2` for a softmax over K weight rows. */
  outputCount: number;
  /** λ in `Σ sᵢ·lossᵢ + λ/2·‖W‖²`; 0 for no penalty. Intercepts are never penalised. */
  l2Strength: number;
}

// Four independent accumulators break the add dependency chain; about 25% faster than a plain loop in V8.
function dotRow(weights: Float64Array, base: number, design: Float64Array, offset: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolled = length - (length % 4);
  let index = 0;
  for (; index < unrolled; index += 4) {
    sum0 += (weights[base + index] as number) * (design[offset + index] as number);
    sum1 += (weights[base + index + 1] as number) * (design[offset + index + 1] as number);
    sum2 += (weights[base + index + 2] as number) * (design[offset + index + 2] as number);
    sum3 += (weights[base + index + 3] as number) * (design[offset + index + 3] as number);
  }
  for (; index < length; index += 1) sum0 += (weights[base + index] as number) * (design[offset + index] as number);
  return sum0 + sum1 + sum2 + sum3;
}

function addScaledRow(
  target: Float64Array,
  base: number,
  scale: number,
  design: Float64Array,
  offset: number,
  length: number,
): void {
  const unrolled = length - (length % 4);
  let index = 0;
  for (; index < unrolled; index += 4) {
    target[base + index] = (target[base + index] as number) + scale * (design[offset + index] as number);
    target[base + index + 1] = (target[base + index + 1] as number) + scale * (design[offset + index + 1] as number);
    target[base + index + 2] = (target[base + index + 2] as number) + scale * (design[offset + index + 2] as number);
    target[base + index + 3] = (target[base + index + 3] as number) + scale * (design[offset + index + 3] as number);
  }
  for (; index < length; index += 1)
    target[base + index] = (target[base + index] as number) + scale * (design[offset + index] as number);
}

/**
 * Builds the penalised logistic loss `Σᵢ sᵢ · logloss(xᵢ, yᵢ) + λ/2 · ‖W‖²` and its gradient for a parameter vector laid
 * out as `outputCount` rows of `featureCount` weights followed by one intercept. With λ = 1/C this is exactly the
 * objective scikit-learn's `LogisticRegression(C)` minimises.
 *
 * Complexity O(n · d · K) per evaluation.
 *
 * @param problem - Data, targets, weights and penalty.
 * @returns The objective for {@link minimizeLbfgs}.
 */
export function createLogisticObjective(problem: LogisticProblem): SmoothObjective {
  const { design, rowCount, featureCount, targets, sampleWeights, outputCount, l2Strength } = problem;
  const stride = featureCount + 1;
  const scores = new Float64Array(outputCount);
  return (parameters, gradient) => {
    let loss = 0;
    gradient.fill(0);
    for (let row = 0; row < rowCount; row += 1) {
      const offset = row * featureCount;
      const weight = sampleWeights[row] as number;
      const target = targets[row] as number;
      if (outputCount === 1) {
        const score = (parameters[featureCount] as number) + dotRow(parameters, 0, design, offset, featureCount);
        // log(1 + e^z) − y·z, written to stay finite for large |z|.
        const softplus = score > 0 ? score + Math.log1p(Math.exp(-score)) : Math.log1p(Math.exp(score));
        loss += weight * (softplus - target * score);
        const probability = score >= 0 ? 1 / (1 + Math.exp(-score)) : Math.exp(score) / (1 + Math.exp(score));
        const residual = weight * (probability - target);
        addScaledRow(gradient, 0, residual, design, offset, featureCount);
        gradient[featureCount] = (gradient[featureCount] as number) + residual;
        continue;
      }
      let largest = Number.NEGATIVE_INFINITY;
      for (let output = 0; output < outputCount; output += 1) {
        const base = output * stride;
        const score =
          (parameters[base + featureCount] as number) + dotRow(parameters, base, design, offset, featureCount);
        scores[output] = score;
        if (score > largest) largest = score;
      }
      const targetScore = scores[target] as number;
      let total = 0;
      for (let output = 0; output < outputCount; output += 1) {
        const exponent = Math.exp((scores[output] as number) - largest);
        scores[output] = exponent;
        total += exponent;
      }
      // −log softmax(z)_y = log Σ e^z − z_y, with the maximum factored out.
      loss += weight * (Math.log(total) + largest - targetScore);
      for (let output = 0; output < outputCount; output += 1) {
        const residual = weight * ((scores[output] as number) / total - (output === target ? 1 : 0));
        const base = output * stride;
        addScaledRow(gradient, base, residual, design, offset, featureCount);
        gradient[base + featureCount] = (gradient[base + featureCount] as number) + residual;
      }
    }
    if (l2Strength > 0) {
      for (let output = 0; output < outputCount; output += 1) {
        const base = output * stride;
        for (let feature = 0; feature < featureCount; feature += 1) {
          const coefficient = parameters[base + feature] as number;
          loss += 0.5 * l2Strength * coefficient * coefficient;
          gradient[base + feature] = (gradient[base + feature] as number) + l2Strength * coefficient;
        }
      }
    }
    return loss;
  };
}
