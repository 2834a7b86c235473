import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { RecommendationEngine } from "../../src/recommendation/recommendation-engine";

function trained(): RecommendationEngine {
  const engine = new RecommendationEngine({ minInteractions: 1 });
  const table = { u1: ["A", "B"], u2: ["A", "B", "C"], u3: ["C", "D"], u4: ["A"] };
  for (const [user, items] of Object.entries(table))
    for (const item of items) engine.trackInteraction(user, item, "view");
  engine.trackInteraction("u4", "C", "rating", 4);
  engine.addItemFeatures("D", [1, 0]);
  engine.addItemFeatures("A", [0.5, 0.5]);
  engine.setItemAvailability("B", { expiresAt: 8_000_000_000_000 });
  return engine;
}

const users = ["u1", "u2", "u3", "u4", "nobody"];

describe("RecommendationEngine snapshots", () => {
  it("writes the pelbiot.ml.RecommendationEngine header and recommends identically after a JSON text round-trip", () => {
    const engine = trained();
    expect(engine.toJSON()).toMatchObject({ format: "pelbiot.ml.RecommendationEngine", version: 2 });
    const restored = RecommendationEngine.fromJSON(JSON.stringify(engine), { minInteractions: 1 });
    for (const user of users)
      expect(restored.generateRecommendations(user)).toEqual(engine.generateRecommendations(user));
    expect(JSON.stringify(restored)).toBe(JSON.stringify(engine));
  });

  it("still reads a snapshot written by the previous release (no format, version 1)", () => {
    const engine = trained();
    const { format: _format, model: _model, ...current } = JSON.parse(JSON.stringify(engine));
    const previous = { ...current, version: 1 };
    const restored = RecommendationEngine.fromJSON(previous, { minInteractions: 1 });
    for (const user of users)
      expect(restored.generateRecommendations(user)).toEqual(engine.generateRecommendations(user));
  });

  it("rejects a foreign format and a newer version", () => {
    const snapshot = JSON.parse(JSON.stringify(trained()));
    expect(
      captureValidationIssues(() => RecommendationEngine.fromJSON({ ...snapshot, format: "pelbiot.ml.Other" })),
    ).toEqual([expect.stringMatching(/^json\.format: must be "pelbiot\.ml\.RecommendationEngine"/)]);
    expectPelbiotError(() => RecommendationEngine.fromJSON({ ...snapshot, version: 3 }), "UNSUPPORTED");
  });

  it("rejects tampered fields with VALIDATION_ERROR and their dot-paths", () => {
    const tamper = (change: (snapshot: Record<string, unknown[][]>) => void): string[] => {
      const snapshot = JSON.parse(JSON.stringify(trained()));
      change(snapshot);
      return captureValidationIssues(() => RecommendationEngine.fromJSON(snapshot));
    };
    // u4 rated C 4: the rating share may not exceed the pair's strength.
    expect(
      tamper((snapshot) => {
        const pair = snapshot.interactions?.find((entry) => entry[3] === 4) as number[];
        pair[3] = (pair[2] as number) + 1;
      }),
    ).toEqual([expect.stringMatching(/^json\.interactions\.\d+\.3: must be at most the strength/)]);
    expect(tamper((snapshot) => snapshot.features?.push([3, [0, 1]]))).toEqual(["json.features.2: repeats an item"]);
    expect(tamper((snapshot) => snapshot.availability?.push([1, true, null]))).toEqual([
      "json.availability.1: repeats an item",
    ]);
    expect(tamper((snapshot) => (snapshot.users as unknown[]).push("u1"))).toEqual(["json.users: has duplicates"]);
  });
});
