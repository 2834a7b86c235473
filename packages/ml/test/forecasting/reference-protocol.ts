// Shared by the forecasting tests and the forecasting benchmark: loads the 12 reference series of fixtures/ml and
// scores hold-out forecasts exactly as REFERENCE.md §3 does (sMAPE, MASE against the in-sample seasonal naive,
// interval coverage).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

/** One reference series split as in REFERENCE.md §3. */
export interface ReferenceSeries {
  readonly id: string;
  readonly frequency: number;
  readonly startYear: number;
  /** 1-based month or quarter of the first point. */
  readonly startPeriod: number;
  readonly horizon: number;
  readonly train: number[];
  readonly test: number[];
}

/** R's reference rows for one series and model (reference/forecast_metrics.csv and forecast_params.csv). */
export interface ReferenceFigures {
  readonly detail: string;
  readonly smape: number;
  readonly mase: number;
  readonly coverage80: number;
  readonly coverage95: number;
  readonly milliseconds: number;
  readonly aicc: number;
}

const fixtures = new URL("../../../../fixtures/ml/", import.meta.url);

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(new URL(path, fixtures)), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/** Loads the 12 series in series_meta.csv order. */
export function loadReferenceSeries(): ReferenceSeries[] {
  const meta = readCsv("forecasting/series_meta.csv");
  const m3 = readCsv("forecasting/m3_monthly_subset.csv");
  return meta.map((row) => {
    const id = row.series_id as string;
    const horizon = Number(row.h);
    const trainLength = Number(row.n_train);
    let values: number[];
    if (id.startsWith("N")) {
      values = m3.filter((point) => point.series_id === id).map((point) => Number(point.value));
    } else {
      values = readCsv(row.file as string).map((point) => Number(point.value));
    }
    return {
      id,
      frequency: Number(row.frequency),
      startYear: Number(row.start_year),
      startPeriod: Number(row.start_period),
      horizon,
      train: values.slice(0, trainLength),
      test: values.slice(trainLength, trainLength + horizon),
    };
  });
}

/** Loads R's figures for one model name of the reference files (e.g. "ets_auto", "hw_additive"). */
export function loadReferenceFigures(model: string): Map<string, ReferenceFigures> {
  const metrics = readCsv("reference/forecast_metrics.csv");
  const params = readCsv("reference/forecast_params.csv");
  const figures = new Map<string, ReferenceFigures>();
  for (const row of metrics.filter((entry) => entry.model === model)) {
    const id = row.series_id as string;
    const fit = params.find((entry) => entry.series_id === id && entry.model === model);
    figures.set(id, {
      detail: row.detail as string,
      smape: Number(row.smape),
      mase: Number(row.mase),
      coverage80: Number(row.cover80),
      coverage95: Number(row.cover95),
      milliseconds: Number(row.fit_ms),
      aicc: Number(fit?.aicc),
    });
  }
  return figures;
}

/** Epoch-ms timestamps of a monthly or quarterly series (first day of each period, UTC). */
export function referenceTimestamps(series: ReferenceSeries, count: number): number[] {
  const monthsPerStep = 12 / series.frequency;
  const firstMonth = (series.startPeriod - 1) * monthsPerStep;
  return Array.from({ length: count }, (_, index) => Date.UTC(series.startYear, firstMonth + index * monthsPerStep, 1));
}

/** Hold-out accuracy as REFERENCE.md §3 defines it. */
export interface HoldOutScore {
  readonly smape: number;
  readonly mase: number;
  readonly coverage80: number;
  readonly coverage95: number;
}

/** One forecast step as the engine returns it: the point and its intervals, 80 % first and 95 % second. */
export interface ScoredStep {
  readonly value: number;
  readonly intervals: readonly { readonly lower: number; readonly upper: number }[];
}

/**
 * Mean sMAPE (in %) and MASE of point forecasts against the held-out values, MASE scaled by the in-sample mean
 * absolute error of the seasonal naive forecast at lag `period` (1 for non-seasonal data), as M1's and M3's figures.
 */
export function scorePoints(
  train: ArrayLike<number>,
  actual: readonly number[],
  forecast: ArrayLike<number>,
  period: number,
): { smape: number; mase: number } {
  let naiveError = 0;
  for (let index = period; index < train.length; index += 1) {
    naiveError += Math.abs((train[index] as number) - (train[index - period] as number));
  }
  naiveError /= train.length - period;
  let smape = 0;
  let absolute = 0;
  actual.forEach((value, index) => {
    const predicted = forecast[index];
    if (predicted === undefined) throw new Error(`missing forecast step ${index + 1}`);
    smape += (200 * Math.abs(value - predicted)) / (Math.abs(value) + Math.abs(predicted));
    absolute += Math.abs(value - predicted);
  });
  return { smape: smape / actual.length, mase: absolute / actual.length / naiveError };
}

/** Scores point forecasts and their 80/95 % intervals against the held-out values. */
export function scoreHoldOut(series: ReferenceSeries, forecast: readonly ScoredStep[]): HoldOutScore {
  const { train, test, frequency } = series;
  let inside80 = 0;
  let inside95 = 0;
  test.forEach((actual, index) => {
    const step = forecast[index];
    if (!step) throw new Error(`missing forecast step ${index + 1}`);
    const [interval80, interval95] = step.intervals;
    if (interval80 && actual >= interval80.lower && actual <= interval80.upper) inside80 += 1;
    if (interval95 && actual >= interval95.lower && actual <= interval95.upper) inside95 += 1;
  });
  const count = test.length;
  return {
    ...scorePoints(
      train,
      test,
      forecast.map((step) => step.value),
      frequency,
    ),
    coverage80: inside80 / count,
    coverage95: inside95 / count,
  };
}
