import { captureValidationIssues } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TimeSeriesPoint, toTimeSeries } from "../../src/series/time-series";

describe("toTimeSeries", () => {
  it("accepts epoch ms, ISO strings and dates", () => {
    const series = toTimeSeries([
      { timestamp: 0, value: 1 },
      { timestamp: "1970-01-01T00:00:01Z", value: 2.5 },
      { timestamp: new Date(2000), value: -3 },
    ]);
    expect([...series.timestamps]).toEqual([0, 1000, 2000]);
    expect([...series.values]).toEqual([1, 2.5, -3]);
  });

  it("names every offending index", () => {
    const points = [
      { timestamp: 1000, value: 1 },
      { timestamp: 1000, value: Number.NaN },
      { timestamp: 500, value: 2 },
      { timestamp: "soon", value: "3" },
      null,
    ] as unknown as TimeSeriesPoint[];
    expect(captureValidationIssues(() => toTimeSeries(points, { path: "trainingData" }))).toEqual([
      "trainingData.1.timestamp: duplicates the previous timestamp",
      "trainingData.1.value: must be a finite number, got number NaN",
      "trainingData.2.timestamp: is earlier than the previous timestamp; sort points by time",
      'trainingData.3.timestamp: must be epoch milliseconds, an ISO-8601 string or a Date, got string "soon"',
      'trainingData.3.value: must be a finite number, got string "3"',
      "trainingData.4: must be an object { timestamp, value }, got null",
    ]);
  });

  it("rejects non-arrays and too-short input", () => {
    expect(captureValidationIssues(() => toTimeSeries("x" as unknown as TimeSeriesPoint[]))).toEqual([
      'points: must be an array, got string "x"',
    ]);
    expect(captureValidationIssues(() => toTimeSeries([], { minLength: 2 }))).toEqual([
      "points: must hold at least 2 item(s), got 0",
    ]);
  });

  it("round-trips any strictly increasing finite series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))),
        (steps) => {
          let time = 0;
          const points = steps.map(([step, value]) => {
            time += step;
            return { timestamp: time, value };
          });
          if (points.length === 0) return;
          const series = toTimeSeries(points);
          expect([...series.timestamps]).toEqual(points.map((point) => point.timestamp));
          expect([...series.values]).toEqual(points.map((point) => point.value));
        },
      ),
    );
  });
});
