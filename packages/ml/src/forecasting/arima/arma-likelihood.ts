let sharedSquares = new Float64Array(3 * 64);

/** Result of {@link armaLikelihood}. */
export interface ArmaLikelihood {
  /** Sum of squared standardised innovations `Σ e_t² / F_t`. */
  readonly sumSquares: number;
  /** `Σ log F_t` (innovation variances relative to σ²). */
  readonly sumLogGains: number;
  /** Observations used. */
  readonly count: number;
  /** Filtered state after the last observation (for forecasting). */
  readonly state: Float64Array;
}

/**
 * Exact Gaussian likelihood pieces of a zero-mean stationary ARMA series by the Kalman filter, in the state-space form
 * R's `arima` uses (Harvey 1989; state dimension `r = max(p, q + 1)`, the first state element is the observation).
 * The initial state covariance is the stationary one (`P = T P Tᵀ + R Rᵀ`), built from the autocovariances.
 * After the first step the covariance recursion needs no AR coefficients (see the loop) and costs O(r²/2) per step;
 * once the filter's covariance has died out it continues at O(r) per step.
 *
 * Cost: O(r² · nnz²) for the initial covariance (nnz: non-zero coefficients) plus O(n r²/2) at most.
 *
 * @param values - The differenced, demeaned series.
 * @param phi - Expanded AR coefficients.
 * @param theta - Expanded MA coefficients.
 * @returns The pieces, or undefined when the AR part is not stationary (no finite initial covariance).
 */
export function armaLikelihood(
  values: ArrayLike<number>,
  phi: ArrayLike<number>,
  theta: ArrayLike<number>,
): ArmaLikelihood | undefined {
  const r = Math.max(phi.length, theta.length + 1);
  const phiFull = new Float64Array(r);
  for (let index = 0; index < phi.length; index += 1) phiFull[index] = phi[index] as number;
  const loading = new Float64Array(r);
  loading[0] = 1;
  for (let index = 0; index < theta.length; index += 1) loading[index + 1] = theta[index] as number;
  // The r × r matrices are scratch shared between calls: the optimiser evaluates this hundreds of times per
  // candidate model, and allocating (and collecting) them each time cost more than the arithmetic on short series.
  // Every entry read is written first in each call, so the results are those of fresh arrays.
  if (sharedSquares.length < 3 * r * r) sharedSquares = new Float64Array(6 * r * r);
  const covariance = stationaryCovariance(phiFull, loading, sharedSquares.subarray(0, r * r));
  if (!covariance) return undefined;
  const state = new Float64Array(r);
  const predicted = new Float64Array(r);
  const gainColumn = new Float64Array(r);
  // Predicted covariance, upper triangle used. At the first step T P Tᵀ + R Rᵀ of the stationary P (equal to P up to
  // rounding); after each update the first row and column of the filtered covariance are zero (the state's first
  // element is the observation), so the next prediction is the filtered covariance shifted up and left by one plus
  // R Rᵀ: O(r²/2) per step, without the AR coefficients.
  const predictedCovariance = sharedSquares.subarray(r * r, 2 * r * r);
  transition(covariance, phiFull, loading, r, sharedSquares.subarray(2 * r * r, 3 * r * r), predictedCovariance);
  let sumSquares = 0;
  let sumLogGains = 0;
  let settled = false;
  const count = values.length;
  for (let time = 0; time < count; time += 1) {
    // Predict the state: a ← T a.
    const first = state[0] as number;
    for (let i = 0; i < r; i += 1)
      predicted[i] = (i + 1 < r ? (state[i + 1] as number) : 0) + (phiFull[i] as number) * first;
    const residual = (values[time] as number) - (predicted[0] as number);
    if (settled) {
      sumSquares += residual * residual;
      for (let i = 0; i < r; i += 1) state[i] = (predicted[i] as number) + (loading[i] as number) * residual;
      continue;
    }
    const gain = predictedCovariance[0] as number;
    if (!(gain > 0)) return undefined;
    sumSquares += (residual * residual) / gain;
    sumLogGains += Math.log(gain);
    const scaledResidual = residual / gain;
    for (let i = 0; i < r; i += 1) {
      const column = predictedCovariance[i] as number;
      gainColumn[i] = column;
      state[i] = (predicted[i] as number) + column * scaledResidual;
    }
    // Filtered P = Pp − g gᵀ / F (rows and columns from 1 on), shifted into the next Pp in place: row i is written
    // from row i + 1, which is read before it is overwritten.
    let largest = 0;
    for (let i = 0; i < r; i += 1) {
      const loadingI = loading[i] as number;
      const row = i * r;
      if (i + 1 >= r) {
        predictedCovariance[row + i] = loadingI * loadingI;
        break;
      }
      const below = (i + 1) * r + 1;
      const scaled = (gainColumn[i + 1] as number) / gain;
      for (let j = i; j < r; j += 1) {
        let value = loadingI * (loading[j] as number);
        if (j + 1 < r) {
          const filtered = (predictedCovariance[below + j] as number) - scaled * (gainColumn[j + 1] as number);
          if (filtered > largest) largest = filtered;
          else if (-filtered > largest) largest = -filtered;
          value += filtered;
        }
        predictedCovariance[row + j] = value;
      }
    }
    if (largest < 1e-7) settled = true;
  }
  return { sumSquares, sumLogGains, count, state };
}

