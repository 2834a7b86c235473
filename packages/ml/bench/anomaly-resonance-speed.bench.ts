// Streaming speed of the engine's `"resonance"` detector against the default `"auto"`, measured alternately in one
// process: CPU time of `update(name, point)` over the throughput bench's series (a sine with noise, 750 training
// points, so steps of 7 points), with the load average before each round (the machine may be shared).
import { loadavg } from "node:os";
import { AnomalyDetectionEngine } from "../src/anomaly/anomaly-detection-engine";
import { ArtMemory } from "../src/anomaly/detectors/art-memory";
import { createRandom } from "../src/random/create-random";

const LENGTH = 1_000_000;
const ROUNDS = 5;
/** The target for a default detector (issue 17). */
const TARGET = 500_000;

export default async function anomalyResonanceSpeedBench(): Promise<void> {
  const random = createRandom(42);
  const values = Float64Array.from({ length: LENGTH }, (_, index) => 50 + 10 * Math.sin(index / 20) + random.normal());
  const start = 1_700_000_000_000;
  const training = Array.from({ length: 750 }, (_, index) => ({
    timestamp: start - (750 - index) * 1000,
    value: values[index] as number,
  }));
  const points = Array.from({ length: LENGTH }, (_, index) => ({
    timestamp: start + index * 1000,
    value: values[index] as number,
  }));
  let sink = 0;
  const rate = (detector: "auto" | "resonance") => {
    const engine = new AnomalyDetectionEngine({ detector });
    engine.trainModel("bench", training);
    const used = process.cpuUsage();
    for (const point of points) if (engine.update("bench", point) !== null) sink += 1;
    const { user, system } = process.cpuUsage(used);
    return LENGTH / ((user + system) / 1e6);
  };
  const simd = new ArtMemory(16, 256, 0.9).simd;
  console.log(
    `Engine \`update()\` over ${LENGTH.toLocaleString("en")} points, CPU time, ${ROUNDS} alternating rounds ` +
      `(the ART search ${simd ? "as WebAssembly SIMD" : "in JavaScript: WebAssembly SIMD is unavailable here"}):\n`,
  );
  console.log('| round | load average | "auto" points/s | "resonance" points/s | resonance / auto |');
  console.log("|---:|---:|---:|---:|---:|");
  const ratios: number[] = [];
  const rates: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const load = loadavg()[0] ?? 0;
    const auto = rate("auto");
    const resonance = rate("resonance");
    ratios.push(resonance / auto);
    rates.push(resonance);
    console.log(
      `| ${round} | ${load.toFixed(1)} | ${Math.round(auto).toLocaleString("en")} | ${Math.round(resonance).toLocaleString("en")} | ${(resonance / auto).toFixed(3)} |`,
    );
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[list.length >> 1] as number;
  console.log(
    `\nMedian: "resonance" ${Math.round(median(rates)).toLocaleString("en")} points/s, ` +
      `${median(ratios).toFixed(3)} × "auto"; target ≥ ${TARGET.toLocaleString("en")} points/s: ` +
      `${median(rates) >= TARGET ? "met" : "missed"}.`,
  );
  if (sink < 0) console.log(sink);
}
