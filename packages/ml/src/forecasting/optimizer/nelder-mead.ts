/** Options for {@link nelderMead}. */
export interface NelderMeadOptions {
  /**
   * Initial simplex edge per coordinate. A vertex is the start point moved by `steps[index]` along one axis, so the
   * steps should reflect each coordinate's scale (smoothing weights vs. levels in data units).
   * @default 0.1 for every coordinate
   */
  steps?: readonly number[];
  /** Objective evaluations allowed in all, restarts included. @default 2000 × dimension */
  maxEvaluations?: number;
  /**
   * Relative tolerance on the spread of objective values across the simplex (the criterion of R's `optim`):
   * stop when `fHigh - fLow <= tolerance * (|fLow| + tolerance)`.
   * @default 1e-10
   */
  tolerance?: number;
  /**
   * Restarts from the best point with a fresh simplex; they stop early once a restart improves the objective by less
   * than `tolerance` (relative). Restarts get Nelder–Mead out of collapsed simplices, its best-known failure.
   * @default 3
   */
  restarts?: number;
}

/** Result of {@link nelderMead}. */
export interface NelderMeadResult {
  /** Best point found. */
  readonly point: Float64Array;
  /** Objective at {@link NelderMeadResult.point}. */
  readonly value: number;
  /** Objective evaluations used. */
  readonly evaluations: number;
  /** Whether the last run met the tolerance (rather than running out of evaluations). */
  readonly converged: boolean;
}

/**
 * Minimises a function with the Nelder–Mead simplex method, using the dimension-adaptive coefficients of Gao & Han
 * (2012, Computational Optimization and Applications 51:259–277) and restarts. Infeasible points may return
 * `Infinity` (or `NaN`, treated as `Infinity`), which is how bounds are imposed.
 *
 * Cost: O(dimension) objective calls per iteration plus O(dimension²) arithmetic for the centroid.
 *
 * @param objective - The function to minimise; receives a scratch array it must not keep.
 * @param start - Starting point (not modified).
 * @param options - Steps, budget, tolerance and restarts.
 * @returns The best point, its value and the evaluation count.
 * @example
 * ```ts
 * const { point } = nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0, 0]);
 * // point ≈ [1, -2]
 * ```
 */
