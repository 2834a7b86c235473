import { captureValidationIssues } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planResponsiveImage } from "../../src/ui/plan-responsive-image";

function paths(action: () => unknown): string[] {
  return captureValidationIssues(action).map((line) => line.slice(0, line.indexOf(":")));
}

describe("planResponsiveImage", () => {
  it("orders formats AVIF → WebP → JPEG with a quality per format", () => {
    const plan = planResponsiveImage({ src: "/img/hero.jpg", intrinsicWidth: 2400, intrinsicHeight: 1600 });
    expect(plan.sources.map((source) => [source.type, source.quality])).toEqual([
      ["image/avif", 50],
      ["image/webp", 75],
    ]);
    expect(plan.img.srcset).toContain("fm=jpeg&q=80");
    expect(plan.img).toMatchObject({ width: 2400, height: 1600, sizes: "100vw" });
    expect(plan.sources[0]?.srcset.split(", ")[0]).toBe(
      `/img/hero.jpg?w=${plan.widths[0]}&fm=avif&q=50 ${plan.widths[0]}w`,
    );
  });

  it("keeps the AVIF → WebP order whatever order formats are given in", () => {
    const plan = planResponsiveImage({
      src: "/a.jpg?v=2",
      intrinsicWidth: 800,
      formats: ["jpeg", "webp", "avif"],
      quality: { avif: 40 },
    });
    expect(plan.sources.map((source) => source.format)).toEqual(["avif", "webp"]);
    expect(plan.sources[0]?.srcset).toContain("/a.jpg?v=2&w=");
    expect(plan.sources[0]?.quality).toBe(40);
    expect(planResponsiveImage({ src: "/a.jpg", intrinsicWidth: 800, formats: ["jpeg"] }).sources).toEqual([]);
  });

  it("derives widths from the sizes layout: a fixed 300px slot gets exactly 1×, 1.5× and 2×", () => {
    const plan = planResponsiveImage({ src: "/a.jpg", intrinsicWidth: 4000, sizes: [{ slot: "300px" }] });
    expect(plan.widths).toEqual([304, 456, 600]);
    expect(plan.sizes).toBe("300px");
  });

  it("writes sizes most specific first and bounds widths by the slot × DPR cap and the original", () => {
    const plan = planResponsiveImage({
      src: "/a.jpg",
      intrinsicWidth: 2400,
      sizes: [{ slot: "calc(100vw - 32px)" }, { minWidth: 1200, slot: "33vw" }, { minWidth: 840, slot: "50vw" }],
    });
    expect(plan.sizes).toBe("(min-width: 1200px) 33vw, (min-width: 840px) 50vw, calc(100vw - 32px)");
    // The widest slot is calc(100vw - 32px) just below 840 px (807 px), wider than 50vw below 1200 px (599.5 px)
    // and 33vw at 1920 px (633.6 px): × 2 = 1614 px.
    expect(Math.max(...plan.widths)).toBe(1614);
    expect(Math.min(...plan.widths)).toBe(288);
    const small = planResponsiveImage({ src: "/a.jpg", intrinsicWidth: 500, sizes: [{ slot: "100vw" }] });
    expect(Math.max(...small.widths)).toBe(500);
  });

  it("uses a custom URL builder", () => {
    const plan = planResponsiveImage({
      src: "hero",
      intrinsicWidth: 1000,
      sizes: [{ slot: 400 }],
      url: ({ width, format, quality }) => `https://cdn.example/${width}/${quality}/hero.${format}`,
    });
    expect(plan.img.src).toBe("https://cdn.example/600/80/hero.jpeg");
  });

  it("rejects every invalid option at once", () => {
    expect(
      paths(() =>
        planResponsiveImage({
          src: "",
          intrinsicWidth: 0,
          dprCap: 9,
          sizes: [{ slot: "50%" }, { minWidth: -3, slot: "10vw" }],
          formats: ["gif" as never],
          quality: { avif: 101 },
          viewport: { min: 900, max: 100 },
        }),
      ),
    ).toEqual([
      "options.src",
      "options.intrinsicWidth",
      "options.dprCap",
      "options.viewport.max",
      "options.sizes.0.slot",
      "options.sizes.1.minWidth",
      "options.formats.0",
      "options.quality.avif",
    ]);
    expect(paths(() => planResponsiveImage(undefined as never))).toEqual(["options"]);
    expect(
      paths(() => planResponsiveImage({ src: "/a", intrinsicWidth: 10, sizes: [{ slot: 1 }, { slot: 2 }] })),
    ).toEqual(["options.sizes"]);
    expect(
      paths(() => planResponsiveImage({ src: "/a", intrinsicWidth: 10, sizes: [{ minWidth: 600, slot: 1 }] })),
    ).toEqual(["options.sizes"]);
  });

  it("widths are sorted, unique, within the DPR cap and the original, and few (property)", () => {
    const slot = fc.oneof(
      fc.integer({ min: 1, max: 2000 }),
      fc.integer({ min: 1, max: 100 }).map((vw) => `${vw}vw`),
      fc
        .tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 64 }))
        .map(([vw, px]) => `calc(${vw}vw - ${px}px)`),
    );
    const rules = fc
      .tuple(
        slot,
        fc.uniqueArray(fc.record({ minWidth: fc.integer({ min: 1, max: 2500 }), slot }), {
          maxLength: 3,
          selector: (rule) => rule.minWidth,
        }),
      )
      .map(([base, breakpoints]) => [{ slot: base }, ...breakpoints]);
    fc.assert(
      fc.property(
        rules,
        fc.integer({ min: 1, max: 8000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        (sizes, intrinsicWidth, dprCap, maxCandidates) => {
          const plan = planResponsiveImage({ src: "/x.jpg", intrinsicWidth, sizes, dprCap, maxCandidates });
          const { widths } = plan;
          expect(widths.length).toBeGreaterThanOrEqual(1);
          expect(widths.length).toBeLessThanOrEqual(maxCandidates);
          for (let index = 1; index < widths.length; index++) {
            expect(widths[index]).toBeGreaterThan(widths[index - 1] as number);
          }
          expect(Math.max(...widths)).toBeLessThanOrEqual(intrinsicWidth);
          // Largest slot width anywhere in the 320–1920 px viewport range, times the DPR cap (+8 px rounding).
          const largestSlot = Math.max(
            ...sizes.map(({ slot: value }) => {
              if (typeof value === "number") return value;
              const vw = Number(/(\d+)vw/.exec(value)?.[1]);
              const px = Number(/- (\d+)px/.exec(value)?.[1] ?? 0);
              return Math.max(1, (vw * 1920) / 100 - px);
            }),
          );
          expect(Math.max(...widths)).toBeLessThanOrEqual(Math.ceil(largestSlot * dprCap) + 8);
        },
      ),
      { seed: 5, numRuns: 400 },
    );
  });
});
