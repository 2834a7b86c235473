import { PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { continueTimestamps, inferSpacing } from "../../src/forecasting/infer-spacing";

const series = (values: number[]): Float64Array => Float64Array.from(values);

describe("inferSpacing / continueTimestamps", () => {
  it("recognises a fixed step and continues it", () => {
    const spacing = inferSpacing(series([0, 300_000, 600_000, 900_000]));
    expect(spacing).toEqual({ kind: "fixed", milliseconds: 300_000 });
    expect(continueTimestamps(spacing, 900_000, 2)).toEqual([1_200_000, 1_500_000]);
  });

  it("recognises calendar months, whose lengths in milliseconds differ", () => {
    const monthly = [0, 1, 2, 3].map((month) => Date.UTC(2024, month, 15, 6));
    const spacing = inferSpacing(series(monthly));
    expect(spacing).toEqual({ kind: "months", months: 1, anchor: "day" });
    expect(continueTimestamps(spacing, monthly[3] as number, 11).map((time) => new Date(time).toISOString())).toEqual(
      [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((month) => new Date(Date.UTC(2024, month, 15, 6)).toISOString()),
    );
  });

  it("recognises quarters and month ends", () => {
    const quarterly = [0, 3, 6].map((month) => Date.UTC(1960, month, 1));
    expect(inferSpacing(series(quarterly))).toEqual({ kind: "months", months: 3, anchor: "day" });
    const monthEnds = [1, 2, 3].map((month) => Date.UTC(2023, month, 0));
    const spacing = inferSpacing(series(monthEnds));
    expect(spacing).toEqual({ kind: "months", months: 1, anchor: "month-end" });
    // After 31 March: 30 April, 31 May.
    expect(continueTimestamps(spacing, monthEnds[2] as number, 2)).toEqual([
      Date.UTC(2023, 3, 30),
      Date.UTC(2023, 4, 31),
    ]);
  });

  it("rejects gaps and irregular spacing, naming the first offending point", () => {
    let error: unknown;
    try {
      inferSpacing(series([0, 10, 20, 40, 50]), "points");
    } catch (caught) {
      error = caught;
    }
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues[0]?.path).toBe("points.3.timestamp");
    expect((error as Error).message).toContain("expected 10 ms");
  });
});
