// NAB accuracy of the AnomalyDetectionEngine (REFERENCE.md §4 protocol) and its streaming throughput.
import { AnomalyDetectionEngine, type AnomalyDetectionEngineOptions } from "../src/anomaly/anomaly-detection-engine";
import { combineNabScores, type NabScore } from "../src/anomaly/score-nab";
import { createRandom } from "../src/random/create-random";
import {
  loadNabFile,
  loadReferenceMetrics,
  NAB_FILES,
  type NabFile,
  runCausalProtocol,
  scoreRows,
} from "./anomaly/nab-data";

// NAB's published raw standard scores on these files (REFERENCE.md §4, results of numenta/NAB at ea702d75cc22).
const PUBLISHED: Record<string, Record<string, number>> = {
  numenta: {
    machine_temperature_system_failure: 1.36,
    nyc_taxi: 2.436,
    ambient_temperature_system_failure: -0.759,
    cpu_utilization_asg_misconfiguration: -0.256,
    ec2_request_latency_system_failure: 1.706,
  },
  windowedGaussian: {
    machine_temperature_system_failure: -4,
    nyc_taxi: -5,
    ambient_temperature_system_failure: -2,
    cpu_utilization_asg_misconfiguration: -1.11,
    ec2_request_latency_system_failure: 2.022,
  },
};

const REFERENCE_DETECTORS = [
  ["zscore_static", { detector: "zscore", window: 0, sensitivityThreshold: 2.5 }],
  ["zscore_rolling_50", { detector: "zscore", window: 50, sensitivityThreshold: 2.5 }],
  ["zscore_rolling_288", { detector: "zscore", window: 288, sensitivityThreshold: 2.5 }],
] as const satisfies readonly (readonly [string, AnomalyDetectionEngineOptions])[];

const format = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

function evaluate(files: readonly NabFile[], options: AnomalyDetectionEngineOptions): NabScore[] {
  return files.map((file) => scoreRows(file, runCausalProtocol(new AnomalyDetectionEngine(options), file)));
}

function printNabTable(files: readonly NabFile[]): void {
  const metrics = loadReferenceMetrics();
  const ours = evaluate(files, {});
  const references = REFERENCE_DETECTORS.map(([name, options]) => [name, evaluate(files, options)] as const);
  console.log(
    "NAB, causal protocol (train on P = min(floor(0.15 n), 750) rows, then one detectAnomalies call per row).",
  );
  console.log("`ours` = `new AnomalyDetectionEngine()` (defaults, one configuration for every file).\n");
  const header = ["file", "ours: windows", "ours: FP rows", "ours: raw std", "HTM (numenta)", "windowedGaussian"];
  for (const [name] of REFERENCE_DETECTORS) header.push(`${name} (ours / ref)`);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  const totals = { htm: 0, gaussian: 0 };
  for (const [index, file] of files.entries()) {
    const score = ours[index] as NabScore;
    const htm = PUBLISHED.numenta?.[file.name] ?? Number.NaN;
    const gaussian = PUBLISHED.windowedGaussian?.[file.name] ?? Number.NaN;
    totals.htm += htm;
    totals.gaussian += gaussian;
    const cells = [
      file.name,
      `${score.windowsDetected}/${score.windows}`,
      String(score.falsePositives),
      format(score.profiles.standard.raw),
      format(htm),
      format(gaussian),
    ];
    for (const [name, scores] of references) {
      const reference = metrics.find((row) => row.file === `${file.name}.csv` && row.detector === name);
      cells.push(
        `${format(scores[index]?.profiles.standard.raw ?? Number.NaN)} / ${format(Number(reference?.nab_raw_standard))}`,
      );
    }
    console.log(`| ${cells.join(" | ")} |`);
  }
  const combined = combineNabScores(ours);
  const sumCells = [
    "**sum (raw standard)**",
    `${ours.reduce((sum, score) => sum + score.windowsDetected, 0)}/${ours.reduce((sum, score) => sum + score.windows, 0)}`,
    String(ours.reduce((sum, score) => sum + score.falsePositives, 0)),
    `**${format(combined.standard.raw)}**`,
    format(totals.htm),
    format(totals.gaussian),
  ];
  for (const [name, scores] of references) {
    const reference = metrics
      .filter((row) => row.detector === name)
      .reduce((sum, row) => sum + Number(row.nab_raw_standard), 0);
    sumCells.push(`${format(combineNabScores(scores).standard.raw)} / ${format(reference)}`);
  }
  console.log(`| ${sumCells.join(" | ")} |`);
  console.log("\nOurs on the 5 files, every NAB profile (sum of raw scores; normalised over the 5 files):\n");
  console.log("| profile | raw | null | perfect | normalised |");
  console.log("|---|---|---|---|---|");
  for (const [profile, score] of Object.entries(combined)) {
    console.log(
      `| ${profile} | ${format(score.raw)} | ${format(score.null)} | ${format(score.perfect)} | ${format(score.normalised, 1)} |`,
    );
  }
}

function throughput(points: number, run: () => void): number {
  run();
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return points / seconds;
}

