import { createSketch, type QuantileSketch } from "./window-aggregate";

/** The JSON form of a sketch: its non-empty bins as `[key, count]` pairs, per sign, and the zero count. */
export interface SketchJson {
  positive: [number, number][];
  negative: [number, number][];
  zero: number;
}

/** Writes a sketch's non-empty bins. */
export function sketchToJson(sketch: QuantileSketch): SketchJson {
  return { positive: sketch.positive.entries(), negative: sketch.negative.entries(), zero: sketch.zeroCount };
}

/** Rebuilds a sketch from {@link sketchToJson}, with the same relative accuracy it was written with. */
export function sketchFromJson(json: SketchJson, relativeAccuracy: number): QuantileSketch {
  const sketch = createSketch(relativeAccuracy);
  for (const [key, count] of json.positive) sketch.positive.add(key, count);
  for (const [key, count] of json.negative) sketch.negative.add(key, count);
  sketch.zeroCount = json.zero;
  return sketch;
}
