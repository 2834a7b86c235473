// REFERENCE.md §3 on the 12 forecasting series of fixtures/ml: the automatic ETS model of TimeSeriesForecastingEngine
// against R's forecast::ets (reference figures, and R itself in the same run when `Rscript` with the forecast
// package is installed), plus the AICc of the fixed forms ETS(A,A,A) and ETS(M,A,M).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fitEts } from "../src/forecasting/ets/fit-ets";
import { type Forecast, TimeSeriesForecastingEngine } from "../src/forecasting/time-series-forecasting-engine";
import {
  type HoldOutScore,
  loadReferenceFigures,
  loadReferenceSeries,
  type ReferenceSeries,
  referenceTimestamps,
  scoreHoldOut,
} from "../test/forecasting/reference-protocol";

const RUNS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function scoreOf(
  series: ReferenceSeries,
  options: { modelAveraging?: boolean } = {},
): { forecast: Forecast; score: HoldOutScore } {
  const timestamps = referenceTimestamps(series, series.train.length);
  const points = series.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
  const forecaster = new TimeSeriesForecastingEngine({ minDataPoints: 24 });
  const forecast = forecaster.generateForecast(series.id, points, { forecastHorizon: series.horizon, ...options });
  return { forecast, score: scoreHoldOut(series, forecast.points) };
}

function runOurs(series: ReferenceSeries): {
  name: string;
  averaging: string;
  aicc: number;
  score: HoldOutScore;
  milliseconds: number;
  cpuMilliseconds: number;
} {
  const timestamps = referenceTimestamps(series, series.train.length);
  const points = series.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
  const forecaster = new TimeSeriesForecastingEngine({ minDataPoints: 24 });
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let forecast = forecaster.generateForecast(series.id, points, { forecastHorizon: series.horizon });
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    forecast = forecaster.generateForecast(series.id, points, { forecastHorizon: series.horizon });
    const cpu = process.cpuUsage(cpuStarted);
    times.push(performance.now() - started);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  const score = scoreHoldOut(series, forecast.points);
  const components = forecast.model.method === "ETS" ? forecast.model.averaging?.components : undefined;
  return {
    name: forecast.model.name,
    averaging: components
      ? components.map((component) => `${component.weight.toFixed(2)}·${component.code}`).join(" + ")
      : "winner only",
    aicc: forecast.model.method === "ETS" ? forecast.model.aicc : Number.NaN,
    score,
    milliseconds: median(times),
    cpuMilliseconds: median(cpuTimes),
  };
}

