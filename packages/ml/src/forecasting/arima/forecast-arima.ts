import { normalQuantile } from "../../internal/normal-quantile";
import { expandArma, psiWeights } from "./arma-polynomials";
import { differencingPolynomial, integrate } from "./difference";
import type { ArimaFit } from "./fit-arima";

/** One step of an ARIMA forecast. */
export interface ArimaForecastStep {
  /** Steps ahead, from 1. */
  readonly step: number;
  /** Point forecast. */
  readonly value: number;
  /** One Gaussian interval per level, in the order of the levels asked for. */
  readonly intervals: readonly {
    /** Coverage probability, e.g. 0.95. */
    readonly level: number;
    /** Lower bound. */
    readonly lower: number;
    /** Upper bound. */
    readonly upper: number;
  }[];
}

/**
 * Forecasts a fitted ARIMA model: the ARMA part is projected from the Kalman filter's last state (the exact linear
 * predictor), the constant added, and the differencing undone; intervals are Gaussian with the h-step variance
 * `σ² Σ_{j<h} ψ_j²` from the psi-weights of the full model, differencing included.
 *
 * @param fit - The model.
 * @param horizon - Steps ahead.
 * @param options - Interval levels in percent. @default [80, 95]
 * @returns One step per horizon, intervals in the order of `levels`.
 */
export function forecastArima(
  fit: ArimaFit,
  horizon: number,
  options: { levels?: readonly number[] } = {},
): ArimaForecastStep[] {
  const { levels = [80, 95] } = options;
  const { phi, theta } = expandArma(fit.coefficients, fit.order.period);
  const differencing = differencingPolynomial(fit.order.d, fit.order.seasonalD, fit.order.period);
  const state = Float64Array.from(fit.state);
  const r = state.length;
  const phiFull = new Float64Array(r);
  phi.forEach((value, index) => {
    phiFull[index] = value;
  });
  const differenced: number[] = [];
  for (let step = 0; step < horizon; step += 1) {
    const first = state[0] as number;
    for (let i = 0; i < r; i += 1)
      state[i] = (i + 1 < r ? (state[i + 1] as number) : 0) + (phiFull[i] as number) * first;
    differenced.push((state[0] as number) + fit.mean);
  }
  const values = integrate(fit.tail, differenced, differencing);
  const psi = psiWeights(phi, theta, differencing, horizon);
  const quantiles = levels.map((level) => normalQuantile(0.5 + level / 200));
  let cumulative = 0;
  return values.map((value, index) => {
    cumulative += (psi[index] as number) ** 2;
    const spread = Math.sqrt(fit.sigma2 * cumulative);
    return {
      step: index + 1,
      value,
      intervals: levels.map((level, position) => ({
        level,
        lower: value - (quantiles[position] as number) * spread,
        upper: value + (quantiles[position] as number) * spread,
      })),
    };
  });
}

/**
 * Point forecasts only.
 *
 * @param fit - The model.
 * @param horizon - Steps ahead.
 * @returns One value per step.
 */
export function arimaPointForecasts(fit: ArimaFit, horizon: number): number[] {
  return forecastArima(fit, horizon, { levels: [] }).map((step) => step.value);
}