function printThroughput(): void {
  const length = 2_000_000;
  const random = createRandom(42);
  const values = Float64Array.from({ length }, (_, index) => 50 + 10 * Math.sin(index / 20) + random.normal());
  const timestamps = Float64Array.from({ length }, (_, index) => 1_700_000_000_000 + index * 1000);
  const training = Array.from({ length: 750 }, (_, index) => ({
    timestamp: (timestamps[0] as number) - (750 - index) * 1000,
    value: values[index] as number,
  }));
  const points = Array.from({ length }, (_, index) => ({
    timestamp: timestamps[index] as number,
    value: values[index] as number,
  }));
  let sink = 0;
  const welford = throughput(length, () => {
    let count = 0;
    let mean = 0;
    let squares = 0;
    for (let index = 0; index < length; index += 1) {
      const value = values[index] as number;
      count += 1;
      const delta = value - mean;
      mean += delta / count;
      squares += delta * (value - mean);
      if (Math.abs(delta) > 3.5 * Math.sqrt(squares / count)) sink += 1;
    }
  });
  const rows: [string, number][] = [["raw Welford mean/variance + abs(z) test loop (baseline)", welford]];
  for (const detector of ["auto", "resonance", "zscore", "seasonal", "holt-winters", "cusum", "trend"] as const) {
    const options = detector === "zscore" ? { detector, window: 288 } : { detector };
    rows.push([
      `engine.update(name, point), detector "${detector}"`,
      throughput(length, () => {
        const engine = new AnomalyDetectionEngine(options);
        engine.trainModel("bench", training);
        for (const point of points) if (engine.update("bench", point) !== null) sink += 1;
      }),
    ]);
  }
  rows.push([
    'engine.detectAnomalies(name, allPoints), the default detector "resonance" (one batch call)',
    throughput(length, () => {
      const engine = new AnomalyDetectionEngine();
      engine.trainModel("bench", training);
      sink += engine.detectAnomalies("bench", points).length;
    }),
  ]);
  console.log(
    `\nStreaming throughput, ${length.toLocaleString("en")} points (second of two runs; target for the default detector ≥ 500k points/s):\n`,
  );
  console.log("| loop | points/s | vs raw baseline |");
  console.log("|---|---|---|");
  for (const [label, rate] of rows) {
    console.log(`| ${label} | ${Math.round(rate).toLocaleString("en")} | ${(rate / welford).toFixed(2)}× |`);
  }
  if (sink < 0) console.log(sink);
}

// Not a search: the default's neighbours, to show the NAB figure does not hinge on one exact setting.
function printSensitivity(files: readonly NabFile[]): void {
  const variants: [string, AnomalyDetectionEngineOptions][] = [
    ["defaults (threshold 2.5, cooldown 0)", {}],
    ["sensitivityThreshold 3", { sensitivityThreshold: 3 }],
    ["sensitivityThreshold 4", { sensitivityThreshold: 4 }],
    ["sensitivityThreshold 2.5 (the guide's)", { sensitivityThreshold: 2.5 }],
    ["cooldown 200", { cooldown: 200 }],
    ["cooldown 800", { cooldown: 800 }],
    ["cooldown 400", { cooldown: 400 }],
  ];
  console.log(
    '\nDefault detector "resonance" next to neighbouring settings (sum of raw NAB standard scores, 5 files):\n',
  );
  console.log("| setting | windows | FP rows | raw std | normalised |");
  console.log("|---|---|---|---|---|");
  for (const [label, options] of variants) {
    const scores = evaluate(files, options);
    const combined = combineNabScores(scores).standard;
    const windows = scores.reduce((sum, score) => sum + score.windowsDetected, 0);
    const falsePositives = scores.reduce((sum, score) => sum + score.falsePositives, 0);
    console.log(
      `| ${label} | ${windows}/15 | ${falsePositives} | ${format(combined.raw)} | ${format(combined.normalised, 1)} |`,
    );
  }
}

// Every detector with its defaults (one configuration for all files), so users can see what each one is for.
function printDetectorTable(files: readonly NabFile[]): void {
  const detectors: [string, AnomalyDetectionEngineOptions][] = [
    ['"resonance" (default)', {}],
    ['"auto"', { detector: "auto" }],
    ['"zscore" (window 0)', { detector: "zscore" }],
    ['"robust-zscore" (window 0)', { detector: "robust-zscore" }],
    ['"seasonal" (robust STL)', { detector: "seasonal" }],
    ['"holt-winters" (one-step residuals)', { detector: "holt-winters" }],
    ['"cusum" (level shifts)', { detector: "cusum" }],
    ['"trend" (slope changes, 2 × 48 points)', { detector: "trend" }],
  ];
  console.log("\nEvery detector with its default settings (raw NAB standard score per file; windows hit; FP rows):\n");
  const header = [
    "detector",
    ...files.map((file) => file.name),
    "windows",
    "FP rows",
    "**sum raw std**",
    "low FP",
    "low FN",
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const [label, options] of detectors) {
    const started = process.hrtime.bigint();
    const scores = evaluate(files, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const combined = combineNabScores(scores);
    console.log(
      `| ${label} (${seconds.toFixed(1)} s) | ${scores.map((score) => format(score.profiles.standard.raw)).join(" | ")} | ${scores.reduce((sum, score) => sum + score.windowsDetected, 0)}/15 | ${scores.reduce((sum, score) => sum + score.falsePositives, 0)} | **${format(combined.standard.raw)}** | ${format(combined.reward_low_FP_rate.raw)} | ${format(combined.reward_low_FN_rate.raw)} |`,
    );
  }
}

export default async function anomalyBench(): Promise<void> {
  const files = NAB_FILES.map(loadNabFile);
  printNabTable(files);
  printDetectorTable(files);
  printSensitivity(files);
  printThroughput();
}
