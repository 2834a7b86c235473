import { PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { MobileUIOptimizer } from "../../src/ui/mobile-ui-optimizer";

describe("MobileUIOptimizer", () => {
  it("covers the guide's three areas: responsive layouts, typography scaling and image optimisation", () => {
    const ui = new MobileUIOptimizer();
    expect(ui.getWindowSizeClass(1300, 800)).toEqual({ width: "large", height: "medium" });
    expect(ui.getWindowSizeClass(390)).toEqual({ width: "compact", height: "expanded" });
    expect(ui.getLayout(412, 915).navigation).toBe("navigation-bar");
    expect(ui.getLayout(900).navigation).toBe("navigation-rail");
    expect(ui.getTypographyScale().steps).toHaveLength(8);
    expect(ui.optimizeImage({ src: "/hero.jpg", intrinsicWidth: 2400 }).sources[0]?.type).toBe("image/avif");
  });

  it("applies constructor defaults that calls may override", () => {
    const ui = new MobileUIOptimizer({
      typeScale: { minStep: 0, maxStep: 2 },
      dprCap: 3,
      imageQuality: { avif: 45 },
      imageFormats: ["webp", "jpeg"],
    });
    expect(ui.getTypographyScale().steps.map((step) => step.step)).toEqual([0, 1, 2]);
    expect(ui.getTypographyScale({ maxStep: 3 }).steps).toHaveLength(4);
    const plan = ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 4000, sizes: [{ slot: 300 }] });
    // 1×, 1.5×, 2× and the 3× cap, rounded up to multiples of 8 but never past 3 × 300 px.
    expect(plan.widths).toEqual([304, 456, 600, 900]);
    expect(plan.sources.map((source) => source.format)).toEqual(["webp"]);
    const avif = ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 4000, formats: ["avif", "jpeg"] });
    expect(avif.sources[0]?.quality).toBe(45);
    expect(
      ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 4000, quality: { avif: 30 }, formats: ["avif"] }).sources[0]
        ?.quality,
    ).toBe(30);
  });

  it("rejects invalid options in the constructor, not at first use", () => {
    expect(() => new MobileUIOptimizer({ dprCap: 0 })).toThrow(PelbiotValidationError);
    expect(() => new MobileUIOptimizer({ typeScale: { minRatio: -1 } })).toThrow(/options\.typeScale\.minRatio/);
    expect(() => new MobileUIOptimizer({ imageQuality: { webp: 0 } })).toThrow(/options\.imageQuality\.webp/);
    expect(() => new MobileUIOptimizer({ imageFormats: ["png" as never] })).toThrow(/options\.imageFormats\.0/);
    expect(() => new MobileUIOptimizer("fast" as never)).toThrow(PelbiotValidationError);
  });

  it("rejects bad call arguments", () => {
    const ui = new MobileUIOptimizer();
    expect(() => ui.getLayout(-5)).toThrow(PelbiotValidationError);
    expect(() => ui.getWindowSizeClass(400, Number.NaN)).toThrow(/height/);
    expect(() => ui.getTypographyScale(null as never)).toThrow(PelbiotValidationError);
    expect(() => ui.optimizeImage(null as never)).toThrow(PelbiotValidationError);
  });
});
