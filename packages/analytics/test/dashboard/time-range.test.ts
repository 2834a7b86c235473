import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultInterval, formatTimeRange, MAX_TIME_RANGE_MS, parseTimeRange } from "../../src/dashboard/time-range";

const MINUTE = 60_000;

describe("time ranges", () => {
  it("parses minutes, hours, days and weeks", () => {
    expect(parseTimeRange("15m")).toBe(15 * MINUTE);
    expect(parseTimeRange("24h")).toBe(24 * 60 * MINUTE);
    expect(parseTimeRange("7d")).toBe(7 * 24 * 60 * MINUTE);
    expect(parseTimeRange("2w")).toBe(14 * 24 * 60 * MINUTE);
    expect(parseTimeRange("366d")).toBe(MAX_TIME_RANGE_MS);
  });

  it("refuses anything else", () => {
    for (const text of [
      "",
      "0m",
      "01h",
      "15",
      "m",
      "1.5h",
      "-1h",
      " 1h",
      "1h ",
      "1H",
      "1y",
      "15s",
      "367d",
      "53w",
      "1e3m",
    ]) {
      expect(parseTimeRange(text), text).toBeUndefined();
    }
    expect(parseTimeRange(15)).toBeUndefined();
    expect(parseTimeRange(null)).toBeUndefined();
  });

  it("formats milliseconds back to text that parses to the same length (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_TIME_RANGE_MS / MINUTE }), (minutes) => {
        const text = formatTimeRange(minutes * MINUTE);
        expect(parseTimeRange(text)).toBe(minutes * MINUTE);
      }),
    );
    expect(formatTimeRange(90 * MINUTE)).toBe("90m");
    expect(formatTimeRange(120 * MINUTE)).toBe("2h");
    expect(formatTimeRange(7 * 24 * 60 * MINUTE)).toBe("1w");
  });

  it("picks a round default interval giving at most 60 points (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 52 * 7 * 24 * 60 }), (minutes) => {
        const rangeMs = minutes * MINUTE;
        const intervalMs = parseTimeRange(defaultInterval(rangeMs))!;
        expect(intervalMs).toBeGreaterThan(0);
        // Up to a day, the interval never exceeds the range; only past 60 weeks would a week give > 60 points.
        if (rangeMs >= MINUTE) expect(Math.ceil(rangeMs / intervalMs)).toBeLessThanOrEqual(60);
      }),
    );
    expect(defaultInterval(24 * 60 * MINUTE)).toBe("30m");
    expect(defaultInterval(15 * MINUTE)).toBe("1m");
    expect(defaultInterval(7 * 24 * 60 * MINUTE)).toBe("3h");
  });
});
