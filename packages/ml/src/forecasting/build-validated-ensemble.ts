import { envelopeIntervals } from "./combine-points";
import { type EnsembleRule, ensembleRuleFor } from "./ensemble/ensemble-rules";
import { type DriftForecastStep, fitDrift, forecastDrift, MINIMUM_DRIFT_LENGTH } from "./ensemble/forecast-drift";
import { insufficient } from "./forecast-parts";
import type {
  ArimaForecastModel,
  CombinationForecastModel,
  DriftForecastModel,
  EnsembleMember,
  EtsForecastModel,
  Forecast,
  ForecastPoint,
  ThetaForecastModel,
} from "./time-series-forecasting-engine-types";

/** A random walk with drift's description and steps, a component of the validated ensemble. */
export interface DriftComponent {
  readonly model: DriftForecastModel;
  readonly steps: readonly DriftForecastStep[];
}

/**
 * Fits a random walk with drift (R `rwf(drift = TRUE)`, on the seasonally adjusted series when Theta's test finds
 * it seasonal) and forecasts it, as a component of `model: "validated-ensemble"`.
 *
 * @param values - The series.
 * @param horizon - Steps ahead.
 * @param levels - Interval levels, ascending.
 * @param period - Seasonal period for the seasonality test (1 = none).
 * @returns The model description and its steps (analytic intervals).
 * @throws {PelbiotError} INSUFFICIENT_DATA with fewer than {@link MINIMUM_DRIFT_LENGTH} points.
 */
export function driftComponent(
  values: Float64Array,
  horizon: number,
  levels: readonly number[],
  period: number,
): DriftComponent {
  if (values.length < MINIMUM_DRIFT_LENGTH) throw insufficient(values.length, MINIMUM_DRIFT_LENGTH);
  const fit = fitDrift(values, period);
  const model: DriftForecastModel = {
    method: "Drift",
    name: "RW with drift",
    code: "drift",
    selection: "fixed",
    seasonalPeriod: period,
    seasonal: fit.seasonal,
    seasonalIndices: [...fit.seasonalIndices],
    last: fit.last,
    drift: fit.drift,
    sigma2: fit.sigma2,
  };
  return { model, steps: forecastDrift(fit, horizon, levels) };
}

/**
 * `model: "validated-ensemble"`: combines the ETS, ARIMA, Theta and drift forecasts of one series by the rule of its
 * seasonal period ({@link ensembleRuleFor}): each point is the mean or median of the rule's members, and each
 * interval the envelope of the ETS, ARIMA and Theta intervals and the members' (so it covers whenever the
 * `"median-ensemble"` interval covers, and it contains the point).
 *
 * @param ets - The engine's automatic ETS forecast.
 * @param arima - The ARIMA forecast.
 * @param theta - The Theta forecast.
 * @param drift - The drift component, same horizon and levels.
 * @param period - The seasonal period the call used (1 = none); it picks the rule.
 * @returns The combined forecast, under the ETS forecast's identity.
 */
export function combineValidatedEnsemble(
  ets: Forecast,
  arima: Forecast,
  theta: Forecast,
  drift: DriftComponent,
  period: number,
): Forecast {
  const etsModel = ets.model as EtsForecastModel;
  const arimaModel = arima.model as ArimaForecastModel;
  const thetaModel = theta.model as ThetaForecastModel;
  const rule: EnsembleRule = ensembleRuleFor(period);
  const names: Record<EnsembleMember, string> = {
    ets: etsModel.averaging ? "ETS(averaged)" : etsModel.name,
    arima: arimaModel.name,
    theta: "Theta",
    drift: drift.model.name,
  };
  const model: CombinationForecastModel = {
    method: "Combination",
    name: `${rule.statistic}(${rule.members.map((member) => names[member]).join(", ")})`,
    code: "validated-ensemble",
    selection: "fixed",
    seasonalPeriod: period,
    components: [etsModel, arimaModel, thetaModel, drift.model],
    rule: { statistic: rule.statistic, members: [...rule.members] },
  };
  const points: ForecastPoint[] = ets.points.map((point, index) => {
    const byMember: Record<EnsembleMember, Pick<ForecastPoint, "value" | "intervals">> = {
      ets: point,
      arima: arima.points[index] as ForecastPoint,
      theta: theta.points[index] as ForecastPoint,
      drift: drift.steps[index] as DriftForecastStep,
    };
    const values = rule.members.map((member) => byMember[member].value);
    const value =
      rule.statistic === "median" ? medianOf(values) : values.reduce((sum, entry) => sum + entry, 0) / values.length;
    const enveloped = [byMember.arima, byMember.theta, ...(rule.members.includes("drift") ? [byMember.drift] : [])];
    return {
      step: point.step,
      timestamp: point.timestamp,
      value,
      intervals: envelopeIntervals(point.intervals, enveloped),
    };
  });
  const { calibration: _unused, validation: _previous, ...rest } = ets;
  return { ...rest, model, points };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
