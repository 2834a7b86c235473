import { describe, expect, it, vi } from "vitest";
import { fitLogisticRegression, type LogisticMode } from "../../src/classification/fit-logistic-regression";
import { fitStandardScaler, standardizeRows } from "../../src/classification/standard-scaler";
import { loadSplit, loadTabular } from "./load-tabular";

// Every dense workspace of this file honours `state.simd`, so the same fit runs once on the WebAssembly kernels and
// once on their JavaScript twins (the path taken where WebAssembly SIMD is unavailable).
const state = vi.hoisted(() => ({ simd: true, created: { simd: 0, js: 0 } }));
vi.mock("../../src/internal/dense-kernels", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/internal/dense-kernels")>();
  return {
    ...original,
    createDenseWorkspace: (size: number) => {
      const workspace = original.createDenseWorkspace(size, state.simd);
      state.created[workspace.simd ? "simd" : "js"] += 1;
      return workspace;
    },
  };
});

function fitDigits(mode: LogisticMode, simd: boolean) {
  state.simd = simd;
  const data = loadTabular("digits");
  const { train } = loadSplit("digits");
  const featureCount = data.features.length;
  const design = Float64Array.from(data.rows.flat());
  const scaler = fitStandardScaler(design, featureCount, train);
  return fitLogisticRegression({
    design: standardizeRows(scaler, design, featureCount, train),
    rowCount: train.length,
    featureCount,
    classIndices: Int32Array.from(train, (row) => data.labels[row] as number),
    classCount: 10,
    sampleWeights: new Float64Array(train.length).fill(1),
    mode,
    solver: "lbfgs",
    l2Strength: 1,
    learningRate: 0.01,
    maxIterations: 1000,
    tolerance: 1e-4,
  });
}

describe("logistic regression without WebAssembly SIMD", () => {
  for (const mode of ["multinomial", "ovr"] as const) {
    it(`digits ${mode}: the JavaScript kernels give the WebAssembly fit (coefficients within 1e-6)`, () => {
      const wasm = fitDigits(mode, true);
      const js = fitDigits(mode, false);
      expect(state.created.simd).toBeGreaterThan(0);
      expect(state.created.js).toBeGreaterThan(0);
      expect(js.converged).toBe(true);
      expect(Math.abs(js.iterations - wasm.iterations)).toBeLessThanOrEqual(2);
      let largest = 0;
      js.coefficients.forEach((row, output) => {
        row.forEach((weight, feature) => {
          largest = Math.max(largest, Math.abs(weight - (wasm.coefficients[output]?.[feature] as number)));
        });
        largest = Math.max(largest, Math.abs((js.intercepts[output] as number) - (wasm.intercepts[output] as number)));
      });
      expect(largest).toBeLessThan(1e-6);
    });
  }
});
