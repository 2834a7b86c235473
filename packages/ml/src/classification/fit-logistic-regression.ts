import { createLogisticObjective, createOneVsRestObjective } from "./logistic-objective";
import { type LbfgsRequest, type LbfgsResult, lbfgsSearch, minimizeLbfgs } from "./minimize-lbfgs";

/** How a multi-class problem is modelled; see {@link ClassificationModelOptions.multiClass}. */
export type LogisticMode = "binary" | "multinomial" | "ovr";

/** Which optimiser fits the weights; see {@link ClassificationModelOptions.solver}. */
export type LogisticSolver = "lbfgs" | "gradient-descent";

/** Inputs of {@link fitLogisticRegression}. */
export interface LogisticFitInput {
  /** Row-major standardised design matrix. */
  design: Float64Array;
  rowCount: number;
  featureCount: number;
  /** Class index per row. */
  classIndices: Int32Array;
  classCount: number;
  /** Loss weight per row. */
  sampleWeights: Float64Array;
  mode: LogisticMode;
  solver: LogisticSolver;
  l2Strength: number;
  learningRate: number;
  maxIterations: number;
  tolerance: number;
}

/** Fitted parameters on the standardised scale, with the optimiser's diagnostics. */
export interface LogisticFit {
  /** One weight row per output: 1 for binary (P of class 1), K otherwise. */
  coefficients: number[][];
  /** One intercept per output. */
  intercepts: number[];
  /** Whether every sub-problem met the gradient tolerance. */
  converged: boolean;
  /** Iterations of the slowest sub-problem. */
  iterations: number;
  /** Largest final max |∇f| over the sub-problems. */
  gradientNorm: number;
}

interface SolveOutcome {
  parameters: Float64Array;
  converged: boolean;
  iterations: number;
  gradientNorm: number;
}

function solve(
  objective: ReturnType<typeof createLogisticObjective>,
  size: number,
  input: LogisticFitInput,
  totalWeight: number,
): SolveOutcome {
  const { solver, maxIterations, tolerance, learningRate } = input;
  if (solver === "lbfgs") {
    const result = minimizeLbfgs(objective, new Float64Array(size), { maxIterations, tolerance });
    return {
      parameters: result.point,
      converged: result.converged,
      iterations: result.iterations,
      gradientNorm: result.gradientNorm,
    };
  }
  // Plain batch gradient descent on the objective divided by the total weight, so `learningRate` means the same
  // thing whatever the number of rows.
  const parameters = new Float64Array(size);
  const gradient = new Float64Array(size);
  let iterations = 0;
  let gradientNorm = Number.POSITIVE_INFINITY;
  for (;;) {
    objective(parameters, gradient);
    gradientNorm = 0;
    for (const component of gradient) gradientNorm = Math.max(gradientNorm, Math.abs(component));
    if (gradientNorm <= tolerance || iterations >= maxIterations || !Number.isFinite(gradientNorm)) break;
    const step = learningRate / totalWeight;
    for (let index = 0; index < size; index += 1)
      parameters[index] = (parameters[index] as number) - step * (gradient[index] as number);
    iterations += 1;
  }
  return { parameters, converged: gradientNorm <= tolerance, iterations, gradientNorm };
}

/**
 * Runs one L-BFGS search per one-vs-rest problem, advancing them together so that every round evaluates all the
 * pending points in one pass over the data. Each search sees exactly the values it would see alone, so the results
 * are those of fitting the problems one after the other.
 */
