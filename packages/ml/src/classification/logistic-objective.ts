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

/** Rows processed together: each weight is loaded once per block instead of once per row. */
const BLOCK = 4;

/**
 * Softmax link: turns the scores of one row (at `at` in `buffer`) into weighted residuals `s·(p − y)` in place and
 * returns the row's weighted loss `s·(log Σ e^z − z_y)`, with the largest score factored out so it stays finite.
 */
function softmaxResiduals(
  buffer: Float64Array,
  at: number,
  outputCount: number,
  target: number,
  weight: number,
): number {
  let largest = Number.NEGATIVE_INFINITY;
  for (let output = 0; output < outputCount; output += 1) {
    const score = buffer[at + output] as number;
    if (score > largest) largest = score;
  }
  const targetScore = buffer[at + target] as number;
  let total = 0;
  for (let output = 0; output < outputCount; output += 1) {
    const exponent = Math.exp((buffer[at + output] as number) - largest);
    buffer[at + output] = exponent;
    total += exponent;
  }
  const scale = weight / total;
  for (let output = 0; output < outputCount; output += 1) {
    buffer[at + output] = scale * (buffer[at + output] as number);
  }
  buffer[at + target] = (buffer[at + target] as number) - weight;
  return weight * (Math.log(total) + largest - targetScore);
}

/**
 * Independent sigmoid links, one binary problem per output (output o's positive class is `positives[o]`): writes the
 * weighted residuals in place and adds each output's weighted loss `s·(log(1 + e^z) − y·z)` to `losses[o]`. One
 * exponential per score serves both terms, and neither overflows for any z.
 */
function sigmoidResiduals(
  buffer: Float64Array,
  at: number,
  outputCount: number,
  classIndex: number,
  weight: number,
  positives: Int32Array,
  losses: Float64Array,
): void {
  for (let output = 0; output < outputCount; output += 1) {
    const score = buffer[at + output] as number;
    const target = classIndex === positives[output] ? 1 : 0;
    const exponent = Math.exp(-Math.abs(score));
    const softplus = Math.max(score, 0) + Math.log1p(exponent);
    const probability = score >= 0 ? 1 / (1 + exponent) : exponent / (1 + exponent);
    buffer[at + output] = weight * (probability - target);
    losses[output] = (losses[output] as number) + weight * (softplus - target * score);
  }
}

/** The data shared by {@link createLogisticObjective} and {@link createOneVsRestObjective}. */
interface LogisticData {
  design: Float64Array;
  rowCount: number;
  featureCount: number;
  /** Class index per row (binary problems: 0/1). */
  targets: Int32Array;
  sampleWeights: Float64Array;
  l2Strength: number;
}

/**
 * The penalised loss and gradient of `outputCount` weight rows in one pass over the data. With `positives === null`
 * the outputs form one softmax and the loss goes to `losses[0]`; otherwise output o is the binary problem
 * "class = positives[o]" and its loss goes to `losses[o]`. Returns nothing: `losses` and `gradient` are overwritten.
 */
