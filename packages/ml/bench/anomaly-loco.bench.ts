// Leave-one-category-out (LOCO) validation on the 29 NAB files of fixtures/ml (REFERENCE.md §4 causal protocol):
// for each NAB category, the configuration best on the other categories is scored on it. A detector is traced once
// per file and variant; thresholds and cooldowns are then replayed through the engine's own step function, so a grid
// of dozens of configurations takes seconds. `LOCO_DETAIL="<label>"` prints one configuration's per-file results;
// `LOCO_ONLY="<regular expression>"` traces only the matching variants (and the default).
import { AnomalyDetectionEngine } from "../src/anomaly/anomaly-detection-engine";
import {
  type AnomalyDetectorKind,
  resolveAnomalyDetectionEngineOptions,
} from "../src/anomaly/anomaly-detection-engine-options";
import { createAnomalyModel, stepAnomalyModel } from "../src/anomaly/anomaly-model";
import { ART_PARAMETERS, ArtNovelty, type ArtParameters } from "../src/anomaly/detectors/art-novelty";
import type { Assessment, Detector, DetectorState } from "../src/anomaly/detectors/detector";
import {
  AUTO_COOLDOWN,
  RESONANCE_MARGINS,
  ResonanceDetector,
  type ResonanceVariant,
} from "../src/anomaly/detectors/resonance-detector";
import { combineNabScores, type NabScore } from "../src/anomaly/score-nab";
import { ArtFamilyDetector, type ArtJoin } from "./anomaly/art-family";
import { ENGINE_PARAMETERS, LikelihoodFamilyDetector, type LikelihoodParameters } from "./anomaly/likelihood-family";
import { type ConfigurationScores, leaveOneCategoryOut, nabCategories } from "./anomaly/loco";
import { loadNabFile, type NabFile, runCausalProtocol, scoreRows } from "./anomaly/nab-data";

/** What a detector said about each scored row of a file. */
interface Trace {
  readonly score: Float64Array;
  readonly expected: Float64Array;
  readonly scale: Float64Array;
  /** 1 where the detector said its score is about the series' shape (`Assessment.shape`). */
  readonly shape: Uint8Array;
  /** The cooldown a report of the point asks for (`Assessment.cooldown`). */
  readonly cooldown: Float64Array;
}

/** Trains a variant's detector on a file's probationary rows. */
type Train = (values: Float64Array, file: NabFile) => Detector;

function trace(file: NabFile, train: Train): Trace {
  const { values, probationaryLength } = file;
  const detector = train(values.subarray(0, probationaryLength), file);
  const length = values.length - probationaryLength;
  const result = {
    score: new Float64Array(length),
    expected: new Float64Array(length),
    scale: new Float64Array(length),
    shape: new Uint8Array(length),
    cooldown: new Float64Array(length),
  };
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  for (let index = 0; index < length; index += 1) {
    assessment.shape = false;
    assessment.cooldown = 0;
    detector.assess(values[probationaryLength + index] as number, assessment);
    result.shape[index] = assessment.shape ? 1 : 0;
    result.cooldown[index] = assessment.cooldown ?? 0;
    result.score[index] = assessment.score;
    result.expected[index] = assessment.expected;
    result.scale[index] = assessment.scale;
  }
  return result;
}

/** Plays a trace back as a detector, so the engine's step function applies thresholds and cooldowns to it. */
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
    assessment.shape = this.recorded.shape[this.index] === 1;
    assessment.cooldown = this.recorded.cooldown[this.index] as number;
    this.index += 1;
  }
  toState(): DetectorState {
    return { kind: "replay" };
  }
}

function replay(
  file: NabFile,
  recorded: Trace,
  detector: AnomalyDetectorKind,
  sensitivityThreshold: number,
  cooldown: number,
): NabScore {
  const options = resolveAnomalyDetectionEngineOptions({ detector, sensitivityThreshold, cooldown });
  const model = createAnomalyModel(new Replay(recorded), 0, file.probationaryLength, 0);
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  const rows: number[] = [];
  for (let index = file.probationaryLength; index < file.values.length; index += 1) {
    if (stepAnomalyModel(model, index, file.values[index] as number, options, assessment) !== null) rows.push(index);
  }
  return scoreRows(file, rows);
}

