// The M1 competition's 1,001 series (fixtures/ml/forecasting/m1, REFERENCE.md protocol): our ETS (automatic,
// Akaike-averaged), Theta, their mean and the cross-validated choice (`model: "auto-cv"`) per category, next to R's
// figures from m1_reference.csv. The test part is scored only: every choice is made on the training part. A second
// table repeats the comparison on the training parts alone (their last points held back), the evidence available
// before looking at the test part.
import { combineEtsTheta } from "../src/forecasting/build-theta-forecast";
import {
  crossValidateFamilies,
  etsAveragedPoints,
  type ForecastFamily,
} from "../src/forecasting/theta/cross-validate-families";
import { fitTheta } from "../src/forecasting/theta/fit-theta";
import { forecastTheta } from "../src/forecasting/theta/forecast-theta";
import { type Forecast, TimeSeriesForecastingEngine } from "../src/forecasting/time-series-forecasting-engine";
import { loadM1Figures, loadM1Series, type M1Series } from "../test/forecasting/m1-protocol";
import {
  type HoldOutScore,
  referenceTimestamps,
  scoreHoldOut,
  scorePoints,
} from "../test/forecasting/reference-protocol";

const OURS = ["ets", "theta", "ets+theta", "auto-cv"] as const;
const R_MODELS = ["ets", "arima", "thetaf", "comb", "naive"] as const;
const CATEGORIES = ["YEARLY", "QUARTERLY", "MONTHLY"] as const;