function evaluateLogistic(
  data: LogisticData,
  block: Float64Array,
  parameters: Float64Array,
  gradient: Float64Array,
  outputCount: number,
  positives: Int32Array | null,
  losses: Float64Array,
): void {
  const { design, rowCount, featureCount, targets, sampleWeights, l2Strength } = data;
  const stride = featureCount + 1;
  const blockedRows = rowCount - (rowCount % BLOCK);
  gradient.fill(0, 0, outputCount * stride);
  losses.fill(0, 0, positives === null ? 1 : outputCount);
  let softmaxLoss = 0;
  for (let row = 0; row < blockedRows; row += BLOCK) {
    const offset0 = row * featureCount;
    const offset1 = offset0 + featureCount;
    const offset2 = offset1 + featureCount;
    const offset3 = offset2 + featureCount;
    // Scores of the four rows for two outputs at a time: each loaded value feeds several multiply-adds, which
    // roughly halves the time per multiply-add compared with one dot product at a time.
    let output = 0;
    for (; output + 1 < outputCount; output += 2) {
      const base0 = output * stride;
      const base1 = base0 + stride;
      let score00 = parameters[base0 + featureCount] as number;
      let score01 = parameters[base1 + featureCount] as number;
      let score10 = score00;
      let score11 = score01;
      let score20 = score00;
      let score21 = score01;
      let score30 = score00;
      let score31 = score01;
      for (let feature = 0; feature < featureCount; feature += 1) {
        const weight0 = parameters[base0 + feature] as number;
        const weight1 = parameters[base1 + feature] as number;
        let value = design[offset0 + feature] as number;
        score00 += weight0 * value;
        score01 += weight1 * value;
        value = design[offset1 + feature] as number;
        score10 += weight0 * value;
        score11 += weight1 * value;
        value = design[offset2 + feature] as number;
        score20 += weight0 * value;
        score21 += weight1 * value;
        value = design[offset3 + feature] as number;
        score30 += weight0 * value;
        score31 += weight1 * value;
      }
      block[output] = score00;
      block[output + 1] = score01;
      block[outputCount + output] = score10;
      block[outputCount + output + 1] = score11;
      block[2 * outputCount + output] = score20;
      block[2 * outputCount + output + 1] = score21;
      block[3 * outputCount + output] = score30;
      block[3 * outputCount + output + 1] = score31;
    }
    for (; output < outputCount; output += 1) {
      const base = output * stride;
      const intercept = parameters[base + featureCount] as number;
      let score0 = intercept;
      let score1 = intercept;
      let score2 = intercept;
      let score3 = intercept;
      for (let feature = 0; feature < featureCount; feature += 1) {
        const weight = parameters[base + feature] as number;
        score0 += weight * (design[offset0 + feature] as number);
        score1 += weight * (design[offset1 + feature] as number);
        score2 += weight * (design[offset2 + feature] as number);
        score3 += weight * (design[offset3 + feature] as number);
      }
      block[output] = score0;
      block[outputCount + output] = score1;
      block[2 * outputCount + output] = score2;
      block[3 * outputCount + output] = score3;
    }
    for (let member = 0; member < BLOCK; member += 1) {
      const target = targets[row + member] as number;
      const weight = sampleWeights[row + member] as number;
      if (positives === null) softmaxLoss += softmaxResiduals(block, member * outputCount, outputCount, target, weight);
      else sigmoidResiduals(block, member * outputCount, outputCount, target, weight, positives, losses);
    }
    output = 0;
    for (; output + 1 < outputCount; output += 2) {
      const base0 = output * stride;
      const base1 = base0 + stride;
      const residual00 = block[output] as number;
      const residual01 = block[output + 1] as number;
      const residual10 = block[outputCount + output] as number;
      const residual11 = block[outputCount + output + 1] as number;
      const residual20 = block[2 * outputCount + output] as number;
      const residual21 = block[2 * outputCount + output + 1] as number;
      const residual30 = block[3 * outputCount + output] as number;
      const residual31 = block[3 * outputCount + output + 1] as number;
      for (let feature = 0; feature < featureCount; feature += 1) {
        const value0 = design[offset0 + feature] as number;
        const value1 = design[offset1 + feature] as number;
        const value2 = design[offset2 + feature] as number;
        const value3 = design[offset3 + feature] as number;
        gradient[base0 + feature] =
          (gradient[base0 + feature] as number) +
          residual00 * value0 +
          residual10 * value1 +
          residual20 * value2 +
          residual30 * value3;
        gradient[base1 + feature] =
          (gradient[base1 + feature] as number) +
          residual01 * value0 +
          residual11 * value1 +
          residual21 * value2 +
          residual31 * value3;
      }
      gradient[base0 + featureCount] =
        (gradient[base0 + featureCount] as number) + residual00 + residual10 + residual20 + residual30;
      gradient[base1 + featureCount] =
        (gradient[base1 + featureCount] as number) + residual01 + residual11 + residual21 + residual31;
    }
    for (; output < outputCount; output += 1) {
      const base = output * stride;
      const residual0 = block[output] as number;
      const residual1 = block[outputCount + output] as number;
      const residual2 = block[2 * outputCount + output] as number;
      const residual3 = block[3 * outputCount + output] as number;
      for (let feature = 0; feature < featureCount; feature += 1) {
        gradient[base + feature] =
          (gradient[base + feature] as number) +
          residual0 * (design[offset0 + feature] as number) +
          residual1 * (design[offset1 + feature] as number) +
          residual2 * (design[offset2 + feature] as number) +
          residual3 * (design[offset3 + feature] as number);
      }
      gradient[base + featureCount] =
        (gradient[base + featureCount] as number) + residual0 + residual1 + residual2 + residual3;
    }
  }
  // The last rowCount mod 4 rows, one at a time.
  for (let row = blockedRows; row < rowCount; row += 1) {
    const offset = row * featureCount;
    for (let output = 0; output < outputCount; output += 1) {
      const base = output * stride;
      let score = parameters[base + featureCount] as number;
      for (let feature = 0; feature < featureCount; feature += 1) {
        score += (parameters[base + feature] as number) * (design[offset + feature] as number);
      }
      block[output] = score;
    }
    const target = targets[row] as number;
    const weight = sampleWeights[row] as number;
    if (positives === null) softmaxLoss += softmaxResiduals(block, 0, outputCount, target, weight);
    else sigmoidResiduals(block, 0, outputCount, target, weight, positives, losses);
    for (let output = 0; output < outputCount; output += 1) {
      const base = output * stride;
      const residual = block[output] as number;
      for (let feature = 0; feature < featureCount; feature += 1) {
        gradient[base + feature] =
          (gradient[base + feature] as number) + residual * (design[offset + feature] as number);
      }
      gradient[base + featureCount] = (gradient[base + featureCount] as number) + residual;
    }
  }
  if (l2Strength > 0) {
    for (let output = 0; output < outputCount; output += 1) {
      const base = output * stride;
      let penalty = 0;
      for (let feature = 0; feature < featureCount; feature += 1) {
        const coefficient = parameters[base + feature] as number;
        penalty += 0.5 * l2Strength * coefficient * coefficient;
        gradient[base + feature] = (gradient[base + feature] as number) + l2Strength * coefficient;
      }
      if (positives === null) softmaxLoss += penalty;
      else losses[output] = (losses[output] as number) + penalty;
    }
  }
  if (positives === null) losses[0] = softmaxLoss;
}