/** The likelihood variants tried against the default detector (BENCHMARKS.md gives their figures). */
const UNGATED = { context: "none" } as const;
const CONTEXT = ENGINE_PARAMETERS.contextParameters;
const LIKELIHOOD_VARIANTS: readonly (readonly [string, Partial<LikelihoodParameters>])[] = [
  // Tried against the previous default (likelihood + range rule, no context gate).
  ["previous default (no range rule, no context gate)", { ...UNGATED, rangeMargin: 0 }],
  ["previous default (no context gate)", UNGATED],
  ["running-average warm-up", { ...UNGATED, warmUp: 1000 }],
  ["bounded raw error", { ...UNGATED, raw: "bounded" }],
  ["log raw error", { ...UNGATED, raw: "log" }],
  ["squared raw error", { ...UNGATED, raw: "square" }],
  ["last value joined by max", { ...UNGATED, naive: "max" }],
  ["last value joined by Stouffer", { ...UNGATED, naive: "stouffer" }],
  ["band × 1.5", { ...UNGATED, bandFactor: 1.5 }],
  ["second window of 50 errors, max", { ...UNGATED, longWindow: 50 }],
  ["second window of 150 errors, max", { ...UNGATED, longWindow: 150 }],
  ["Holt-Winters joined by max", { ...UNGATED, partner: "holt-winters" }],
  ["Holt-Winters joined by Stouffer", { ...UNGATED, partner: "holt-winters", partnerJoin: "stouffer" }],
  ["STL joined by max", { ...UNGATED, partner: "seasonal" }],
  ["STL joined by Stouffer", { ...UNGATED, partner: "seasonal", partnerJoin: "stouffer" }],
  ["robust z (288) joined by max", { ...UNGATED, partner: "robust-zscore" }],
  ["robust z (288) joined by Stouffer", { ...UNGATED, partner: "robust-zscore", partnerJoin: "stouffer" }],
  // The contextual direction: the novelty of the stream's contexts (ContextNovelty) and how it joins.
  ["default", {}],
  ["context gate, dictionary of 1024", { contextParameters: { ...CONTEXT, capacity: 1024 } }],
  ["context gate, dictionary of 16384", { contextParameters: { ...CONTEXT, capacity: 16384 } }],
  ["context gate, tolerance 1 level", { contextParameters: { ...CONTEXT, tolerance: 1 } }],
  ["context gate, contexts of 1–10 levels", { contextParameters: { ...CONTEXT, orders: 10 } }],
  ["context gate, 6 levels over the training range", { contextParameters: { ...CONTEXT, levelWidth: 1 / 6 } }],
  ["context gate opening at a novelty of 2/6", { contextGateShare: 2 / 6 }],
  ["context gate opening at a novelty of 3/6", { contextGateShare: 3 / 6 }],
  ["context gate opening at a novelty of 4/6", { contextGateShare: 4 / 6 }],
  ["context gate over 5 points", { contextWindow: 5 }],
  ["context gate over 20 points", { contextWindow: 20 }],
  ["context novelty's likelihood joined by max", { context: "max" }],
  ["context novelty's likelihood joined by Stouffer", { context: "stouffer" }],
  ["context novelty × 4 joined by max", { context: "direct", contextScale: 4 }],
  ["context novelty × 4 alone", { context: "alone", contextScale: 4, contextPointCheck: false }],
  [
    "context novelty × 4 alone, contextOSE's rest of 150",
    { context: "alone", contextScale: 4, contextPointCheck: false, contextRest: 150 },
  ],
  [
    "context novelty × 4 alone, whole file's range (not causal)",
    { context: "alone", contextScale: 4, contextPointCheck: false, contextWholeRange: true },
  ],
];
// A grid over the context gate's parameters (set LOCO_GRID to run it; BENCHMARKS.md gives its figures).
const CONTEXT_GRID: (readonly [string, Partial<LikelihoodParameters>])[] = [];
if (process.env.LOCO_GRID) {
  for (const contextWindow of [1, 5, 10, 20]) {
    for (const orders of [3, 6, 10]) {
      for (const levelWidth of [1 / 8, 1 / 6, 1 / 4]) {
        for (const tolerance of [0, 1]) {
          const contextParameters = { levelWidth, orders, capacity: CONTEXT.capacity, tolerance };
          CONTEXT_GRID.push([
            `grid gate w${contextWindow} K${orders} width 1/${Math.round(1 / levelWidth)} tol${tolerance}`,
            { context: "gate", contextParameters, contextWindow },
          ]);
        }
      }
    }
  }
}
/** An ART-style variant (bench/anomaly/art-family.ts): how it joins the default, its ART knobs, its scale's range. */
type ArtVariant = readonly [
  string,
  ArtJoin,
  Partial<ArtParameters> | readonly Partial<ArtParameters>[],
  "training" | "whole file",
];
const ALONE: ArtJoin = { mode: "alone", pointCheck: false };
const MEAN: ArtJoin = { ...ALONE, ensemble: "mean" };
const WIDENING: Partial<ArtParameters> = { scaleMargin: 1, widen: true };
/** The scale margins of the widening ART family, chosen by LOCO together with the thresholds and cooldowns. */
const ART_MARGINS = [0, 0.5, 1, 1.5, 2];
/** ART models on widening scales with the given margins (and other knobs), for an ensemble. */
const widening = (margins: readonly number[], change: Partial<ArtParameters> = {}) =>
  margins.map((scaleMargin) => ({ scaleMargin, widen: true, ...change }));
