import { createSketch, type QuantileSketch } from "./window-aggregate";

/** The JSON form of a sketch: its non-empty bins as `[key, count]` pairs, per sign, and the zero count. */
export interface SketchJson {
  positive: [number, number][];
  negative: [number, number][];
  zero: number;
}

interface DenseBins {
  bins: number[];
  offset: number;
  add(key: number, weight?: number): void;
  count: number;
}

/** Writes a sketch's bins (the library's own protobuf writer needs an undeclared dependency). */
export function sketchToJson(sketch: QuantileSketch): SketchJson {
  return {
    positive: binsOf(sketch.store as unknown as DenseBins),
    negative: binsOf(sketch.negativeStore as unknown as DenseBins),
    zero: sketch.zeroCount,
  };
}

function binsOf(store: DenseBins): [number, number][] {
  const pairs: [number, number][] = [];
  store.bins.forEach((count, index) => {
    if (count > 0) pairs.push([store.offset + index, count]);
  });
  return pairs;
}

/** Rebuilds a sketch from {@link sketchToJson}, with the same relative accuracy it was written with. */
export function sketchFromJson(json: SketchJson, relativeAccuracy: number): QuantileSketch {
  const sketch = createSketch(relativeAccuracy);
  for (const [key, count] of json.positive) (sketch.store as unknown as DenseBins).add(key, count);
  for (const [key, count] of json.negative) (sketch.negativeStore as unknown as DenseBins).add(key, count);
  sketch.zeroCount = json.zero;
  sketch.count = sketch.store.count + sketch.negativeStore.count + json.zero;
  return sketch;
}
