import { PelbiotValidationError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  getHeightSizeClass,
  getResponsiveLayout,
  getWidthSizeClass,
  WIDTH_BREAKPOINTS,
} from "../../src/ui/window-size-class";

describe("window size classes", () => {
  it.each([
    [0, "compact"],
    [360, "compact"],
    [599.9, "compact"],
    [600, "medium"],
    [839, "medium"],
    [840, "expanded"],
    [1199, "expanded"],
    [1200, "large"],
    [1599, "large"],
    [1600, "extra-large"],
    [3840, "extra-large"],
  ] as const)("width %d → %s", (width, expected) => {
    expect(getWidthSizeClass(width)).toBe(expected);
  });

  it.each([
    [360, "compact"],
    [479, "compact"],
    [480, "medium"],
    [899, "medium"],
    [900, "expanded"],
  ] as const)("height %d → %s", (height, expected) => {
    expect(getHeightSizeClass(height)).toBe(expected);
  });

  it("maps each class to Material's grid and navigation", () => {
    expect(getResponsiveLayout(412, 915)).toEqual({
      widthClass: "compact",
      heightClass: "expanded",
      columns: 4,
      margin: 16,
      gutter: 16,
      maxPanes: 1,
      navigation: "navigation-bar",
    });
    expect(getResponsiveLayout(915, 412)).toMatchObject({
      widthClass: "expanded",
      heightClass: "compact",
      navigation: "navigation-rail",
    });
    expect(getResponsiveLayout(700)).toMatchObject({ columns: 8, margin: 24, navigation: "navigation-rail" });
    expect(getResponsiveLayout(1280, 800)).toMatchObject({ columns: 12, maxPanes: 2, navigation: "navigation-drawer" });
    expect(getResponsiveLayout(1920, 1080)).toMatchObject({ maxPanes: 3, navigation: "navigation-drawer" });
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ["600"]])("rejects the width %j", (width) => {
    expect(() => getResponsiveLayout(width as number)).toThrow(PelbiotValidationError);
  });

  it("the class, columns and panes never decrease as the width grows (property)", () => {
    const order = Object.keys(WIDTH_BREAKPOINTS);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (left, right) => {
          const [narrow, wide] = left <= right ? [left, right] : [right, left];
          const small = getResponsiveLayout(narrow);
          const large = getResponsiveLayout(wide);
          expect(order.indexOf(large.widthClass)).toBeGreaterThanOrEqual(order.indexOf(small.widthClass));
          expect(large.columns).toBeGreaterThanOrEqual(small.columns);
          expect(large.maxPanes).toBeGreaterThanOrEqual(small.maxPanes);
          expect(large.margin).toBeGreaterThanOrEqual(small.margin);
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });
});