export function nelderMead(
  objective: (point: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const dimension = start.length;
  const {
    steps = new Array<number>(dimension).fill(0.1),
    maxEvaluations = 2000 * Math.max(1, dimension),
    tolerance = 1e-10,
    restarts = 3,
  } = options;
  let evaluations = 0;
  const evaluate = (point: Float64Array): number => {
    evaluations += 1;
    const value = objective(point);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };
  let best: Float64Array = Float64Array.from(start);
  let bestValue = evaluate(best);
  let converged = false;
  for (let run = 0; run <= restarts && evaluations < maxEvaluations; run += 1) {
    const result = runSimplex(evaluate, best, steps, tolerance, maxEvaluations, () => evaluations);
    converged = result.converged;
    const improvement = bestValue - result.value;
    if (result.value <= bestValue) {
      best = result.point;
      bestValue = result.value;
    }
    if (run > 0 && !(improvement > tolerance * (Math.abs(bestValue) + tolerance))) break;
  }
  return { point: best, value: bestValue, evaluations, converged };
}

function runSimplex(
  evaluate: (point: Float64Array) => number,
  start: Float64Array,
  steps: readonly number[],
  tolerance: number,
  maxEvaluations: number,
  used: () => number,
): { point: Float64Array; value: number; converged: boolean } {
  const dimension = start.length;
  const reflectionCoefficient = 1;
  const expansionCoefficient = 1 + 2 / dimension;
  const contractionCoefficient = 0.75 - 1 / (2 * dimension);
  const shrinkCoefficient = 1 - 1 / dimension;
  const vertices: Float64Array[] = [Float64Array.from(start)];
  const values: number[] = [evaluate(start)];
  for (let axis = 0; axis < dimension; axis += 1) {
    const vertex = Float64Array.from(start);
    const step = steps[axis] ?? 0.1;
    vertex[axis] = (vertex[axis] ?? 0) + (step === 0 ? 0.1 : step);
    vertices.push(vertex);
    values.push(evaluate(vertex));
  }
  const order = vertices.map((_, index) => index);
  const centroid = new Float64Array(dimension);
  const reflected = new Float64Array(dimension);
  const trial = new Float64Array(dimension);
  // Running sum of all vertices: the centroid of the best `dimension` is (sum − worst) / dimension, O(d) per
  // iteration instead of O(d²). Recomputed after shrinks and periodically so rounding cannot drift.
  const sum = new Float64Array(dimension);
  const resum = (): void => {
    sum.fill(0);
    for (const vertex of vertices)
      for (let axis = 0; axis < dimension; axis += 1) sum[axis] = (sum[axis] as number) + (vertex[axis] as number);
  };
  const byValue = (left: number, right: number): number => {
    const difference = (values[left] as number) - (values[right] as number);
    return Number.isNaN(difference) ? 0 : difference;
  };
  // Replaces the worst vertex and moves it to its rank by insertion (the rest of `order` stays sorted).
  const replaceWorst = (point: Float64Array, value: number): void => {
    const worstIndex = order[dimension] as number;
    const worst = vertices[worstIndex] as Float64Array;
    for (let axis = 0; axis < dimension; axis += 1) {
      sum[axis] = (sum[axis] as number) + (point[axis] as number) - (worst[axis] as number);
    }
    worst.set(point);
    values[worstIndex] = value;
    let rank = dimension;
    while (rank > 0 && (values[order[rank - 1] as number] as number) > value) {
      order[rank] = order[rank - 1] as number;
      rank -= 1;
    }
    order[rank] = worstIndex;
  };
  resum();
  order.sort(byValue);
  let converged = false;
  let iteration = 0;
  while (used() < maxEvaluations) {
    iteration += 1;
    if (iteration % 64 === 0) resum();
    const lowest = values[order[0] as number] as number;
    const highest = values[order[dimension] as number] as number;
    if (Number.isFinite(highest) && highest - lowest <= tolerance * (Math.abs(lowest) + tolerance)) {
      converged = true;
      break;
    }
    const worst = vertices[order[dimension] as number] as Float64Array;
    for (let axis = 0; axis < dimension; axis += 1) {
      centroid[axis] = ((sum[axis] as number) - (worst[axis] as number)) / dimension;
    }
    moveAway(reflected, centroid, worst, reflectionCoefficient);
    const reflectedValue = evaluate(reflected);
    const secondWorst = values[order[dimension - 1] as number] as number;
    if (reflectedValue < lowest) {
      moveAway(trial, centroid, worst, reflectionCoefficient * expansionCoefficient);
      const expandedValue = evaluate(trial);
      if (expandedValue < reflectedValue) replaceWorst(trial, expandedValue);
      else replaceWorst(reflected, reflectedValue);
      continue;
    }
    if (reflectedValue < secondWorst) {
      replaceWorst(reflected, reflectedValue);
      continue;
    }
    // Outside contraction when the reflection beat the worst vertex, inside contraction otherwise.
    const outside = reflectedValue < highest;
    moveAway(
      trial,
      centroid,
      worst,
      outside ? reflectionCoefficient * contractionCoefficient : -contractionCoefficient,
    );
    const contractedValue = evaluate(trial);
    if (contractedValue < (outside ? reflectedValue : highest)) {
      replaceWorst(trial, contractedValue);
      continue;
    }
    const bestVertex = vertices[order[0] as number] as Float64Array;
    for (let rank = 1; rank <= dimension; rank += 1) {
      const index = order[rank] as number;
      const vertex = vertices[index] as Float64Array;
      for (let axis = 0; axis < dimension; axis += 1) {
        const anchor = bestVertex[axis] as number;
        vertex[axis] = anchor + shrinkCoefficient * ((vertex[axis] as number) - anchor);
      }
      values[index] = evaluate(vertex);
    }
    resum();
    order.sort(byValue);
  }
  let bestIndex = 0;
  for (let index = 1; index < values.length; index += 1) {
    if ((values[index] ?? Number.POSITIVE_INFINITY) < (values[bestIndex] ?? Number.POSITIVE_INFINITY))
      bestIndex = index;
  }
  return {
    point: Float64Array.from(vertices[bestIndex] as Float64Array),
    value: values[bestIndex] ?? Number.POSITIVE_INFINITY,
    converged,
  };
}

// target = centroid + coefficient · (centroid − worst)
function moveAway(target: Float64Array, centroid: Float64Array, worst: Float64Array, coefficient: number): void {
  for (let axis = 0; axis < target.length; axis += 1) {
    const middle = centroid[axis] as number;
    target[axis] = middle + coefficient * (middle - (worst[axis] as number));
  }
}
