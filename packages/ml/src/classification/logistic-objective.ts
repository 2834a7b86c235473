import { createDenseWorkspace, type DenseWorkspace } from "../internal/dense-kernels";
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
 * The design matrix copied once into a {@link DenseWorkspace}, with room for up to `maxOutputs` weight rows, their
 * scores and their gradient: `design` (n × d) at 0, then `weights` (K × (d + 1), intercept last), `scores` (n × K,
 * turned into residuals in place), `gradient` (K × (d + 1)), and for the softmax link the rows' `targets` and
 * `sampleWeights` (n each), `aux` (2n) and the residuals' column `sums` (K).
 */
interface LogisticWorkspace {
  kernels: DenseWorkspace;
  weights: number;
  scores: number;
  gradient: number;
  targets: number;
  sampleWeights: number;
  aux: number;
  sums: number;
}

function createLogisticWorkspace(data: LogisticData, maxOutputs: number): LogisticWorkspace {
  const { design, rowCount, featureCount } = data;
  const stride = featureCount + 1;
  const weights = rowCount * featureCount;
  const scores = weights + maxOutputs * stride;
  const gradient = scores + rowCount * maxOutputs;
  const targets = gradient + maxOutputs * stride;
  const sampleWeights = targets + rowCount;
  const aux = sampleWeights + rowCount;
  const sums = aux + 2 * rowCount;
  const kernels = createDenseWorkspace(sums + maxOutputs);
  const { heap } = kernels;
  heap.set(design.subarray(0, rowCount * featureCount), 0);
  for (let row = 0; row < rowCount; row += 1) heap[targets + row] = data.targets[row] as number;
  heap.set(data.sampleWeights.subarray(0, rowCount), sampleWeights);
  return { kernels, weights, scores, gradient, targets, sampleWeights, aux, sums };
}

/**
 * The penalised loss and gradient of `outputCount` weight rows in one pass over the data. With `positives === null`
 * the outputs form one softmax and the loss goes to `losses[0]`; otherwise output o is the binary problem
 * "class = positives[o]" and its loss goes to `losses[o]`. Returns nothing: `losses` and `gradient` are overwritten.
 *
 * The two dense products (scores X·Wᵀ and gradient Rᵀ·X) and the softmax link run in the workspace's kernels; the
 * sigmoid links (one-vs-rest and binary problems) and one logarithm per row run here.
 */
function evaluateLogistic(
  data: LogisticData,
  workspace: LogisticWorkspace,
  parameters: Float64Array,
  gradient: Float64Array,
  outputCount: number,
  positives: Int32Array | null,
  losses: Float64Array,
): void {
  const { rowCount, featureCount, targets, sampleWeights, l2Strength } = data;
  const { kernels, weights, scores, aux, sums } = workspace;
  const { heap } = kernels;
  const stride = featureCount + 1;
  const size = outputCount * stride;
  heap.set(parameters.subarray(0, size), weights);
  kernels.dotRows(0, featureCount, rowCount, weights, stride, outputCount, featureCount, scores, outputCount);
  losses.fill(0, 0, positives === null ? 1 : outputCount);
  let softmaxLoss = 0;
  if (positives === null) {
    kernels.softmaxRows(
      scores,
      rowCount,
      outputCount,
      weights + featureCount,
      stride,
      workspace.targets,
      workspace.sampleWeights,
      aux,
      sums,
    );
    for (let row = 0; row < rowCount; row += 1) {
      softmaxLoss +=
        (sampleWeights[row] as number) *
        (Math.log(heap[aux + 2 * row] as number) + (heap[aux + 2 * row + 1] as number));
    }
  } else {
    heap.fill(0, sums, sums + outputCount);
    for (let row = 0; row < rowCount; row += 1) {
      const at = scores + row * outputCount;
      for (let output = 0; output < outputCount; output += 1) {
        heap[at + output] = (heap[at + output] as number) + (parameters[output * stride + featureCount] as number);
      }
      sigmoidResiduals(heap, at, outputCount, targets[row] as number, sampleWeights[row] as number, positives, losses);
      for (let output = 0; output < outputCount; output += 1) {
        heap[sums + output] = (heap[sums + output] as number) + (heap[at + output] as number);
      }
    }
  }
  kernels.transposeProduct(
    scores,
    outputCount,
    rowCount,
    outputCount,
    0,
    featureCount,
    featureCount,
    workspace.gradient,
    stride,
  );
  gradient.set(heap.subarray(workspace.gradient, workspace.gradient + size));
  for (let output = 0; output < outputCount; output += 1) {
    const base = output * stride;
    gradient[base + featureCount] = heap[sums + output] as number;
    if (l2Strength > 0) {
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
 * The design matrix is copied once into a dense workspace (WebAssembly SIMD where available, see
 * `internal/dense-kernels.ts`), where each evaluation runs two blocked products, the scores X·Wᵀ and the gradient
 * Rᵀ·X; the scores, residuals and gradient live in that workspace, so an evaluation allocates nothing.
 *
 * Complexity O(n · d · K) per evaluation.
 *
 * @param problem - Data, targets, weights and penalty.
 * @returns The objective for {@link minimizeLbfgs}.
 */
export function createLogisticObjective(problem: LogisticProblem): SmoothObjective {
  const { outputCount } = problem;
  const workspace = createLogisticWorkspace(problem, outputCount);
  const losses = new Float64Array(1);
  // A binary problem is the one-vs-rest problem of class 1 (targets are 0/1).
  const positives = outputCount === 1 ? Int32Array.of(1) : null;
  return (parameters, gradient) => {
    evaluateLogistic(problem, workspace, parameters, gradient, outputCount, positives, losses);
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
  const workspace = createLogisticWorkspace(data, problem.maxProblems);
  return (parameters, gradient, positives, count, losses) => {
    evaluateLogistic(data, workspace, parameters, gradient, count, positives, losses);
  };
}