const DOUBLING = [0.3, 0.6, 1.2, 2.4];
const SIX = [0.25, 0.5, 0.75, 1, 1.5, 2];
const ART_VARIANTS: readonly ArtVariant[] = [
  // Not causal: the scale from the whole file's range, which NAB hands to its detectors (a check of the port).
  ["ART alone, whole-file range (not causal)", ALONE, {}, "whole file"],
  ["ART alone, training range", ALONE, {}, "training"],
  ["ART alone, training range + margin 1", ALONE, { scaleMargin: 1 }, "training"],
  ...ART_MARGINS.map(
    (scaleMargin): ArtVariant => [
      `ART alone, widening scale, margin ${scaleMargin}`,
      ALONE,
      { scaleMargin, widen: true },
      "training",
    ],
  ),
  ["ART alone, widening scale, margin 1, 120 levels", ALONE, { ...WIDENING, levels: 120 }, "training"],
  ["ART alone, widening scale, margin 1, 64 categories", ALONE, { ...WIDENING, capacity: 64 }, "training"],
  ["ART ensemble, margins 0.3/0.6/1.2/2.4", MEAN, widening(DOUBLING), "training"],
  ["ART ensemble, margins 0.3/0.6/1.2/2.4, 128 categories", MEAN, widening(DOUBLING, { capacity: 128 }), "training"],
  ["ART ensemble, margins 0.3/0.6/1.2/2.4, 64 categories", MEAN, widening(DOUBLING, { capacity: 64 }), "training"],
  ["ART ensemble, margins 0.3/0.6/1.2/2.4, largest", { ...ALONE, ensemble: "max" }, widening(DOUBLING), "training"],
  ["ART ensemble, margins 0.25-2 (six)", MEAN, widening(SIX), "training"],
  ["ART ensemble, margins 0.25-2 (six), 50 levels", MEAN, widening(SIX, { levels: 50 }), "training"],
  ["ART ensemble, margins 0.25-2 (six), 120 levels", MEAN, widening(SIX, { levels: 120 }), "training"],
  ["ART ensemble, margins 0.4/1/2.5", MEAN, widening([0.4, 1, 2.5]), "training"],
  ["ART ensemble, margins 0.5/1.5", MEAN, widening([0.5, 1.5]), "training"],
  ["default + ART confidence (margin 1), max", { mode: "confidence", pointCheck: true }, WIDENING, "training"],
  ["default + ART novelty (margin 1) as new territory", { mode: "novelty", pointCheck: false }, WIDENING, "training"],
];

