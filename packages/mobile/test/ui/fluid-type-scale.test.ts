import { PelbiotValidationError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFluidTypeScale, type FluidTypeStep } from "../../src/ui/fluid-type-scale";

const CLAMP = /^clamp\((-?[\d.]+)rem, (-?[\d.]+)rem ([+-]) ([\d.]+)vw, (-?[\d.]+)rem\)$/;

/** Evaluates a step's clamp() the way a browser does: px at a given window width (100%-zoom CSS px) and zoom. */
function rendered(step: FluidTypeStep, windowWidth: number, zoom: number): number {
  const match = CLAMP.exec(step.clamp);
  if (!match) throw new Error(`unparsable clamp ${step.clamp}`);
  const [low, intercept, sign, slope, high] = [match[1], match[2], match[3], match[4], match[5]];
  const viewport = windowWidth / zoom;
  const preferred = Number(intercept) * 16 + (sign === "-" ? -1 : 1) * (Number(slope) / 100) * viewport;
  return Math.min(Number(high) * 16, Math.max(Number(low) * 16, preferred)) * zoom;
}

describe("createFluidTypeScale", () => {
  it("matches Utopia's calculator for its default scale", () => {
    const scale = createFluidTypeScale();
    expect(scale.steps.map((step) => step.step)).toEqual([-2, -1, 0, 1, 2, 3, 4, 5]);
    // utopia.fyi/type/calculator with 320→1240 px, 18→20 px, 1.2→1.25, shown for step 0 and step 5.
    expect(scale.steps[2]?.clamp).toBe("clamp(1.125rem, 1.0815rem + 0.2174vw, 1.25rem)");
    expect(scale.steps[7]?.clamp).toBe("clamp(2.7994rem, 2.4462rem + 1.7658vw, 3.8147rem)");
    expect(scale.warnings).toEqual([]);
    expect(scale.css.split("\n")[2]).toBe("--step-0: clamp(1.125rem, 1.0815rem + 0.2174vw, 1.25rem);");
  });

  it("grows linearly between the viewport bounds", () => {
    const step = createFluidTypeScale().steps[2] as FluidTypeStep;
    expect(rendered(step, 320, 1)).toBeCloseTo(18, 1);
    expect(rendered(step, 1240, 1)).toBeCloseTo(20, 1);
    expect(rendered(step, 780, 1)).toBeCloseTo(19, 1);
    expect(rendered(step, 100, 1)).toBeCloseTo(18, 3);
    expect(rendered(step, 3000, 1)).toBeCloseTo(20, 3);
  });

  it("flattens steps that cannot reach 200% text at 500% zoom, and warns", () => {
    const scale = createFluidTypeScale({ minFontSize: 16, maxFontSize: 24, minRatio: 1.2, maxRatio: 1.5 });
    const flattened = scale.steps.filter((step) => step.flattened);
    expect(flattened.map((step) => step.step)).toEqual([3, 4, 5]);
    expect(scale.warnings).toHaveLength(3);
    expect(scale.warnings[0]).toMatch(/^Step 3 reaches only [\d.]+% text at 500% zoom \(WCAG 1\.4\.4 needs 200%\)/);
    for (const step of scale.steps) {
      expect(step.maxPx).toBeLessThanOrEqual(step.minPx * 2.5 + 1e-3);
      expect(step.zoomScale).toBeGreaterThanOrEqual(2 - 1e-9);
    }
  });

  it("rejects every invalid option at once", () => {
    try {
      createFluidTypeScale({
        minViewport: 900,
        maxViewport: 400,
        minRatio: 0.5,
        minStep: 3,
        maxStep: 1,
        rootFontSize: 0,
      });
      expect.unreachable();
    } catch (error) {
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "options.maxViewport",
        "options.minRatio",
        "options.maxStep",
        "options.rootFontSize",
      ]);
    }
    expect(() => createFluidTypeScale({ minFontSize: "16px" as never })).toThrow(PelbiotValidationError);
    expect(() => createFluidTypeScale(null as never)).toThrow(PelbiotValidationError);
  });

  it("every step has min ≤ max and really reaches 200% at 500% zoom, measured on the CSS (property)", () => {
    const options = fc.record({
      minViewport: fc.integer({ min: 240, max: 600 }),
      span: fc.integer({ min: 100, max: 2000 }),
      minFontSize: fc.double({ min: 10, max: 24, noNaN: true }),
      maxFontSize: fc.double({ min: 10, max: 40, noNaN: true }),
      minRatio: fc.double({ min: 1, max: 1.5, noNaN: true }),
      maxRatio: fc.double({ min: 1, max: 1.8, noNaN: true }),
    });
    fc.assert(
      fc.property(options, fc.integer({ min: 100, max: 8000 }), ({ span, ...rest }, windowWidth) => {
        const scale = createFluidTypeScale({ ...rest, maxViewport: rest.minViewport + span });
        for (const step of scale.steps) {
          const match = CLAMP.exec(step.clamp);
          expect(match).not.toBeNull();
          expect(Number(match?.[1])).toBeLessThanOrEqual(Number(match?.[5]));
          // 1% slack for the 4-decimal rounding of the printed rem and vw values.
          expect(rendered(step, windowWidth, 5)).toBeGreaterThanOrEqual(2 * rendered(step, windowWidth, 1) * 0.99);
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
