import { captureValidationIssues } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { MobileUIOptimizer } from "../../src/ui/mobile-ui-optimizer";

describe("MobileUIOptimizer options", () => {
  it("rejects unknown options with the accepted ones and the nearest for a typo", () => {
    expect(captureValidationIssues(() => new MobileUIOptimizer({ dprcap: 3 } as never))).toEqual([
      'options.dprcap: "dprcap" is not a known option (did you mean "dprCap"?); accepted: typeScale, dprCap, imageQuality, imageFormats',
    ]);
    expect(captureValidationIssues(() => new MobileUIOptimizer({ typeScale: { maxSteps: 6 } as never }))).toEqual([
      expect.stringMatching(/^options\.typeScale\.maxSteps: .*did you mean "maxStep"\?.*; accepted: minViewport, /),
    ]);
    expect(captureValidationIssues(() => new MobileUIOptimizer({ imageQuality: { png: 80 } as never }))).toEqual([
      'options.imageQuality.png: "png" is not a known option; accepted: avif, webp, jpeg',
    ]);
  });

  it("names the constructor in its message", () => {
    expect(() => new MobileUIOptimizer({ dprCap: 9 })).toThrow(/^Invalid input to MobileUIOptimizer constructor: /);
  });

  it("rejects unknown per-call options instead of ignoring them", () => {
    const ui = new MobileUIOptimizer();
    expect(captureValidationIssues(() => ui.getTypographyScale({ maxStepp: 6 } as never))).toEqual([
      expect.stringMatching(/^overrides\.maxStepp: .*did you mean "maxStep"\?/),
    ]);
    expect(
      captureValidationIssues(() =>
        ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 800, format: ["webp"] } as never),
      ),
    ).toEqual([expect.stringMatching(/^options\.format: .*did you mean "formats"\?/)]);
  });

  it("reports the checks of its helpers under its own method names and the caller's paths", () => {
    expect(captureValidationIssues(() => new MobileUIOptimizer({ typeScale: { minRatio: -1 } }))).toEqual([
      "options.typeScale.minRatio: must be at least 1, got -1",
    ]);
    expect(() => new MobileUIOptimizer({ imageQuality: { webp: 0 } })).toThrow(
      /^Invalid input to MobileUIOptimizer constructor: options\.imageQuality\.webp: /,
    );
    const ui = new MobileUIOptimizer();
    expect(() => ui.getLayout(-5)).toThrow(/^Invalid input to MobileUIOptimizer\.getLayout: width: /);
    expect(() => ui.getWindowSizeClass(400, Number.NaN)).toThrow(
      /^Invalid input to MobileUIOptimizer\.getWindowSizeClass: height: /,
    );
    expect(captureValidationIssues(() => ui.getTypographyScale({ maxStep: 99 }))).toEqual([
      "overrides.maxStep: must be at most 20, got 99",
    ]);
    expect(() => ui.optimizeImage({ src: "", intrinsicWidth: 800 })).toThrow(
      /^Invalid input to MobileUIOptimizer\.optimizeImage: options\.src: /,
    );
  });
});
