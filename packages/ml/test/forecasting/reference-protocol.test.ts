// REFERENCE.md §3 on the fixtures/ml forecasting series: our likelihood and optimiser against R's forecast 8.20.
import { describe, expect, it } from "vitest";
import { type EtsForm, formatEtsForm } from "../../src/forecasting/ets/ets-form";
import { fitEts } from "../../src/forecasting/ets/fit-ets";
import { TimeSeriesForecastingEngine } from "../../src/forecasting/time-series-forecasting-engine";
import { loadReferenceFigures, loadReferenceSeries, referenceTimestamps, scoreHoldOut } from "./reference-protocol";

const series = loadReferenceSeries();
const fixedForms: [EtsForm, string][] = [
  [{ error: "A", trend: "A", season: "A" }, "hw_additive"],
  [{ error: "M", trend: "A", season: "M" }, "hw_multiplicative"],
];

describe("REFERENCE.md §3 protocol", () => {
  it("loads the 12 series with R's train/test split", () => {
    expect(series.map((entry) => `${entry.id}:${entry.train.length}+${entry.test.length}`)).toEqual([
      "AirPassengers:132+12",
      "co2:456+12",
      "nottem:228+12",
      "UKgas:100+8",
      "USAccDeaths:60+12",
      "wineind:164+12",
      "N2773:120+18",
      "N2523:126+18",
      "N1879:126+18",
      "N2270:126+18",
      "N1679:108+18",
      "N2780:102+18",
    ]);
  });

  for (const [form, model] of fixedForms) {
    it(`${formatEtsForm(form)}: AICc no worse than R's by more than 0.5 on every series`, () => {
      const reference = loadReferenceFigures(model);
      const gaps = series.map((entry) => {
        const fit = fitEts(entry.train, form, { period: entry.frequency });
        // reference/forecast_params.csv, column aicc, model `model`
        return { id: entry.id, gap: (fit?.aicc ?? Number.POSITIVE_INFINITY) - (reference.get(entry.id)?.aicc ?? 0) };
      });
      expect(gaps.filter((entry) => !(entry.gap <= 0.5))).toEqual([]);
    }, 60_000);
  }

  it("automatic selection on UKgas, nottem and N2780 matches R's model and accuracy", () => {
    const reference = loadReferenceFigures("ets_auto");
    const forecaster = new TimeSeriesForecastingEngine({ minDataPoints: 24 });
    for (const id of ["UKgas", "nottem", "N2780"]) {
      const entry = series.find((candidate) => candidate.id === id);
      if (!entry) throw new Error(`${id} missing`);
      const timestamps = referenceTimestamps(entry, entry.train.length);
      const forecast = forecaster.generateForecast(
        id,
        entry.train.map((value, index) => ({ timestamp: timestamps[index] as number, value })),
        { forecastHorizon: entry.horizon },
      );
      const score = scoreHoldOut(entry, forecast.points);
      const figures = reference.get(id);
      // reference/forecast_metrics.csv, model ets_auto: UKgas ETS(M,A,M), nottem ETS(A,N,A), N2780 ETS(A,N,N)
      expect(forecast.model.name, id).toBe(figures?.detail);
      expect(forecast.model.method === "ETS" ? forecast.model.aicc : Number.NaN, id).toBeLessThanOrEqual(
        (figures?.aicc ?? 0) + 0.5,
      );
      expect(score.mase, id).toBeLessThan((figures?.mase ?? 0) * 1.05);
      expect(score.smape, id).toBeLessThan((figures?.smape ?? 0) * 1.05);
    }
  }, 60_000);
});
