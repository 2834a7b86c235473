// Leave-one-category-out (LOCO) validation of the default detector's family on the 29 NAB files of fixtures/ml:
// for each category, the configuration best on the other five is scored on it (REFERENCE.md §4 causal protocol).
import { resolveAnomalyDetectionEngineOptions } from "../src/anomaly/anomaly-detection-engine-options";
import { createAnomalyModel, stepAnomalyModel } from "../src/anomaly/anomaly-model";
import type { Assessment, Detector } from "../src/anomaly/detectors/detector";
import type { NabScore } from "../src/anomaly/score-nab";
import { LikelihoodExperiment, type LikelihoodParameters } from "./anomaly/likelihood-family";
import { type ConfigurationScores, leaveOneCategoryOut, nabCategories } from "./anomaly/loco";
import { loadNabFile, type NabFile, scoreRows } from "./anomaly/nab-data";

/** What a detector said about each scored row of a file, so thresholds and cooldowns replay without rescoring. */
interface Trace {
  readonly score: Float64Array;
  readonly expected: Float64Array;
  readonly scale: Float64Array;
}

function trace(file: NabFile, parameters: LikelihoodParameters): Trace {
  const { values, probationaryLength } = file;
  const detector = LikelihoodExperiment.train(values.subarray(0, probationaryLength), 0, parameters);
  const length = values.length - probationaryLength;
  const result = {
    score: new Float64Array(length),
    expected: new Float64Array(length),
    scale: new Float64Array(length),
  };
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  for (let index = 0; index < length; index += 1) {
    detector.assess(values[probationaryLength + index] as number, assessment);
    result.score[index] = assessment.score;
    result.expected[index] = assessment.expected;
    result.scale[index] = assessment.scale;
  }
  return result;
}

class Replay implements Detector {
  private index = 0;
  private readonly recorded: Trace;
  constructor(recorded: Trace) {
    this.recorded = recorded;
  }
  assess(_value: number, assessment: Assessment): void {
    assessment.score = this.recorded.score[this.index] as number;
    assessment.expected = this.recorded.expected[this.index] as number;
    assessment.scale = this.recorded.scale[this.index] as number;
    this.index += 1;
  }
  toState() {
    return { kind: "replay" };
  }
}

function replay(file: NabFile, recorded: Trace, threshold: number, cooldown: number): NabScore {
  const options = resolveAnomalyDetectionEngineOptions({ sensitivityThreshold: threshold, cooldown });
  const model = createAnomalyModel(new Replay(recorded), 0, file.probationaryLength, 0);
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  const rows: number[] = [];
  for (let index = file.probationaryLength; index < file.values.length; index += 1) {
    if (stepAnomalyModel(model, index, file.values[index] as number, options, assessment) !== null) rows.push(index);
  }
  return scoreRows(file, rows);
}

const BASE: LikelihoodParameters = {
  shortWindow: 10,
  longSmoothing: 0.001,
  raw: "abs",
  naive: false,
  levelSmoothing: 0.02,
  scaleSmoothing: 0.01,
  combine: "max",
  rangeMargin: 0,
  scoreScale: 1,
  warmUp: 0,
};

const VARIANTS: [string, Partial<LikelihoodParameters>][] = [
  ["previous default", {}],
  ["range", { rangeMargin: 0.1 }],
  ["warm-up", { warmUp: 1000 }],
  ["range+warm-up", { rangeMargin: 0.1, warmUp: 1000 }],
];
const THRESHOLDS = [2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.5];
const COOLDOWNS = [400, 800];

export default async function anomalyLocoBench(): Promise<void> {
  const categories = nabCategories();
  const files = [...categories.values()].flat().map(loadNabFile);
  const variants = (process.env.LOCO_VARIANTS ?? "").split(",").filter(Boolean);
  const configurations: ConfigurationScores[] = [];
  const started = performance.now();
  for (const [variant, change] of VARIANTS) {
    if (variants.length > 0 && !variants.includes(variant)) continue;
    const traces = files.map((file) => trace(file, { ...BASE, ...change }));
    for (const threshold of THRESHOLDS) {
      for (const cooldown of COOLDOWNS) {
        const scores = new Map(
          files.map((file, index) => [file.name, replay(file, traces[index] as Trace, threshold, cooldown)]),
        );
        configurations.push({ label: `${variant} t${threshold} c${cooldown}`, scores });
      }
    }
  }
  const result = leaveOneCategoryOut(configurations, categories);
  console.log(`${configurations.length} configurations in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log("| held-out category | chosen on the other five | score there | held-out score |");
  console.log("|---|---|---:|---:|");
  for (const fold of result.folds) {
    console.log(
      `| ${fold.category} | ${fold.chosen} | ${fold.trainScore.toFixed(1)} | ${fold.heldOutScore.toFixed(1)} |`,
    );
  }
  console.log(`\nLOCO held-out (all 29 files, standard): ${result.heldOut.toFixed(1)}`);
  console.log(
    `In-sample best: ${result.inSampleBest} → ${result.inSample.toFixed(1)}; gap ${(result.inSample - result.heldOut).toFixed(1)}`,
  );
  console.log("\nPer variant (LOCO over its thresholds and cooldowns only):\n");
  console.log("| variant | LOCO held-out | in-sample best | gap |");
  console.log("|---|---:|---|---:|");
  for (const [variant] of VARIANTS) {
    const family = configurations.filter((configuration) => configuration.label.startsWith(`${variant} t`));
    if (family.length === 0) continue;
    const own = leaveOneCategoryOut(family, categories);
    console.log(
      `| ${variant} | ${own.heldOut.toFixed(1)} | ${own.inSampleBest} → ${own.inSample.toFixed(1)} | ${(own.inSample - own.heldOut).toFixed(1)} |`,
    );
  }
  const ranked = configurations
    .map((configuration) => ({
      label: configuration.label,
      score: leaveOneCategoryOut([configuration], categories).inSample,
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 12);
  for (const entry of ranked) console.log(`  ${entry.label}: ${entry.score.toFixed(1)}`);
  if (process.env.LOCO_DETAIL) detail(configurations, process.env.LOCO_DETAIL);
}

export function detail(configurations: readonly ConfigurationScores[], label: string): void {
  const configuration = configurations.find((entry) => entry.label === label);
  if (configuration === undefined) return;
  for (const [name, score] of configuration.scores) {
    console.log(
      `${name.padEnd(45)} ${score.windowsDetected}/${score.windows} FP ${score.falsePositives} raw ${score.profiles.standard.raw.toFixed(2)}`,
    );
  }
}