/** A variant: its name, how its detector is trained, and its grid of thresholds and cooldowns. */
interface Variant {
  readonly name: string;
  readonly train: Train;
  readonly thresholds: readonly number[];
  readonly cooldowns: readonly number[];
  /** The engine detector whose threshold rules and point check the replay applies. */
  readonly detector: AnomalyDetectorKind;
}

/**
 * The engine's `"resonance"` detector with other margins (the default's first). Its score is the mean confidence /
 * 0.072, so t ∈ {5/3, 2.5, 10/3, 25/6, 5} asks for the confidences of the ART family's t ∈ {1, 1.5, 2, 2.5, 3}.
 */
const RESONANCE_VARIANTS: readonly (readonly [string, readonly number[], ResonanceVariant?])[] = [
  [`resonance (the default), margins ${RESONANCE_MARGINS.join("/")}`, RESONANCE_MARGINS],
  ["resonance, margins 0.5/1.5", [0.5, 1.5]],
  ["resonance, margins 0.3/1.2/2.4", [0.3, 1.2, 2.4]],
  ["resonance, margins 0.6/1.2/2.4", [0.6, 1.2, 2.4]],
  ["resonance, margin 1", [1]],
  ["resonance + new territory scored as by auto", RESONANCE_MARGINS, { territory: true }],
  // Which values the models do not report "auto" decides alone: the default, a value beyond the range seen so far,
  // always, with the engine's cooldown.
  ["resonance, silent start (auto never decides alone)", RESONANCE_MARGINS, { silence: "never" }],
  ["resonance, auto alone beyond the range, cooldown 400", RESONANCE_MARGINS, { aloneCooldown: AUTO_COOLDOWN }],
  ["resonance, auto alone beyond the range, cooldown 0", RESONANCE_MARGINS, { aloneCooldown: 0 }],
  ["resonance, auto alone beyond the range, cooldown 100", RESONANCE_MARGINS, { aloneCooldown: 100 }],
  ["resonance, auto alone in every mask", RESONANCE_MARGINS, { silence: "masks", aloneCooldown: 0 }],
  [
    "resonance, auto alone in every mask, cooldown 400",
    RESONANCE_MARGINS,
    { silence: "masks", aloneCooldown: AUTO_COOLDOWN },
  ],
  ["resonance, auto alone in the warm-up", RESONANCE_MARGINS, { silence: "warm-up", aloneCooldown: 0 }],
  [
    "resonance, auto alone in the warm-up, cooldown 400",
    RESONANCE_MARGINS,
    { silence: "warm-up", aloneCooldown: AUTO_COOLDOWN },
  ],
  [
    "resonance, auto alone in the warm-up, any value",
    RESONANCE_MARGINS,
    { silence: "warm-up", beyondRange: false, aloneCooldown: 0 },
  ],
  [
    "resonance, auto alone in the warm-up, any value, cooldown 400",
    RESONANCE_MARGINS,
    { silence: "warm-up", beyondRange: false, aloneCooldown: AUTO_COOLDOWN },
  ],
  ["resonance, auto alone for any value", RESONANCE_MARGINS, { beyondRange: false, aloneCooldown: 0 }],
];

// `LOCO_ONLY="<regular expression>"` runs only the matching variants (and the default).
const only = process.env.LOCO_ONLY === undefined ? undefined : new RegExp(process.env.LOCO_ONLY);
const VARIANTS: readonly Variant[] = [
  ...[...LIKELIHOOD_VARIANTS, ...CONTEXT_GRID].map(
    ([name, change]): Variant => ({
      name,
      train: (values, file) => LikelihoodFamilyDetector.train(values, { ...ENGINE_PARAMETERS, ...change }, file.values),
      thresholds: [2, 2.5, 3, 3.5, 4],
      cooldowns: [400, 800],
      detector: "auto",
    }),
  ),
  // ART scores 10 × its confidence, so t 1–3 asks for a confidence above 0.12–0.36; its own mask is short.
  ...ART_VARIANTS.map(
    ([name, join, art, range]): Variant => ({
      name,
      train: (values, file) =>
        ArtFamilyDetector.train(values, join, art, range === "whole file" ? file.values : values),
      thresholds: [1, 1.5, 2, 2.5, 3],
      cooldowns: [0, 100, 400],
      detector: "auto",
    }),
  ),
  ...RESONANCE_VARIANTS.map(
    ([name, margins, variant]): Variant => ({
      name,
      train: (values) => ResonanceDetector.train(values, 0, margins, variant),
      thresholds: [5 / 3, 2.5, 10 / 3, 25 / 6, 5],
      cooldowns: [0, 100, 400],
      detector: "resonance",
    }),
  ),
].filter(
  ({ name }) =>
    name === "default" || name.startsWith("resonance (the default)") || only === undefined || only.test(name),
);

