import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDenseWorkspace, createSimdWorkspace, type DenseWorkspace } from "../../src/internal/dense-kernels";
import { DENSE_KERNELS_WASM } from "../../src/internal/dense-kernels-wasm";
import { createRandom } from "../../src/random/create-random";
import { compileWat } from "./compile-wat";

interface Shape {
  aRows: number;
  bRows: number;
  depth: number;
  /** Extra values after each row (strides larger than the depth, as the weight rows' intercepts make them). */
  aPad: number;
  bPad: number;
  seed: number;
}

const shape = fc.record({
  aRows: fc.integer({ min: 1, max: 13 }),
  bRows: fc.integer({ min: 1, max: 7 }),
  depth: fc.integer({ min: 1, max: 19 }),
  aPad: fc.integer({ min: 0, max: 2 }),
  bPad: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

/** Lays out A (aRows × aStride), B (bRows × bStride) and an output region filled with a sentinel, in one workspace. */
function layout(workspace: DenseWorkspace, { aRows, bRows, depth, aPad, bPad, seed }: Shape) {
  const random = createRandom(seed);
  const aStride = depth + aPad;
  const bStride = depth + bPad;
  const a = 3;
  const b = a + aRows * aStride;
  const out = b + bRows * bStride;
  const values = Array.from({ length: out }, () => random.normal() * 10 ** random.integer(4));
  workspace.heap.set(values);
  workspace.heap.fill(-7, out);
  return { a, aStride, b, bStride, out };
}

function sizeOf({ aRows, bRows, depth, aPad, bPad }: Shape): number {
  return 3 + aRows * (depth + aPad) + bRows * (depth + bPad) + aRows * (bRows + 1);
}

// Each product is compared with the sum of the absolute terms, the scale of its round-off.
function expectClose(actual: number, expected: number, scale: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * scale + Number.MIN_VALUE);
}

describe("dense kernels", () => {
  it("run as WebAssembly SIMD on this Node, and as JavaScript when asked", () => {
    expect(createDenseWorkspace(4).simd).toBe(true);
    expect(createDenseWorkspace(4, false).simd).toBe(false);
    expect(createSimdWorkspace(4)?.simd).toBe(true);
    // Past the 32-bit memory there is no SIMD workspace, and nothing is allocated to find that out.
    expect(createSimdWorkspace(2 ** 28)).toBeNull();
  });

  it("start zero-filled and give each workspace its own memory", () => {
    const first = createDenseWorkspace(10);
    const second = createDenseWorkspace(10);
    first.heap.fill(5);
    expect(Array.from(second.heap)).toEqual(new Array(10).fill(0));
    expect(first.heap.buffer).not.toBe(second.heap.buffer);
  });

  it("dotRows: WebAssembly, JavaScript and the textbook sum agree within 1e-12 relative on any shape", () => {
    fc.assert(
      fc.property(shape, (given) => {
        const size = sizeOf(given);
        const outputs = [true, false].map((simd) => {
          const workspace = createDenseWorkspace(size, simd);
          const { a, aStride, b, bStride, out } = layout(workspace, given);
          const outStride = given.bRows + 1;
          workspace.dotRows(a, aStride, given.aRows, b, bStride, given.bRows, given.depth, out, outStride);
          return { heap: Array.from(workspace.heap), a, aStride, b, bStride, out, outStride };
        });
        const [wasm, js] = outputs as [(typeof outputs)[0], (typeof outputs)[0]];
        const { heap, a, aStride, b, bStride, out, outStride } = js;
        for (let row = 0; row < given.aRows; row += 1) {
          for (let column = 0; column < given.bRows; column += 1) {
            let exact = 0;
            let scale = 0;
            for (let feature = 0; feature < given.depth; feature += 1) {
              const term =
                (heap[a + row * aStride + feature] as number) * (heap[b + column * bStride + feature] as number);
              exact += term;
              scale += Math.abs(term);
            }
            const at = out + row * outStride + column;
            expectClose(wasm.heap[at] as number, exact, scale);
            expectClose(js.heap[at] as number, exact, scale);
          }
          // The padding column of the output is never written.
          expect(wasm.heap[out + row * outStride + given.bRows]).toBe(-7);
        }
        // Nothing before the output region changed.
        expect(wasm.heap.slice(0, out)).toEqual(js.heap.slice(0, out));
      }),
      { numRuns: 300 },
    );
  });

  it("transposeProduct: WebAssembly, JavaScript and the textbook sum agree within 1e-12 relative on any shape", () => {
    fc.assert(
      fc.property(shape, (given) => {
        // A holds the residuals (aRows × outputs, stride aStride) and B the rows of X (bRows = aRows of them).
        const rows = given.aRows;
        const outputs = given.bRows;
        const size =
          3 + rows * (outputs + given.aPad) + rows * (given.depth + given.bPad) + outputs * (given.depth + 2);
        const results = [true, false].map((simd) => {
          const workspace = createDenseWorkspace(size, simd);
          const random = createRandom(given.seed);
          const rStride = outputs + given.aPad;
          const xStride = given.depth + given.bPad;
          const r = 3;
          const x = r + rows * rStride;
          const g = x + rows * xStride;
          for (let index = 0; index < g; index += 1) workspace.heap[index] = random.normal() * 10 ** random.integer(4);
          workspace.heap.fill(-7, g);
          const gStride = given.depth + 2;
          workspace.transposeProduct(r, rStride, rows, outputs, x, xStride, given.depth, g, gStride);
          return { heap: Array.from(workspace.heap), r, rStride, x, xStride, g, gStride };
        });
        const [wasm, js] = results as [(typeof results)[0], (typeof results)[0]];
        const { heap, r, rStride, x, xStride, g, gStride } = js;
        for (let output = 0; output < outputs; output += 1) {
          for (let feature = 0; feature < given.depth; feature += 1) {
            let exact = 0;
            let scale = 0;
            for (let row = 0; row < rows; row += 1) {
              const term = (heap[r + row * rStride + output] as number) * (heap[x + row * xStride + feature] as number);
              exact += term;
              scale += Math.abs(term);
            }
            const at = g + output * gStride + feature;
            expectClose(wasm.heap[at] as number, exact, scale);
            expectClose(js.heap[at] as number, exact, scale);
          }
          // Entries past the depth (the intercept slots) are left alone.
          expect(wasm.heap[g + output * gStride + given.depth]).toBe(-7);
          expect(js.heap[g + output * gStride + given.depth]).toBe(-7);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("softmaxRows: WebAssembly (its own exp) and JavaScript (Math.exp) agree within 1e-12 on any shape and scale", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(1, 30, 900),
        (rows, outputs, biasStride, seed, spread) => {
          // Scores up to ±900 apart: beyond e^−708 the kernel's exp stops at 3e-308, which is nothing next to 1.
          const scores = 0;
          const bias = scores + rows * outputs;
          const targets = bias + outputs * biasStride;
          const weights = targets + rows;
          const aux = weights + rows;
          const sums = aux + 2 * rows;
          const results = [true, false].map((simd) => {
            const workspace = createDenseWorkspace(sums + outputs, simd);
            const { heap } = workspace;
            const random = createRandom(seed);
            for (let index = 0; index < targets; index += 1) heap[index] = spread * (2 * random.next() - 1);
            for (let row = 0; row < rows; row += 1) {
              heap[targets + row] = random.integer(outputs);
              heap[weights + row] = 0.25 + random.next();
            }
            workspace.softmaxRows(scores, rows, outputs, bias, biasStride, targets, weights, aux, sums);
            return Array.from(heap);
          });
          const [wasm, js] = results as [number[], number[]];
          for (let row = 0; row < rows; row += 1) {
            const weight = js[weights + row] as number;
            let probabilityTotal = 0;
            for (let output = 0; output < outputs; output += 1) {
              const at = scores + row * outputs + output;
              expect(Math.abs((wasm[at] as number) - (js[at] as number))).toBeLessThanOrEqual(1e-12 * weight);
              probabilityTotal += (js[at] as number) / weight + (output === js[targets + row] ? 1 : 0);
            }
            // The residuals are w·(p − y) with p summing to 1.
            expect(probabilityTotal).toBeCloseTo(1, 12);
            const total = js[aux + 2 * row] as number;
            expect(total).toBeGreaterThanOrEqual(1);
            expect(Math.abs((wasm[aux + 2 * row] as number) - total)).toBeLessThanOrEqual(1e-12 * total);
            const gap = js[aux + 2 * row + 1] as number;
            expect(gap).toBeGreaterThanOrEqual(0);
            expect(wasm[aux + 2 * row + 1]).toBe(gap);
          }
          for (let output = 0; output < outputs; output += 1) {
            let scale = 0;
            for (let row = 0; row < rows; row += 1) scale += js[weights + row] as number;
            expect(Math.abs((wasm[sums + output] as number) - (js[sums + output] as number))).toBeLessThanOrEqual(
              1e-12 * scale,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("softmaxRows matches the definition: loss w·(log Σe^z − z_t), residual w·(softmax(z) − y)", () => {
    const workspace = createDenseWorkspace(16);
    const { heap } = workspace;
    // One row of three scores plus intercepts 0.5, −1, 2 (stride 2), class 1, weight 2.
    heap.set([1, 2, -3, 0.5, 0, -1, 0, 2, 0, 1, 2], 0);
    workspace.softmaxRows(0, 1, 3, 3, 2, 9, 10, 11, 13);
    const z = [1.5, 1, -1];
    const total = z.reduce((sum, value) => sum + Math.exp(value), 0);
    const expected = z.map((value, output) => 2 * (Math.exp(value) / total - (output === 1 ? 1 : 0)));
    for (const [output, value] of expected.entries()) expect(heap[output]).toBeCloseTo(value, 14);
    expect(2 * (Math.log(heap[11] as number) + (heap[12] as number))).toBeCloseTo(2 * (Math.log(total) - 1), 14);
    for (const [output, value] of expected.entries()) expect(heap[13 + output]).toBeCloseTo(value, 14);
  });

  it("dot and axpy: WebAssembly and JavaScript agree within 1e-12 relative for any length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 41 }), fc.integer({ min: 0, max: 1_000_000 }), (length, seed) => {
        const results = [true, false].map((simd) => {
          const workspace = createDenseWorkspace(2 * length + 1, simd);
          const random = createRandom(seed);
          for (let index = 0; index < 2 * length + 1; index += 1) workspace.heap[index] = random.normal();
          const product = workspace.dot(1, length + 1, length);
          workspace.axpy(1, -0.75, length + 1, length);
          return { product, heap: Array.from(workspace.heap) };
        });
        const [wasm, js] = results as [(typeof results)[0], (typeof results)[0]];
        const random = createRandom(seed);
        const original = Array.from({ length: 2 * length + 1 }, () => random.normal());
        let scale = 0;
        for (let index = 0; index < length; index += 1) {
          scale += Math.abs((original[1 + index] as number) * (original[length + 1 + index] as number));
        }
        expectClose(wasm.product, js.product, scale);
        for (let index = 0; index < length; index += 1) {
          const expected = (original[1 + index] as number) - 0.75 * (original[length + 1 + index] as number);
          expect(wasm.heap[1 + index]).toBe(expected);
          expect(js.heap[1 + index]).toBe(expected);
        }
        expect(wasm.heap[0]).toBe(original[0]);
      }),
      { numRuns: 200 },
    );
  });

  it("accumulateRows: both paths add each labelled row into its cluster's sum, bit-for-bit the plain loop", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (rows, depth, clusters, seed) => {
          const labels = rows * depth;
          const out = labels + rows;
          const results = [true, false].map((simd) => {
            const workspace = createDenseWorkspace(out + clusters * depth, simd);
            const random = createRandom(seed);
            for (let index = 0; index < labels; index += 1) workspace.heap[index] = random.normal() * 1e3;
            // −1 leaves a row out.
            for (let row = 0; row < rows; row += 1) workspace.heap[labels + row] = random.integer(clusters + 1) - 1;
            for (let index = 0; index < clusters * depth; index += 1) workspace.heap[out + index] = random.next();
            workspace.accumulateRows(0, rows, depth, labels, out);
            return Array.from(workspace.heap);
          });
          const [wasm, js] = results as [number[], number[]];
          const expected = js.slice(0, out + clusters * depth);
          const random = createRandom(seed);
          for (let index = 0; index < labels; index += 1) expected[index] = random.normal() * 1e3;
          for (let row = 0; row < rows; row += 1) expected[labels + row] = random.integer(clusters + 1) - 1;
          for (let index = 0; index < clusters * depth; index += 1) expected[out + index] = random.next();
          for (let row = 0; row < rows; row += 1) {
            const label = expected[labels + row] as number;
            if (label < 0) continue;
            for (let axis = 0; axis < depth; axis += 1) {
              expected[out + label * depth + axis] =
                (expected[out + label * depth + axis] as number) + (expected[row * depth + axis] as number);
            }
          }
          expect(wasm).toEqual(expected);
          expect(js).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the committed module is the compilation of dense-kernels.wat (run `node scripts/build-kernels.mjs`)", async () => {
    const compiled = await compileWat(new URL("../../src/internal/dense-kernels.wat", import.meta.url));
    expect(Buffer.from(DENSE_KERNELS_WASM, "base64").equals(compiled)).toBe(true);
  });
});
