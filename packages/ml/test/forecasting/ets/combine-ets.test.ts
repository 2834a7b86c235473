import { describe, expect, it } from "vitest";
import { akaikeWeights, combineEts } from "../../../src/forecasting/ets/combine-ets";
import type { EtsForm } from "../../../src/forecasting/ets/ets-form";
import { type EtsFit, fitEts } from "../../../src/forecasting/ets/fit-ets";
import { etsPointForecasts, forecastEts } from "../../../src/forecasting/ets/forecast-ets";
import { loadReferenceSeries } from "../reference-protocol";

const usAccidents = loadReferenceSeries().find((series) => series.id === "USAccDeaths");
if (!usAccidents) throw new Error("USAccDeaths fixture missing");

function fitAll(forms: readonly EtsForm[]): EtsFit[] {
  return forms.map((form) => {
    const fit = fitEts(usAccidents?.train ?? [], form, { period: 12 });
    if (!fit) throw new Error(`could not fit ${form.error}${form.trend}${form.season}`);
    return fit;
  });
}

// On this series (REFERENCE.md §3) these three forms are within a few AICc units of each other, so none dominates.
const close = fitAll([
  { error: "A", trend: "N", season: "A" },
  { error: "M", trend: "N", season: "M" },
  { error: "M", trend: "N", season: "A" },
]);

describe("akaikeWeights", () => {
  it("follows exp(−Δ/2), sums to 1 and gives non-finite criteria no weight", () => {
    const weights = akaikeWeights([100, 102, Number.POSITIVE_INFINITY, 110]);
    const raw = [1, Math.exp(-1), 0, Math.exp(-5)];
    const total = raw.reduce((sum, value) => sum + value, 0);
    weights.forEach((weight, index) => {
      expect(weight).toBeCloseTo((raw[index] as number) / total, 12);
    });
    expect(weights.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    // Shifting every criterion by a constant changes nothing: only differences matter.
    expect(akaikeWeights([1e6, 1e6 + 2, Number.NaN, 1e6 + 10])).toEqual(weights);
    expect(akaikeWeights([Number.NaN])).toEqual([0]);
  });
});

describe("combineEts", () => {
  it("averages the point forecasts with the Akaike weights, heaviest model first", () => {
    const combined = combineEts(close, 12, { levels: [80, 95] });
    expect(combined?.components).toHaveLength(3);
    const weights = akaikeWeights(close.map((fit) => fit.aicc));
    const expected = Array.from({ length: 12 }, (_, step) =>
      close.reduce(
        (sum, fit, index) => sum + (weights[index] as number) * (etsPointForecasts(fit, 12)[step] as number),
        0,
      ),
    );
    combined?.steps.forEach((step, index) => {
      expect(step.value).toBeCloseTo(expected[index] as number, 8);
    });
    const componentWeights = combined?.components.map((component) => component.weight) ?? [];
    expect(componentWeights).toEqual([...componentWeights].sort((left, right) => right - left));
    expect(componentWeights.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
    expect(combined?.intervalMethod).toBe("analytic");
  });

  it("gives nested intervals around the point forecast that match the simulated mixture's", () => {
    const first = combineEts(close, 12, { levels: [80, 95], seed: 5 });
    // Analytic: the seed does not matter.
    expect(combineEts(close, 12, { levels: [80, 95], seed: 6 })).toEqual(first);
    const simulated = combineEts(close, 12, { levels: [80, 95], seed: 5, paths: 100_000, intervals: "simulation" });
    expect(simulated?.intervalMethod).toBe("simulation");
    first?.steps.forEach((step, index) => {
      const [eighty, ninetyFive] = step.intervals;
      expect(ninetyFive?.lower).toBeLessThanOrEqual(eighty?.lower ?? Number.NaN);
      expect(eighty?.lower).toBeLessThanOrEqual(step.value);
      expect(step.value).toBeLessThanOrEqual(eighty?.upper ?? Number.NaN);
      expect(eighty?.upper).toBeLessThanOrEqual(ninetyFive?.upper ?? Number.NaN);
      const width = (ninetyFive?.upper ?? 0) - (ninetyFive?.lower ?? 0);
      step.intervals.forEach((interval, levelIndex) => {
        const other = simulated?.steps[index]?.intervals[levelIndex];
        // The multiplicative-season member is normal here (as in R), its simulated paths are not quite: 3 %.
        expect(Math.abs((other?.lower ?? 0) - interval.lower)).toBeLessThan(0.03 * width);
        expect(Math.abs((other?.upper ?? 0) - interval.upper)).toBeLessThan(0.03 * width);
      });
    });
    // A mixture's spread includes its members' disagreement, so its 12-step 95 % interval is not much narrower than
    // the heaviest member's own.
    const heaviest = forecastEts(first?.components[0]?.fit as EtsFit, 12, { levels: [95] });
    const mixtureWidth = (first?.steps[11]?.intervals[1]?.upper ?? 0) - (first?.steps[11]?.intervals[1]?.lower ?? 0);
    const singleWidth = (heaviest.steps[11]?.intervals[0]?.upper ?? 0) - (heaviest.steps[11]?.intervals[0]?.lower ?? 0);
    expect(mixtureWidth).toBeGreaterThan(0.8 * singleWidth);
  });

  it("simulates the mixture reproducibly per seed when a member has no formulas", () => {
    const withoutFormulas = [...close, ...fitAll([{ error: "A", trend: "N", season: "M" }])];
    const first = combineEts(withoutFormulas, 12, { levels: [80, 95], seed: 5, paths: 2000 });
    const simulatedMember = (component: { fit: EtsFit }) =>
      component.fit.form.error === "A" && component.fit.form.season === "M";
    expect(first?.components.some(simulatedMember)).toBe(true);
    expect(first?.intervalMethod).toBe("simulation");
    expect(combineEts(withoutFormulas, 12, { levels: [80, 95], seed: 5, paths: 2000 })).toEqual(first);
    const other = combineEts(withoutFormulas, 12, { levels: [80, 95], seed: 6, paths: 2000 });
    expect(other?.steps[0]?.intervals[0]?.lower).not.toBe(first?.steps[0]?.intervals[0]?.lower);
  });

  it("is exactly the single model's forecast when the others fall below the weight threshold", () => {
    const [additive] = close;
    // A much worse criterion: an ETS(A,N,N) has no season and loses by hundreds of AICc units here.
    const [poor] = fitAll([{ error: "A", trend: "N", season: "N" }]);
    const combined = combineEts([poor as EtsFit, additive as EtsFit], 12, { levels: [80, 95] });
    expect(combined?.components).toEqual([{ fit: additive, weight: 1 }]);
    const alone = forecastEts(additive as EtsFit, 12, { levels: [80, 95] });
    expect(combined?.steps).toEqual(alone.steps);
    expect(combined?.intervalMethod).toBe("analytic");
  });

  it("returns undefined when no model has a finite criterion", () => {
    const [fit] = close;
    expect(combineEts([], 3)).toBeUndefined();
    expect(combineEts([{ ...(fit as EtsFit), aicc: Number.NaN }], 3)).toBeUndefined();
  });
});