// output = T · P · Tᵀ + R Rᵀ for the companion-like T (first column phi, ones on the superdiagonal), O(r²), using the
// symmetry of P.
function transition(
  covariance: Float64Array,
  phi: Float64Array,
  loading: Float64Array,
  r: number,
  scratch: Float64Array,
  output: Float64Array,
): void {
  // scratch = T P (row i: phi_i · P[0, ·] + P[i + 1, ·]).
  for (let i = 0; i < r; i += 1) {
    const phiI = phi[i] as number;
    const below = (i + 1) * r;
    for (let j = 0; j < r; j += 1) {
      scratch[i * r + j] = phiI * (covariance[j] as number) + (i + 1 < r ? (covariance[below + j] as number) : 0);
    }
  }
  for (let i = 0; i < r; i += 1) {
    const first = scratch[i * r] as number;
    const loadingI = loading[i] as number;
    for (let j = i; j < r; j += 1) {
      const value =
        (phi[j] as number) * first +
        (j + 1 < r ? (scratch[i * r + j + 1] as number) : 0) +
        loadingI * (loading[j] as number);
      output[i * r + j] = value;
      output[j * r + i] = value;
    }
  }
}

/**
 * The stationary state covariance from the ARMA process's autocovariances: the state element i is
 * `Σ_{u ≥ 0} (φ_{i+u} y_{t−1−u} + R_{i+u} e_{t−u})`, so each covariance is a short sum over the non-zero coefficients
 * of autocovariances γ, psi-weights ψ (the cross-covariances of y and e) and R. Uses the sparsity of seasonal
 * polynomials: O(r² · nnz²) with nnz the non-zero coefficients.
 *
 * @param phi - First column of T (length r).
 * @param loading - R (length r, R_0 = 1).
 * @param output - Array of r × r to write P into (every entry is written). @default a new one
 * @returns P (row-major r × r), or undefined when the AR part is not stationary.
 */
export function stationaryCovariance(
  phi: Float64Array,
  loading: Float64Array,
  output?: Float64Array,
): Float64Array | undefined {
  const r = phi.length;
  const gamma = autocovariances(phi, loading, r + 1);
  if (!gamma) return undefined;
  const psi = new Float64Array(r + 1);
  for (let j = 0; j <= r; j += 1) {
    let value = j < r ? (loading[j] as number) : 0;
    for (let k = 1; k <= j; k += 1) value += (phi[k - 1] as number) * (psi[j - k] as number);
    psi[j] = value;
  }
  const arIndices: number[] = [];
  const maIndices: number[] = [];
  for (let j = 0; j < r; j += 1) {
    if (phi[j] !== 0) arIndices.push(j);
    if (loading[j] !== 0) maIndices.push(j);
  }
  const covariance = output ?? new Float64Array(r * r);
  for (let i = 0; i < r; i += 1) {
    for (let l = i; l < r; l += 1) {
      let total = 0;
      for (const j of arIndices) {
        if (j < i) continue;
        const u = j - i;
        const phiJ = phi[j] as number;
        for (const k of arIndices) {
          if (k < l) continue;
          total += phiJ * (phi[k] as number) * (gamma[Math.abs(u - (k - l))] as number);
        }
        for (const k of maIndices) {
          if (k < l) continue;
          const lag = k - l - 1 - u;
          if (lag >= 0) total += phiJ * (loading[k] as number) * (psi[lag] as number);
        }
      }
      for (const j of maIndices) {
        if (j < i) continue;
        const u = j - i;
        const loadingJ = loading[j] as number;
        for (const k of arIndices) {
          if (k < l) continue;
          const lag = u - 1 - (k - l);
          if (lag >= 0) total += loadingJ * (phi[k] as number) * (psi[lag] as number);
        }
        const partner = u + l;
        if (partner < r) total += loadingJ * (loading[partner] as number);
      }
      covariance[i * r + l] = total;
      covariance[l * r + i] = total;
    }
  }
  return covariance;
}

