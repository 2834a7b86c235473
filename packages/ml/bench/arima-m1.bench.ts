// Automatic ARIMA and the ETS+ARIMA+Theta combination on the M1 competition's 1,001 series (fixtures/ml/forecasting/m1,
// REFERENCE.md protocol): per category, mean sMAPE, MASE and 80/95 % interval coverage on the official test part for
// our ETS (the engine's default), Theta, ARIMA, ETS+Theta, ETS+ARIMA+Theta, the cross-validated choice between ETS
// and ETS+ARIMA+Theta (`model: "auto-ensemble"`), the median of ETS, ARIMA and Theta (`"median-ensemble"`) and the
// rule per seasonal period (`"validated-ensemble"`), next to R's figures from m1_reference.csv; agreement of the ARIMA
// orders with R's `auto.arima` (its `detail` column); CPU time per series. Every choice is made on the training part.
// `M1_STRIDE=k` runs every k-th series (all by default), `M1_PERIODS=YEARLY,QUARTERLY` only those categories (all by
// default); `M1_OUT=file` also writes one JSON line per series. When
// Rscript with the forecast package is on the PATH, bench/arima-anchor.R times R's ets() and auto.arima() on every
// `M1_R_STRIDE`-th series (10 by default) in the same run, next to ours on the same series.
import { execFileSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crossValidateEnsemble } from "../src/forecasting/arima/cross-validate-ensemble";
import {
  arimaForecast,
  combineEtsArimaTheta,
  describeArima,
  selectArima,
} from "../src/forecasting/build-arima-forecast";
import { combineEtsTheta } from "../src/forecasting/build-theta-forecast";
import { combineValidatedEnsemble, driftComponent } from "../src/forecasting/build-validated-ensemble";
import { type Forecast, TimeSeriesForecastingEngine } from "../src/forecasting/time-series-forecasting-engine";
import { loadM1Figures, loadM1Series } from "../test/forecasting/m1-protocol";
import {
  type HoldOutScore,
  loadReferenceFigures,
  loadReferenceSeries,
  referenceTimestamps,
  scoreHoldOut,
} from "../test/forecasting/reference-protocol";

const OURS = [
  "ets",
  "theta",
  "arima",
  "ets+theta",
  "ets+arima+theta",
  "auto-ensemble",
  "median-ensemble",
  "validated-ensemble",
] as const;
const R_MODELS = ["ets", "arima", "thetaf", "comb"] as const;
const CATEGORIES = ["YEARLY", "QUARTERLY", "MONTHLY"] as const;

/** One series' results. */
interface Row {
  id: string;
  period: string;
  scores: Record<(typeof OURS)[number], HoldOutScore>;
  arima: string;
  rArima: string;
  choice: string;
  cpuMs: { ets: number; theta: number; arima: number; validation: number; drift: number };
}