function solveOneVsRestInLockstep(input: LogisticFitInput, problems: readonly number[]): SolveOutcome[] {
  const { design, rowCount, featureCount, classIndices, sampleWeights, l2Strength, maxIterations, tolerance } = input;
  const stride = featureCount + 1;
  const count = problems.length;
  const objective = createOneVsRestObjective({
    design,
    rowCount,
    featureCount,
    classIndices,
    sampleWeights,
    maxProblems: count,
    l2Strength,
  });
  const searches = problems.map(() => lbfgsSearch(new Float64Array(stride), { maxIterations, tolerance }));
  const requests: (LbfgsRequest | null)[] = [];
  const results: (LbfgsResult | null)[] = new Array(count).fill(null);
  for (const [index, search] of searches.entries()) {
    const step = search.next();
    if (step.done === true) results[index] = step.value;
    requests.push(step.done === true ? null : step.value);
  }
  const packed = new Float64Array(count * stride);
  const packedGradient = new Float64Array(count * stride);
  const positives = new Int32Array(count);
  const owners = new Int32Array(count);
  const losses = new Float64Array(count);
  for (;;) {
    let active = 0;
    for (let index = 0; index < count; index += 1) {
      const request = requests[index];
      if (request === null || request === undefined) continue;
      packed.set(request.point, active * stride);
      positives[active] = problems[index] as number;
      owners[active] = index;
      active += 1;
    }
    if (active === 0) break;
    objective(packed, packedGradient, positives, active, losses);
    for (let slot = 0; slot < active; slot += 1) {
      const index = owners[slot] as number;
      const request = requests[index] as LbfgsRequest;
      request.gradient.set(packedGradient.subarray(slot * stride, (slot + 1) * stride));
      const step = (searches[index] as Generator<LbfgsRequest, LbfgsResult, number>).next(losses[slot] as number);
      if (step.done === true) {
        results[index] = step.value;
        requests[index] = null;
      } else {
        requests[index] = step.value;
      }
    }
  }
  return results.map((result) => {
    const final = result as LbfgsResult;
    return {
      parameters: final.point,
      converged: final.converged,
      iterations: final.iterations,
      gradientNorm: final.gradientNorm,
    };
  });
}

function unpack(parameters: Float64Array, outputs: number, featureCount: number, fit: LogisticFit): void {
  const stride = featureCount + 1;
  for (let output = 0; output < outputs; output += 1) {
    fit.coefficients.push(Array.from(parameters.subarray(output * stride, output * stride + featureCount)));
    fit.intercepts.push(parameters[output * stride + featureCount] as number);
  }
}

/**
 * Fits L2-penalised logistic regression (binary, multinomial softmax or one-vs-rest) on a standardised design matrix.
 *
 * @param input - Data, mode, solver and stopping rule.
 * @returns Coefficients and intercepts on the standardised scale, and diagnostics.
 */
export function fitLogisticRegression(input: LogisticFitInput): LogisticFit {
  const { design, rowCount, featureCount, classIndices, classCount, sampleWeights, mode, l2Strength } = input;
  let totalWeight = 0;
  for (const weight of sampleWeights) totalWeight += weight;
  const fit: LogisticFit = { coefficients: [], intercepts: [], converged: true, iterations: 0, gradientNorm: 0 };
  const record = (outcome: SolveOutcome) => {
    fit.converged &&= outcome.converged;
    fit.iterations = Math.max(fit.iterations, outcome.iterations);
    fit.gradientNorm = Math.max(fit.gradientNorm, outcome.gradientNorm);
  };
  if (mode === "multinomial") {
    const objective = createLogisticObjective({
      design,
      rowCount,
      featureCount,
      targets: classIndices,
      sampleWeights,
      outputCount: classCount,
      l2Strength,
    });
    const outcome = solve(objective, classCount * (featureCount + 1), input, totalWeight);
    record(outcome);
    unpack(outcome.parameters, classCount, featureCount, fit);
    // The softmax is unchanged when a constant is added to every intercept; centring picks the minimum-norm one.
    const meanIntercept = fit.intercepts.reduce((sum, value) => sum + value, 0) / classCount;
    fit.intercepts = fit.intercepts.map((value) => value - meanIntercept);
    return fit;
  }
  const problems = mode === "binary" ? [1] : Array.from({ length: classCount }, (_, label) => label);
  if (mode === "ovr" && input.solver === "lbfgs") {
    for (const outcome of solveOneVsRestInLockstep(input, problems)) {
      record(outcome);
      unpack(outcome.parameters, 1, featureCount, fit);
    }
    return fit;
  }
  for (const positive of problems) {
    const targets = new Int32Array(rowCount);
    for (let row = 0; row < rowCount; row += 1) targets[row] = classIndices[row] === positive ? 1 : 0;
    const objective = createLogisticObjective({
      design,
      rowCount,
      featureCount,
      targets,
      sampleWeights,
      outputCount: 1,
      l2Strength,
    });
    const outcome = solve(objective, featureCount + 1, input, totalWeight);
    record(outcome);
    unpack(outcome.parameters, 1, featureCount, fit);
  }
  return fit;
}