// Times R's `forecast(ets(train), h)` per series in a child Rscript process, same data, median of RUNS runs.
function runR(seriesList: readonly ReferenceSeries[]): Map<string, number> | undefined {
  try {
    execFileSync("Rscript", ["-e", "suppressMessages(library(forecast))"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const directory = mkdtempSync(join(tmpdir(), "ets-bench-"));
  try {
    const lines = ["suppressMessages(library(forecast))", "cat('')"];
    for (const series of seriesList) {
      const file = join(directory, `${series.id}.txt`);
      writeFileSync(file, series.train.join("\n"));
      lines.push(
        `y <- ts(scan('${file}', quiet = TRUE), frequency = ${series.frequency})`,
        `times <- sapply(1:${RUNS}, function(i) system.time(forecast(ets(y), h = ${series.horizon}, level = c(80, 95)))[["elapsed"]])`,
        `cat('${series.id}', median(times) * 1000, '\\n')`,
      );
    }
    const script = join(directory, "bench.R");
    writeFileSync(script, lines.join("\n"));
    const output = execFileSync("Rscript", [script], { encoding: "utf8" });
    const result = new Map<string, number>();
    for (const line of output.trim().split("\n")) {
      const [id, milliseconds] = line.trim().split(/\s+/);
      if (id && milliseconds) result.set(id, Number(milliseconds));
    }
    return result;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export default async function forecastingBench(): Promise<void> {
  const seriesList = loadReferenceSeries();
  const reference = loadReferenceFigures("ets_auto");
  const rTimes = runR(seriesList);
  const rows: string[] = [];
  const ours: ReturnType<typeof runOurs>[] = [];
  for (const series of seriesList) {
    const result = runOurs(series);
    ours.push(result);
    const figures = reference.get(series.id);
    const rNow = rTimes?.get(series.id);
    rows.push(
      `| ${series.id} | ${result.name} | ${figures?.detail} | ${result.score.mase.toFixed(3)} | ${figures?.mase.toFixed(3)} | ${result.score.smape.toFixed(2)} | ${figures?.smape.toFixed(2)} | ${result.score.coverage80.toFixed(2)} / ${result.score.coverage95.toFixed(2)} | ${figures?.coverage80.toFixed(2)} / ${figures?.coverage95.toFixed(2)} | ${result.aicc.toFixed(2)} | ${figures?.aicc.toFixed(2)} | ${result.milliseconds.toFixed(0)} | ${result.cpuMilliseconds.toFixed(0)} | ${rNow === undefined ? "n/a" : rNow.toFixed(0)} |`,
    );
  }
  console.log(
    "### Automatic ETS (ours: Akaike-weighted combination of the candidate forms; `ours` names the AICc winner) vs R forecast::ets, REFERENCE.md §3 protocol\n",
  );
  console.log(
    "| series | ours | R | MASE ours | MASE R | sMAPE ours | sMAPE R | cov 80/95 ours | cov 80/95 R | AICc ours | AICc R | ms ours (wall) | CPU ms ours | ms R here |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  const meanOf = (pick: (score: HoldOutScore) => number): number => mean(ours.map((result) => pick(result.score)));
  const ourMedian = median(ours.map((result) => result.milliseconds));
  const ourCpuMedian = median(ours.map((result) => result.cpuMilliseconds));
  const rMedian = rTimes ? median([...rTimes.values()]) : undefined;
  console.log(
    `| **mean** | | | **${meanOf((score) => score.mase).toFixed(3)}** | **0.717** | **${meanOf((score) => score.smape).toFixed(3)}** | **7.97** | **${meanOf((score) => score.coverage80).toFixed(2)} / ${meanOf((score) => score.coverage95).toFixed(2)}** | **0.89 / 0.97** | | | **${ourMedian.toFixed(0)}** (median) | **${ourCpuMedian.toFixed(0)}** (median) | ${rMedian === undefined ? "n/a (reference: 362)" : `**${rMedian.toFixed(0)}** (median)`} |`,
  );
  console.log(
    `\nTiming: automatic selection (15 forms) + forecast with 80/95 % intervals (Akaike-weighted combination, the default), median of ${RUNS} runs per series, then the median over series; CPU ms is this process's user+system time for the same calls (less distorted than wall time on a busy machine). Load average at start: ${loadavg()[0]?.toFixed(1)}. R reference: 362 ms (REFERENCE.md). ${rMedian === undefined ? `Ratio to the reference: wall ${(ourMedian / 362).toFixed(2)}, CPU ${(ourCpuMedian / 362).toFixed(2)} (R not installed here, so not run in the same process).` : `Ratio ours / R in this run: ${(ourMedian / rMedian).toFixed(2)}.`}`,
  );

  console.log(
    "\n### Akaike-weighted combination (default) vs the AICc winner alone (`modelAveraging: false`, R's behaviour)\n",
  );
  console.log(
    "| series | combination (weights ≥ 0.001) | MASE comb. / winner | sMAPE comb. / winner | cov 80/95 comb. / winner |",
  );
  console.log("|---|---|---|---|---|");
  const winnerScores: HoldOutScore[] = [];
  seriesList.forEach((series, index) => {
    const winner = scoreOf(series, { modelAveraging: false });
    winnerScores.push(winner.score);
    const combined = ours[index] as ReturnType<typeof runOurs>;
    console.log(
      `| ${series.id} | ${combined.averaging} | ${combined.score.mase.toFixed(3)} / ${winner.score.mase.toFixed(3)} | ${combined.score.smape.toFixed(2)} / ${winner.score.smape.toFixed(2)} | ${combined.score.coverage80.toFixed(2)}, ${combined.score.coverage95.toFixed(2)} / ${winner.score.coverage80.toFixed(2)}, ${winner.score.coverage95.toFixed(2)} |`,
    );
  });
  const winnerMean = (pick: (score: HoldOutScore) => number): number => mean(winnerScores.map(pick));
  console.log(
    `| **mean** | | **${meanOf((score) => score.mase).toFixed(3)}** / **${winnerMean((score) => score.mase).toFixed(3)}** | **${meanOf((score) => score.smape).toFixed(3)}** / **${winnerMean((score) => score.smape).toFixed(3)}** | **${meanOf((score) => score.coverage80).toFixed(2)}, ${meanOf((score) => score.coverage95).toFixed(2)}** / **${winnerMean((score) => score.coverage80).toFixed(2)}, ${winnerMean((score) => score.coverage95).toFixed(2)}** |`,
  );

  console.log("\n### Fixed forms: AICc ours − AICc R (reference/forecast_params.csv); target ≤ +0.5 on every series\n");
  console.log("| series | ETS(A,A,A) ours | R | gap | ETS(M,A,M) ours | R | gap |");
  console.log("|---|---|---|---|---|---|---|");
  const additive = loadReferenceFigures("hw_additive");
  const multiplicative = loadReferenceFigures("hw_multiplicative");
  let worst = Number.NEGATIVE_INFINITY;
  for (const series of seriesList) {
    const cells: string[] = [];
    for (const [form, figures] of [
      [{ error: "A", trend: "A", season: "A" }, additive],
      [{ error: "M", trend: "A", season: "M" }, multiplicative],
    ] as const) {
      const fit = fitEts(series.train, form, { period: series.frequency });
      const theirs = figures.get(series.id)?.aicc ?? Number.NaN;
      const gap = (fit?.aicc ?? Number.NaN) - theirs;
      worst = Math.max(worst, gap);
      cells.push(`${fit?.aicc.toFixed(2)} | ${theirs.toFixed(2)} | ${gap.toFixed(2)}`);
    }
    console.log(`| ${series.id} | ${cells.join(" | ")} |`);
  }
  console.log(`\nWorst gap: ${worst.toFixed(2)} (${worst <= 0.5 ? "met" : "NOT met"}).`);

  console.log('\n### Classic Holt-Winters (ours, model "HW-…") vs R stats::HoltWinters, same protocol\n');
  console.log(
    "| series | add MASE ours / R | add sMAPE ours / R | add cov 80/95 ours / R | mult MASE ours / R | mult sMAPE ours / R | mult cov 80/95 ours / R |",
  );
  console.log("|---|---|---|---|---|---|---|");
  const hwReference = {
    additive: loadReferenceFigures("HoltWinters_add"),
    multiplicative: loadReferenceFigures("HoltWinters_mult"),
  };
  const hwScores: Record<"additive" | "multiplicative", HoltWintersScore[]> = { additive: [], multiplicative: [] };
  for (const series of seriesList) {
    const cells: string[] = [];
    for (const seasonality of ["additive", "multiplicative"] as const) {
      const score = runHoltWinters(series, seasonality);
      hwScores[seasonality].push(score);
      const theirs = hwReference[seasonality].get(series.id);
      cells.push(
        `${score.mase.toFixed(3)} / ${theirs?.mase.toFixed(3)} | ${score.smape.toFixed(2)} / ${theirs?.smape.toFixed(2)} | ${score.coverage80.toFixed(2)}, ${score.coverage95.toFixed(2)} / ${theirs?.coverage80.toFixed(2)}, ${theirs?.coverage95.toFixed(2)}`,
      );
    }
    console.log(`| ${series.id} | ${cells.join(" | ")} |`);
  }
  const means = (scores: HoltWintersScore[]): string =>
    `**${mean(scores.map((score) => score.mase)).toFixed(3)}** | **${mean(scores.map((score) => score.smape)).toFixed(2)}** | **${mean(scores.map((score) => score.coverage80)).toFixed(2)}, ${mean(scores.map((score) => score.coverage95)).toFixed(2)}**`;
  console.log(
    `| **mean (ours)** | ${means(hwScores.additive)} | ${means(hwScores.multiplicative)} |\n| **mean (R, REFERENCE.md)** | 0.772 | 8.02 | 0.87, 0.96 | 0.873 | 8.64 | 0.64, 0.82 |`,
  );
}

type HoltWintersScore = HoldOutScore;

function runHoltWinters(series: ReferenceSeries, seasonality: "additive" | "multiplicative"): HoltWintersScore {
  const timestamps = referenceTimestamps(series, series.train.length);
  const points = series.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
  const forecaster = new TimeSeriesForecastingEngine({ minDataPoints: 24 });
  const forecast = forecaster.generateForecast(series.id, points, {
    forecastHorizon: series.horizon,
    model: seasonality === "additive" ? "HW-additive" : "HW-multiplicative",
  });
  return scoreHoldOut(series, forecast.points);
}
