import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  fitHoltWinters,
  type HoltWintersSeasonal,
  holtWintersSse,
  holtWintersStart,
} from "../../../src/forecasting/holt-winters/fit-holt-winters";
import { forecastHoltWinters } from "../../../src/forecasting/holt-winters/forecast-holt-winters";
import { loadReferenceSeries } from "../reference-protocol";

const reference = new URL("../../../../../fixtures/ml/reference/", import.meta.url);
const read = (file: string): Record<string, string>[] =>
  parse(readFileSync(new URL(file, reference)), { columns: true }) as Record<string, string>[];
const params = read("forecast_params.csv");
const forecasts = read("forecasts.csv");
const series = loadReferenceSeries();
const models: [string, HoltWintersSeasonal][] = [
  ["HoltWinters_add", "additive"],
  ["HoltWinters_mult", "multiplicative"],
];

function rWeights(id: string, model: string): { alpha: number; beta: number; gamma: number } {
  const row = params.find((entry) => entry.series_id === id && entry.model === model);
  return { alpha: Number(row?.alpha), beta: Number(row?.beta), gamma: Number(row?.gamma) };
}

describe("classic Holt-Winters against R's stats::HoltWinters", () => {
  it("reproduces R's residual scale at R's weights on all 24 fits (same start values and recursions)", () => {
    for (const entry of series) {
      for (const [model, seasonal] of models) {
        const start = holtWintersStart(entry.train, entry.frequency, seasonal);
        const sse = holtWintersSse(entry.train, entry.frequency, seasonal, rWeights(entry.id, model), start);
        const sigma = Number(params.find((row) => row.series_id === entry.id && row.model === model)?.sigma);
        // reference/forecast_params.csv: sigma = sqrt(SSE / (n − m)) of R's fit
        expect(Math.sqrt(sse / (entry.train.length - entry.frequency)) / sigma, `${entry.id} ${model}`).toBeCloseTo(
          1,
          6,
        );
      }
    }
  });

  it("finds weights at least as good as R's L-BFGS-B on every series", () => {
    for (const entry of series) {
      for (const [model, seasonal] of models) {
        const start = holtWintersStart(entry.train, entry.frequency, seasonal);
        const theirs = holtWintersSse(entry.train, entry.frequency, seasonal, rWeights(entry.id, model), start);
        const ours = fitHoltWinters(entry.train, { period: entry.frequency, seasonal });
        expect(ours.sse, `${entry.id} ${model}`).toBeLessThanOrEqual(theirs * (1 + 1e-9));
        for (const weight of Object.values(ours.parameters)) {
          expect(weight).toBeGreaterThanOrEqual(0);
          expect(weight).toBeLessThanOrEqual(1);
        }
      }
    }
  }, 30_000);

  it("matches predict.HoltWinters point forecasts and additive intervals at R's weights", () => {
    for (const entry of series) {
      for (const [model, seasonal] of models) {
        const fit = fitHoltWinters(entry.train, {
          period: entry.frequency,
          seasonal,
          parameters: rWeights(entry.id, model),
        });
        const ours = forecastHoltWinters(fit, entry.horizon, { levels: [80, 95] });
        const theirs = forecasts.filter((row) => row.series_id === entry.id && row.model === model);
        expect(theirs).toHaveLength(entry.horizon);
        theirs.forEach((row, index) => {
          const step = ours[index];
          const scale = Math.abs(Number(row.mean)) + 1;
          expect(Math.abs((step?.value ?? 0) - Number(row.mean)) / scale, `${entry.id} ${model} mean`).toBeLessThan(
            1e-8,
          );
          if (seasonal === "additive") {
            expect(Math.abs((step?.intervals[0]?.lower ?? 0) - Number(row.lo80)) / scale).toBeLessThan(1e-8);
            expect(Math.abs((step?.intervals[1]?.upper ?? 0) - Number(row.hi95)) / scale).toBeLessThan(1e-8);
          }
        });
      }
    }
  });

  it("keeps multiplicative intervals ordered and around the forecast", () => {
    const entry = series.find((candidate) => candidate.id === "nottem");
    const fit = fitHoltWinters(entry?.train ?? [], { period: 12, seasonal: "multiplicative" });
    for (const step of forecastHoltWinters(fit, 24, { levels: [50, 95] })) {
      expect(step.intervals[1]?.lower).toBeLessThan(step.intervals[0]?.lower ?? 0);
      expect(step.intervals[0]?.lower).toBeLessThan(step.value);
      expect(step.value).toBeLessThan(step.intervals[0]?.upper ?? 0);
    }
  });
});