function print(title: string, configurations: readonly ConfigurationScores[], categories: Map<string, string[]>) {
  const result = leaveOneCategoryOut(configurations, categories);
  console.log(`\n${title}\n`);
  console.log("| held-out category | chosen on the other categories | score there | held-out score |");
  console.log("|---|---|---:|---:|");
  for (const fold of result.folds) {
    console.log(
      `| ${fold.category} | ${fold.chosen} | ${fold.trainScore.toFixed(1)} | ${fold.heldOutScore.toFixed(1)} |`,
    );
  }
  console.log(`\nLOCO held-out (all files, standard): ${result.heldOut.toFixed(1)}`);
  console.log(
    `In-sample best: ${result.inSampleBest} → ${result.inSample.toFixed(1)}; gap ${(result.inSample - result.heldOut).toFixed(1)}`,
  );
}

function detail(configurations: readonly ConfigurationScores[], label: string): void {
  const configuration = configurations.find((entry) => entry.label === label);
  for (const [name, score] of configuration?.scores ?? []) {
    const { windowsDetected, windows, falsePositives } = score;
    const raw = score.profiles.standard.raw.toFixed(2);
    console.log(`${name.padEnd(45)} ${windowsDetected}/${windows} FP ${falsePositives} raw ${raw}`);
  }
}

/**
 * Streaming speed of ART models alone (CPU time, so other work on the machine counts less), on the throughput
 * bench's series: a sine with noise, 750 training points (steps of 7 points).
 */
function artThroughput(): void {
  const length = 500_000;
  let state = 42;
  const noise = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648 - 0.5;
  };
  const values = Float64Array.from({ length }, (_, index) => 50 + 10 * Math.sin(index / 20) + 3 * noise());
  const training = values.subarray(0, 750);
  const cases: [string, readonly Partial<ArtParameters>[]][] = [
    ["one model (margin 1)", [WIDENING]],
    ["ensemble 0.3/0.6/1.2/2.4", widening(DOUBLING)],
    ["ensemble 0.3/0.6/1.2/2.4, 128 categories", widening(DOUBLING, { capacity: 128 })],
    ["ensemble 0.3/0.6/1.2/2.4, 64 categories", widening(DOUBLING, { capacity: 64 })],
  ];
  // Each kernel keeps a WebAssembly memory until it is collected: after the variants above, more than the 4096 live
  // kernels may exist, and then these models search with the JavaScript twin (same results, slower).
  const simd = ArtNovelty.train(training, { ...ART_PARAMETERS, ...WIDENING }).memory.simd;
  console.log(
    `\nART streaming speed (CPU time, second of two runs; the search ${simd ? "as WebAssembly SIMD" : "in JavaScript"}):\n`,
  );
  console.log("| models | points/s |");
  console.log("|---|---:|");
  let sink = 0;
  for (const [label, models] of cases) {
    let rate = 0;
    for (let run = 0; run < 2; run += 1) {
      const novelty = models.map((model) => ArtNovelty.train(training, { ...ART_PARAMETERS, ...model }));
      const start = process.cpuUsage();
      for (let index = training.length; index < length; index += 1) {
        for (const model of novelty) sink += model.push(values[index] as number);
      }
      const used = process.cpuUsage(start);
      rate = (length - training.length) / ((used.user + used.system) / 1e6);
    }
    console.log(`| ${label} | ${Math.round(rate).toLocaleString("en")} |`);
  }
  if (sink < 0) console.log(sink);
}