/**
 * Builds the penalised logistic loss `Σᵢ sᵢ · logloss(xᵢ, yᵢ) + λ/2 · ‖W‖²` and its gradient for a parameter vector laid
 * out as `outputCount` rows of `featureCount` weights followed by one intercept. With λ = 1/C this is exactly the
 * objective scikit-learn's `LogisticRegression(C)` minimises (up to its division of both terms by Σ sᵢ).
 *
 * One pass over the data computes the loss and the gradient together. Rows go in blocks of four and outputs in pairs:
 * every loaded weight, feature value and gradient entry feeds several multiply-adds, which more than halves the time of
 * the two matrix products against one dot product at a time, and the scores, residuals and gradient live in buffers
 * allocated once per objective, so an evaluation allocates nothing.
 *
 * Complexity O(n · d · K) per evaluation.
 *
 * @param problem - Data, targets, weights and penalty.
 * @returns The objective for {@link minimizeLbfgs}.
 */
export function createLogisticObjective(problem: LogisticProblem): SmoothObjective {
  const { outputCount } = problem;
  const block = new Float64Array(BLOCK * outputCount);
  const losses = new Float64Array(1);
  // A binary problem is the one-vs-rest problem of class 1 (targets are 0/1).
  const positives = outputCount === 1 ? Int32Array.of(1) : null;
  return (parameters, gradient) => {
    evaluateLogistic(problem, block, parameters, gradient, outputCount, positives, losses);
    return losses[0] as number;
  };
}

/** The data of {@link createOneVsRestObjective}: one binary problem per class. */
export interface OneVsRestProblem {
  /** Row-major design matrix, `rowCount × featureCount` (already standardised). */
  design: Float64Array;
  rowCount: number;
  featureCount: number;
  /** Class index per row. */
  classIndices: Int32Array;
  /** Weight of each row's loss term. */
  sampleWeights: Float64Array;
  /** The most problems evaluated at once. */
  maxProblems: number;
  /** λ of each problem's penalty. */
  l2Strength: number;
}

/**
 * Evaluates several one-vs-rest binary problems in one pass over the data: `parameters` holds `count` packed weight
 * rows (`featureCount` weights then an intercept), row o for the problem "class = positives[o]"; each problem's loss
 * goes to `losses[o]` and its gradient to the matching row of `gradient`. Each problem's figures are bit-for-bit those
 * of {@link createLogisticObjective} on its 0/1 targets; sharing the pass only saves memory traffic.
 */
export type OneVsRestObjective = (
  parameters: Float64Array,
  gradient: Float64Array,
  positives: Int32Array,
  count: number,
  losses: Float64Array,
) => void;

/**
 * Builds a {@link OneVsRestObjective}.
 *
 * Complexity O(n · d · count) per evaluation.
 *
 * @param problem - Data, class indices, weights and penalty.
 * @returns The batched objective.
 */
export function createOneVsRestObjective(problem: OneVsRestProblem): OneVsRestObjective {
  const data: LogisticData = { ...problem, targets: problem.classIndices };
  const block = new Float64Array(BLOCK * problem.maxProblems);
  return (parameters, gradient, positives, count, losses) => {
    evaluateLogistic(data, block, parameters, gradient, count, positives, losses);
  };
}