function mean(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

function cpuMs<T>(work: () => T): [T, number] {
  const started = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(started);
  return [result, (used.user + used.system) / 1000];
}

// R's detail "ARIMA(0,1,1)(0,1,1)[12] with drift" → our name.
function normaliseR(detail: string): string {
  return detail.replace(/\s+/g, " ").trim();
}

export default async function run(): Promise<void> {
  const stride = Number(process.env.M1_STRIDE ?? 1);
  const output = process.env.M1_OUT;
  if (output) writeFileSync(output, "");
  const all = loadM1Series();
  const periods = (process.env.M1_PERIODS ?? CATEGORIES.join(",")).split(",");
  const series = all.filter((entry, index) => index % stride === 0 && periods.includes(entry.period));
  const rArima = loadM1Figures("arima");
  const rows: Row[] = [];
  for (const entry of series) {
    const timestamps = referenceTimestamps(entry, entry.train.length);
    const points = entry.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
    const values = Float64Array.from(entry.train);
    const engine = new TimeSeriesForecastingEngine({ minDataPoints: 2, forecastHorizon: entry.horizon });
    const [ets, etsMs] = cpuMs(() => engine.generateForecast(entry.id, points));
    const [theta, thetaMs] = cpuMs(() => engine.generateForecast(entry.id, points, { model: "theta" }));
    const [chosen, arimaSelectMs] = cpuMs(() => selectArima(values, entry.frequency));
    const identity = { forecastId: "m1", name: entry.id, createdAt: 0, droppedPoints: 0 };
    const input = {
      values,
      spacing: { kind: "months" as const, months: 12 / entry.frequency, anchor: "day" as const },
      lastTimestamp: 0,
    };
    const [arimaRaw, arimaForecastMs] = cpuMs(() => arimaForecast(identity, input, entry.horizon, [80, 95], chosen));
    const arima: Forecast = { ...arimaRaw, points: arimaRaw.points.map((point) => ({ ...point })) };
    const [validation, validationMs] = cpuMs(() =>
      crossValidateEnsemble(values, entry.frequency, entry.horizon, chosen.fit),
    );
    const ensemble = combineEtsArimaTheta(ets, arima, theta, { selection: "fixed" });
    const [validated, driftMs] = cpuMs(() =>
      combineValidatedEnsemble(
        ets,
        arima,
        theta,
        driftComponent(values, entry.horizon, [80, 95], entry.frequency),
        entry.frequency,
      ),
    );
    const byModel: Record<(typeof OURS)[number], Forecast> = {
      ets,
      theta,
      arima,
      "ets+theta": combineEtsTheta(ets, theta, { selection: "fixed" }),
      "ets+arima+theta": ensemble,
      "auto-ensemble": validation.choice === "ets" ? ets : ensemble,
      "median-ensemble": combineEtsArimaTheta(ets, arima, theta, { selection: "fixed", statistic: "median" }),
      "validated-ensemble": validated,
    };
    const scores = Object.fromEntries(
      OURS.map((model) => [model, scoreHoldOut(entry, byModel[model].points)]),
    ) as Row["scores"];
    const row: Row = {
      id: entry.id,
      period: entry.period,
      scores,
      arima: describeArima(chosen.fit, chosen.modelsTried).name,
      rArima: normaliseR(rArima.get(entry.id)?.detail ?? ""),
      choice: validation.choice,
      cpuMs: {
        ets: etsMs,
        theta: thetaMs,
        arima: arimaSelectMs + arimaForecastMs,
        validation: validationMs,
        drift: driftMs,
      },
    };
    rows.push(row);
    if (output) appendFileSync(output, `${JSON.stringify(row)}\n`);
  }
  summarise(rows);
  compareWithR(rows, Number(process.env.M1_R_STRIDE ?? 10), periods);
  if (process.env.M1_SKIP_REFERENCE === undefined) referenceHoldOut();
}

/**
 * Times R's `ets()` and `auto.arima()` (with `forecast()`) on every `stride`-th M1 series with bench/arima-anchor.R and
 * prints the medians next to ours on the same series. Skipped, with a note, when Rscript or forecast is missing.
 *
 * @param rows - Our per-series results.
 * @param stride - Every how many series R runs.
 * @param periods - The categories our rows cover (R runs only those).
 */
function compareWithR(rows: readonly Row[], stride: number, periods: readonly string[]): void {
  const script = fileURLToPath(new URL("arima-anchor.R", import.meta.url));
  const folder = fileURLToPath(new URL("../../../fixtures/ml/forecasting/m1/", import.meta.url));
  let text: string;
  try {
    text = execFileSync("Rscript", [script, folder, String(stride), "1", periods.join(",")], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
  } catch (error) {
    console.log(
      `\nR anchor skipped (Rscript with the forecast package not available): ${String(error).split("\n")[0]}`,
    );
    return;
  }
  const lines = text.split("\n");
  const r = new Map<string, { arima: number; ets: number }>();
  for (const line of lines) {
    if (!line || line.startsWith("#") || line.startsWith("id,")) continue;
    const [id, , , , , arima, ets] = line.split(",");
    r.set(id as string, { arima: Number(arima), ets: Number(ets) });
  }
  console.log(`\nCPU ms per series, same run, ${lines[0]?.replace("# ", "")} on every ${stride}th series (median):\n`);
  console.log(
    "| category | series | ours ETS | ours ARIMA | ours median-ensemble total | ours validated-ensemble total | ours auto-ensemble total | R ets | R auto.arima | ETS / R ets | median-ensemble / R ets | validated-ensemble / R ets | auto-ensemble / R ets | ARIMA / R auto.arima |",
  );
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const category of [...CATEGORIES, "ALL"] as const) {
    const chosen = rows.filter((row) => r.has(row.id) && (category === "ALL" || row.period === category));
    if (chosen.length === 0) continue;
    const total = median(chosen.map((row) => row.cpuMs.ets + row.cpuMs.theta + row.cpuMs.arima + row.cpuMs.validation));
    const ours = median(chosen.map((row) => row.cpuMs.arima));
    const etsMs = median(chosen.map((row) => row.cpuMs.ets));
    const medianTotal = median(chosen.map((row) => row.cpuMs.ets + row.cpuMs.theta + row.cpuMs.arima));
    const validatedTotal = median(
      chosen.map((row) => row.cpuMs.ets + row.cpuMs.theta + row.cpuMs.arima + row.cpuMs.drift),
    );
    const rEts = median(chosen.map((row) => r.get(row.id)?.ets ?? Number.NaN));
    const rArima = median(chosen.map((row) => r.get(row.id)?.arima ?? Number.NaN));
    console.log(
      `| ${category.toLowerCase()} | ${chosen.length} | ${etsMs.toFixed(1)} | ${ours.toFixed(0)} | ${medianTotal.toFixed(0)} | ${validatedTotal.toFixed(0)} | ${total.toFixed(0)} | ${rEts.toFixed(0)} | ${rArima.toFixed(0)} | ${(etsMs / rEts).toFixed(2)}× | ${(medianTotal / rEts).toFixed(2)}× | ${(validatedTotal / rEts).toFixed(2)}× | ${(total / rEts).toFixed(2)}× | ${(ours / rArima).toFixed(2)}× |`,
    );
  }
}

const REFERENCE_MODELS = [
  "auto",
  "arima",
  "ets+arima+theta",
  "auto-ensemble",
  "median-ensemble",
  "validated-ensemble",
] as const;

/**
 * Data held out from all tuning: the 12 reference series of fixtures/ml/REFERENCE.md §3 (six classic series and six
 * M3 monthly series, their official hold-out), mean sMAPE / MASE of our models next to R's automatic `ets`.
 */
export function referenceHoldOut(): void {
  const series = loadReferenceSeries();
  const rEts = loadReferenceFigures("ets_auto");
  const sums = new Map<string, { smape: number[]; mase: number[]; cover80: number[]; cover95: number[] }>();
  const lines: string[] = [];
  for (const entry of series) {
    const timestamps = referenceTimestamps(entry, entry.train.length);
    const points = entry.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
    const engine = new TimeSeriesForecastingEngine({ minDataPoints: 2, forecastHorizon: entry.horizon });
    const cells: string[] = [];
    for (const model of REFERENCE_MODELS) {
      const forecast = engine.generateForecast(entry.id, points, { model });
      const score = scoreHoldOut(entry, forecast.points);
      const list = sums.get(model) ?? { smape: [], mase: [], cover80: [], cover95: [] };
      list.smape.push(score.smape);
      list.mase.push(score.mase);
      list.cover80.push(score.coverage80);
      list.cover95.push(score.coverage95);
      sums.set(model, list);
      cells.push(`${score.smape.toFixed(2)} / ${score.mase.toFixed(3)}`);
      if (model === "arima") cells.push(forecast.model.name);
    }
    const reference = rEts.get(entry.id);
    lines.push(
      `| ${entry.id} | ${cells.join(" | ")} | ${reference?.smape.toFixed(2)} / ${reference?.mase.toFixed(3)} |`,
    );
  }
  console.log("\nReference series (held out from all tuning), sMAPE / MASE:\n");
  console.log(
    "| series | ours ETS (default) | ours ARIMA | ARIMA model | ours ETS+ARIMA+Theta | ours auto-ensemble | ours median-ensemble | ours validated-ensemble | R ets |",
  );
  console.log("|---|--:|--:|---|--:|--:|--:|--:|--:|");
  for (const line of lines) console.log(line);
  const means = REFERENCE_MODELS.map((model) => {
    const list = sums.get(model) ?? { smape: [], mase: [], cover80: [], cover95: [] };
    return `${mean(list.smape).toFixed(3)} / ${mean(list.mase).toFixed(3)} (cover ${mean(list.cover80).toFixed(2)} / ${mean(list.cover95).toFixed(2)})`;
  });
  const rMeans = `${mean(series.map((entry) => rEts.get(entry.id)?.smape ?? Number.NaN)).toFixed(3)} / ${mean(series.map((entry) => rEts.get(entry.id)?.mase ?? Number.NaN)).toFixed(3)}`;
  console.log(
    `| mean | ${means[0]} | ${means[1]} | | ${means[2]} | ${means[3]} | ${means[4]} | ${means[5]} | ${rMeans} |`,
  );
}

/**
 * Prints the per-category tables for the rows (also used on the JSON lines of a partial run).
 *
 * @param rows - Per-series results.
 */
export function summarise(rows: readonly Row[]): void {
  const reference = new Map(R_MODELS.map((model) => [model, loadM1Figures(model)]));
  const rArimaFigures = loadM1Figures("arima");
  console.log(`M1, ${rows.length} series\n`);
  console.log(
    `| category | figure | ${OURS.map((model) => `ours ${model}`).join(" | ")} | R ets | R auto.arima | R thetaf | R comb |`,
  );
  console.log(`|---|---|${OURS.map(() => "--:").join("|")}|--:|--:|--:|--:|`);
  for (const category of CATEGORIES) {
    const inCategory = rows.filter((row) => row.period === category);
    for (const figure of ["smape", "mase", "coverage80", "coverage95"] as const) {
      const ours = OURS.map((model) => mean(inCategory.map((row) => row.scores[model][figure])));
      const theirs = R_MODELS.map((model) =>
        mean(inCategory.map((row) => reference.get(model)?.get(row.id)?.[figure] ?? Number.NaN)),
      );
      const digits = figure === "smape" ? 2 : 3;
      const cells = [...ours, ...theirs].map((value) => (Number.isFinite(value) ? value.toFixed(digits) : "—"));
      console.log(`| ${category.toLowerCase()} (${inCategory.length}) | ${figure} | ${cells.join(" | ")} |`);
    }
  }
  console.log(
    "\nARIMA model identical to R auto.arima's (orders and constant), auto-ensemble choices, CPU ms per series:\n",
  );
  console.log(
    "| category | same model as R | chose ETS+ARIMA+Theta | median ETS | median ARIMA | median auto-ensemble total | R ets (median, REFERENCE) | R auto.arima (median, REFERENCE) |",
  );
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|");
  for (const category of CATEGORIES) {
    const inCategory = rows.filter((row) => row.period === category);
    if (inCategory.length === 0) continue;
    const same = inCategory.filter((row) => row.arima === row.rArima).length;
    const combined = inCategory.filter((row) => row.choice === "ets+arima+theta").length;
    const total = inCategory.map((row) => row.cpuMs.ets + row.cpuMs.theta + row.cpuMs.arima + row.cpuMs.validation);
    const rEts = median(inCategory.map((row) => reference.get("ets")?.get(row.id)?.cpuMs ?? Number.NaN));
    const rArima = median(inCategory.map((row) => rArimaFigures.get(row.id)?.cpuMs ?? Number.NaN));
    console.log(
      `| ${category.toLowerCase()} | ${same}/${inCategory.length} | ${combined}/${inCategory.length} | ${median(inCategory.map((row) => row.cpuMs.ets)).toFixed(0)} | ${median(inCategory.map((row) => row.cpuMs.arima)).toFixed(0)} | ${median(total).toFixed(0)} | ${rEts.toFixed(0)} | ${rArima.toFixed(0)} |`,
    );
  }
}