function mean(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

export default async function run(): Promise<void> {
  const series = loadM1Series();
  const reference = new Map(R_MODELS.map((model) => [model, loadM1Figures(model)]));
  const scores = new Map<string, HoldOutScore[]>();
  const choices = new Map<string, number>();
  const agreement: { smape: number; mase: number }[] = [];
  const started = process.cpuUsage();
  for (const entry of series) {
    const timestamps = referenceTimestamps(entry, entry.train.length);
    const points = entry.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
    const engine = new TimeSeriesForecastingEngine({ minDataPoints: 2, forecastHorizon: entry.horizon });
    const ets = engine.generateForecast(entry.id, points);
    const theta = engine.generateForecast(entry.id, points, { model: "theta" });
    const combined = combineEtsTheta(ets, theta, { selection: "fixed" });
    const choice = crossValidateFamilies(Float64Array.from(entry.train), entry.frequency, entry.horizon).choice;
    const byFamily: Record<ForecastFamily, Forecast> = { ets, theta, "ets+theta": combined };
    const key = `${entry.period}:${choice}`;
    choices.set(key, (choices.get(key) ?? 0) + 1);
    const ours: Record<(typeof OURS)[number], Forecast> = { ...byFamily, "auto-cv": byFamily[choice] };
    const thetaScore = scoreHoldOut(entry, theta.points);
    const thetaReference = reference.get("thetaf")?.get(entry.id);
    agreement.push({
      smape: Math.abs(thetaScore.smape - (thetaReference?.smape ?? Number.NaN)),
      mase: Math.abs(thetaScore.mase - (thetaReference?.mase ?? Number.NaN)),
    });
    for (const model of OURS) {
      const list = scores.get(`${entry.period}:${model}`) ?? [];
      list.push(scoreHoldOut(entry, ours[model].points));
      scores.set(`${entry.period}:${model}`, list);
    }
  }
  const cpu = process.cpuUsage(started);
  console.log(`M1, ${series.length} series, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU in all\n`);
  console.log(
    "| category | figure | ours ETS | ours Theta | ours ETS+Theta | ours auto-cv | R ets | R auto.arima | R thetaf | R comb | R naive |",
  );
  console.log("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const category of CATEGORIES) {
    const ids = series.filter((entry) => entry.period === category).map((entry) => entry.id);
    for (const figure of ["smape", "mase", "coverage80", "coverage95"] as const) {
      const ours = OURS.map((model) => mean((scores.get(`${category}:${model}`) ?? []).map((entry) => entry[figure])));
      const theirs = R_MODELS.map((model) =>
        mean(ids.map((id) => reference.get(model)?.get(id)?.[figure] ?? Number.NaN)),
      );
      const digits = figure === "smape" ? 2 : 3;
      const cells = [...ours, ...theirs].map((value) => (Number.isFinite(value) ? value.toFixed(digits) : "—"));
      console.log(`| ${category.toLowerCase()} (${ids.length}) | ${figure} | ${cells.join(" | ")} |`);
    }
  }
  for (const figure of ["smape", "mase"] as const) {
    const gaps = agreement.map((entry) => entry[figure]).sort((left, right) => left - right);
    const at = (share: number) => (gaps[Math.floor(share * (gaps.length - 1))] as number).toExponential(1);
    console.log(
      `\nTheta vs R thetaf, |${figure} difference| per series: median ${at(0.5)}, 90th percentile ${at(0.9)}, 99th ${at(0.99)}, max ${at(1)}`,
    );
  }
  console.log("\nauto-cv choices (series per family):");
  for (const category of CATEGORIES) {
    const counts = (["ets", "theta", "ets+theta"] as const).map(
      (family) => `${family} ${choices.get(`${category}:${family}`) ?? 0}`,
    );
    console.log(`  ${category.toLowerCase()}: ${counts.join(", ")}`);
  }
  innerHoldOut(series);
}

const INNER_RULES = ["ets", "theta", "ets+theta", "auto-cv"] as const;

/**
 * The same comparison on the training parts only: the last `min(h, n − max(2m + 2, 8))` training points are held
 * back, the rest is fitted (auto-cv cross-validates inside it), and sMAPE and MASE are taken on the held-back points
 * (MASE scaled by the shortened training part). Point forecasts only.
 *
 * @param series - The M1 series.
 */
export function innerHoldOut(series: readonly M1Series[]): void {
  const sums = new Map<string, { smape: number[]; mase: number[] }>();
  for (const entry of series) {
    const period = entry.frequency;
    const count = entry.train.length;
    const horizon = Math.min(entry.horizon, count - Math.max(2 * period + 2, 8));
    if (horizon < 1) continue;
    const train = Float64Array.from(entry.train.slice(0, count - horizon));
    const actual = entry.train.slice(count - horizon);
    const ets = etsAveragedPoints(train, period, horizon);
    if (!ets) continue;
    const theta = forecastTheta(fitTheta(train, { period }), horizon, { levels: [] }).map((step) => step.value);
    const byFamily: Record<ForecastFamily, number[]> = {
      ets,
      theta,
      "ets+theta": ets.map((value, index) => (value + (theta[index] as number)) / 2),
    };
    const choice = crossValidateFamilies(train, period, horizon).choice;
    for (const rule of INNER_RULES) {
      const forecast = rule === "auto-cv" ? byFamily[choice] : byFamily[rule];
      const { smape, mase } = scorePoints(train, actual, forecast, period);
      const key = `${entry.period}:${rule}`;
      const list = sums.get(key) ?? { smape: [], mase: [] };
      list.smape.push(smape);
      list.mase.push(mase);
      sums.set(key, list);
    }
  }
  console.log("\nTraining parts only (last points held back), mean sMAPE / MASE:\n");
  console.log(`| category | series | ${INNER_RULES.map((rule) => `ours ${rule}`).join(" | ")} |`);
  console.log(`|---|--:|${INNER_RULES.map(() => "--:").join("|")}|`);
  for (const category of CATEGORIES) {
    const cells = INNER_RULES.map((rule) => {
      const list = sums.get(`${category}:${rule}`) ?? { smape: [], mase: [] };
      return `${mean(list.smape).toFixed(2)} / ${mean(list.mase).toFixed(3)}`;
    });
    const used = sums.get(`${category}:ets`)?.smape.length ?? 0;
    console.log(`| ${category.toLowerCase()} | ${used} | ${cells.join(" | ")} |`);
  }
}
