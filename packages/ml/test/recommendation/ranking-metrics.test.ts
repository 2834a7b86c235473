import { PelbiotError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { rankingMetrics } from "../../src/recommendation/ranking-metrics";

describe("rankingMetrics", () => {
  it("computes precision, recall, NDCG and hit with binary gains", () => {
    // Hits at ranks 1 and 3 of 3 relevant: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/2.
    const metrics = rankingMetrics(["a", "x", "b", "y"], ["a", "b", "c"], 10);
    expect(metrics.precision).toBeCloseTo(0.2, 12);
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(metrics.ndcg).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(metrics.hit).toBe(1);
  });

  it("ignores items past k and caps IDCG at k", () => {
    expect(rankingMetrics(["x", "a"], ["a"], 1)).toEqual({ precision: 0, recall: 0, ndcg: 0, hit: 0 });
    expect(rankingMetrics(["a"], new Set(["a", "b"]), 1).ndcg).toBe(1);
  });

  it("rejects an empty relevant set and a bad k", () => {
    expect(() => rankingMetrics(["a"], [])).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
    let caught: unknown;
    try {
      rankingMetrics(["a"], ["a"], 0);
    } catch (error) {
      caught = error;
    }
    expect(PelbiotError.is(caught, "VALIDATION_ERROR")).toBe(true);
  });
});