export default async function anomalyLocoBench(): Promise<void> {
  const categories = nabCategories();
  const files = [...categories.values()].flat().map(loadNabFile);
  const configurations: ConfigurationScores[] = [];
  const families = new Map<string, ConfigurationScores[]>();
  const started = performance.now();
  for (const { name: variant, train, thresholds, cooldowns, detector } of VARIANTS) {
    const traces = files.map((file) => trace(file, train));
    const family: ConfigurationScores[] = [];
    for (const threshold of thresholds) {
      for (const cooldown of cooldowns) {
        const scores = new Map(
          files.map((file, index) => [file.name, replay(file, traces[index] as Trace, detector, threshold, cooldown)]),
        );
        family.push({ label: `${variant}, t ${Number(threshold.toFixed(2))}, cooldown ${cooldown}`, scores });
      }
    }
    families.set(variant, family);
    // A variant that looks ahead is a yardstick, never a choice.
    if (!variant.includes("not causal")) configurations.push(...family);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${files.length} files in ${categories.size} categories, ${configurations.length} configurations, ${seconds} s`,
  );
  console.log("(t = sensitivityThreshold; the default detector compares its likelihood's z with 1.2 t)");

  // The traced defaults must be the engine's: the same files through the real engine, for "auto" and "resonance".
  const resonance = RESONANCE_VARIANTS[0]?.[0] ?? "";
  for (const [detector, family, label] of [
    ["auto", "default", "default, t 2.5, cooldown 400"],
    ["resonance", resonance, `${resonance}, t 2.5, cooldown 0`],
  ] as const) {
    const engine = files.map((file) =>
      scoreRows(file, runCausalProtocol(new AnomalyDetectionEngine({ detector }), file)),
    );
    const traced = families.get(family)?.find((entry) => entry.label === label);
    const tracedScore = combineNabScores(files.map((file) => traced?.scores.get(file.name) as NabScore));
    console.log(
      `Engine defaults of "${detector}" ${combineNabScores(engine).standard.normalised.toFixed(2)}, traced ${tracedScore.standard.normalised.toFixed(2)}`,
    );
  }

  print("The default detector's thresholds and cooldowns", families.get("default") ?? [], categories);
  console.log("\nEach variant, LOCO over its own thresholds and cooldowns:\n");
  console.log("| variant | LOCO held-out | in-sample best | in-sample | gap |");
  console.log("|---|---:|---|---:|---:|");
  for (const [variant, family] of families) {
    const own = leaveOneCategoryOut(family, categories);
    const best = own.inSampleBest.replace(`${variant}, `, "");
    const gap = (own.inSample - own.heldOut).toFixed(1);
    console.log(`| ${variant} | ${own.heldOut.toFixed(1)} | ${best} | ${own.inSample.toFixed(1)} | ${gap} |`);
  }
  // A variant that is not causal is a check, not a choice.
  const causal = configurations.filter((entry) => !entry.label.includes("(not causal)"));
  print("Every causal variant, threshold and cooldown together", causal, categories);
  // The margin is a knob too: LOCO chooses it with the thresholds and cooldowns.
  const margins = configurations.filter((entry) => /^ART alone, widening scale, margin [\d.]+,/.test(entry.label));
  if (margins.length > 0) print("The widening ART family: margin, threshold and cooldown", margins, categories);
  const ensembles = configurations.filter((entry) => entry.label.startsWith("ART ensemble"));
  if (ensembles.length > 0) print("Every ART ensemble, threshold and cooldown", ensembles, categories);
  const resonanceFamily = configurations.filter((entry) => entry.label.startsWith("resonance"));
  if (resonanceFamily.length > 1) {
    print("Every resonance variant (margins), threshold and cooldown", resonanceFamily, categories);
  }
  artThroughput();
  if (process.env.LOCO_DETAIL) detail(configurations, process.env.LOCO_DETAIL);
}