/**
 * Autocovariances γ(0 … count−1) of the ARMA process `y_t = Σ φ_k y_{t−k} + Σ R_k e_{t−k}` (unit innovation
 * variance): the first p + 1 from the linear system `γ(k) − Σ φ_j γ(|k − j|) = Σ_{j ≥ k} R_j ψ_{j−k}`, the rest by
 * the AR recursion.
 *
 * @param phi - AR coefficients (trailing zeros allowed).
 * @param loading - `[1, θ_1, …]`.
 * @param count - Lags wanted.
 * @returns The autocovariances, or undefined when the system is singular or gives a non-positive variance.
 */
export function autocovariances(phi: Float64Array, loading: Float64Array, count: number): Float64Array | undefined {
  let p = phi.length;
  while (p > 0 && phi[p - 1] === 0) p -= 1;
  const q = loading.length;
  const psi = new Float64Array(q);
  for (let j = 0; j < q; j += 1) {
    let value = loading[j] as number;
    for (let k = 1; k <= Math.min(j, p); k += 1) value += (phi[k - 1] as number) * (psi[j - k] as number);
    psi[j] = value;
  }
  const right = (k: number) => {
    let total = 0;
    for (let j = k; j < q; j += 1) total += (loading[j] as number) * (psi[j - k] as number);
    return total;
  };
  const size = p + 1;
  const matrix = new Float64Array(size * size);
  const vector = new Float64Array(size);
  for (let k = 0; k < size; k += 1) {
    matrix[k * size + k] = 1;
    for (let j = 1; j <= p; j += 1) {
      const index = k * size + Math.abs(k - j);
      matrix[index] = (matrix[index] as number) - (phi[j - 1] as number);
    }
    vector[k] = right(k);
  }
  const solved = solve(matrix, vector, size);
  if (!solved || !((solved[0] as number) > 0)) return undefined;
  const gamma = new Float64Array(Math.max(count, size));
  gamma.set(solved);
  for (let k = size; k < gamma.length; k += 1) {
    let value = right(k);
    for (let j = 1; j <= p; j += 1) value += (phi[j - 1] as number) * (gamma[k - j] as number);
    gamma[k] = value;
  }
  return gamma;
}

// Gaussian elimination with partial pivoting; undefined when (nearly) singular.
function solve(matrix: Float64Array, vector: Float64Array, size: number): Float64Array | undefined {
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs(matrix[row * size + column] as number) > Math.abs(matrix[pivot * size + column] as number))
        pivot = row;
    }
    const pivotValue = matrix[pivot * size + column] as number;
    if (!(Math.abs(pivotValue) > 1e-12)) return undefined;
    if (pivot !== column) {
      for (let k = 0; k < size; k += 1) {
        const swap = matrix[column * size + k] as number;
        matrix[column * size + k] = matrix[pivot * size + k] as number;
        matrix[pivot * size + k] = swap;
      }
      const swap = vector[column] as number;
      vector[column] = vector[pivot] as number;
      vector[pivot] = swap;
    }
    for (let row = column + 1; row < size; row += 1) {
      const factor = (matrix[row * size + column] as number) / pivotValue;
      if (factor === 0) continue;
      for (let k = column; k < size; k += 1) {
        matrix[row * size + k] = (matrix[row * size + k] as number) - factor * (matrix[column * size + k] as number);
      }
      vector[row] = (vector[row] as number) - factor * (vector[column] as number);
    }
  }
  const result = new Float64Array(size);
  for (let row = size - 1; row >= 0; row -= 1) {
    let value = vector[row] as number;
    for (let k = row + 1; k < size; k += 1) value -= (matrix[row * size + k] as number) * (result[k] as number);
    result[row] = value / (matrix[row * size + row] as number);
  }
  return result;
}
