// NAB accuracy of the default detector on all 29 NAB files of fixtures/ml (REFERENCE.md §4 causal protocol),
// normalised as NAB does over the files, next to NAB's published detectors (fixtures/ml/README.md).
import { AnomalyDetectionEngine, type AnomalyDetectionEngineOptions } from "../src/anomaly/anomaly-detection-engine";
import { combineNabScores } from "../src/anomaly/score-nab";
import { corpusFileNames, loadNabFile, runCausalProtocol, scoreRows } from "./anomaly/nab-data";

const SETTINGS: [string, AnomalyDetectionEngineOptions][] = [
  ['defaults (detector "resonance": threshold 2.5, cooldown 0)', {}],
  ["the guide's options", { sensitivityThreshold: 2.5, minTrainingPoints: 50 }],
  ["sensitivityThreshold 2", { sensitivityThreshold: 2 }],
  ["sensitivityThreshold 3", { sensitivityThreshold: 3 }],
  ["sensitivityThreshold 3.5", { sensitivityThreshold: 3.5 }],
  ['detector "auto" (its defaults: threshold 2.5, cooldown 400)', { detector: "auto" }],
  ['detector "auto" with the guide\'s options', { detector: "auto", sensitivityThreshold: 2.5, minTrainingPoints: 50 }],
  ['detector "auto", sensitivityThreshold 3', { detector: "auto", sensitivityThreshold: 3 }],
  [
    'detector "auto", sensitivityThreshold 3.5 (its default before 2.5)',
    { detector: "auto", sensitivityThreshold: 3.5 },
  ],
];

export default async function anomalyCorpusBench(): Promise<void> {
  const files = corpusFileNames().map(loadNabFile);
  console.log(
    `NAB, causal protocol, ${files.length} files; published: ARTime 80.2, numenta 70.4, relativeEntropy 55.3.\n`,
  );
  console.log("| setting | windows | FP rows | standard | low FP | low FN |");
  console.log("|---|---|---|---|---|---|");
  for (const [label, options] of SETTINGS) {
    const scores = files.map((file) => scoreRows(file, runCausalProtocol(new AnomalyDetectionEngine(options), file)));
    const combined = combineNabScores(scores);
    const windows = scores.reduce((sum, score) => sum + score.windowsDetected, 0);
    const total = scores.reduce((sum, score) => sum + score.windows, 0);
    const falsePositives = scores.reduce((sum, score) => sum + score.falsePositives, 0);
    console.log(
      `| ${label} | ${windows}/${total} | ${falsePositives} | ${combined.standard.normalised.toFixed(1)} | ${combined.reward_low_FP_rate.normalised.toFixed(1)} | ${combined.reward_low_FN_rate.normalised.toFixed(1)} |`,
    );
  }
}
