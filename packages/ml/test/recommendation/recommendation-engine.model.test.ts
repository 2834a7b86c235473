// Model choice: EASE beside the kNN blend, chosen by validation on the engine's own data (getModelReport, train,
// retraining, snapshots of a trained model).
import { captureValidationIssues } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../src/random/create-random";
import { RecommendationEngine, type RecommendationEngineOptions } from "../../src/recommendation/recommendation-engine";

/** 80 users over 40 items in 4 genres: each user views 6–12 items, 85% from their genre, popular ones first. */
function plantedViews(seed = 3): [string, string][] {
  const random = createRandom(seed);
  const pairs: [string, string][] = [];
  for (let user = 0; user < 80; user += 1) {
    const genre = user % 4;
    const chosen = new Set<number>();
    const count = 6 + random.integer(7);
    while (chosen.size < count) {
      const skewed = Math.floor(10 * random.next() ** 2);
      chosen.add(random.next() < 0.85 ? genre * 10 + skewed : random.integer(40));
    }
    for (const item of chosen) pairs.push([`user-${user}`, `item-${item}`]);
  }
  return pairs;
}

function engineWith(options: RecommendationEngineOptions, pairs = plantedViews()): RecommendationEngine {
  const engine = new RecommendationEngine({ minInteractions: 1, ...options });
  for (const [user, item] of pairs) engine.trackInteraction(user, item, "view");
  return engine;
}

describe("RecommendationEngine model choice", () => {
  it("auto: scores kNN and EASE over a λ walk on held-out interactions and keeps the best", () => {
    const engine = engineWith({});
    const report = engine.getModelReport();
    expect(report.requested).toBe("auto");
    expect(report.reason).toBe("validated");
    expect(report.trainedInteractions).toBe(engine.getStats().interactions);
    expect(report.trainedItems).toBe(40);
    const candidates = report.validation?.candidates ?? [];
    expect(candidates[0]?.model).toBe("knn");
    // All strengths are equal, so only binarised X is tried; at least the start factor (16) and the step up.
    const ease = candidates.filter((candidate) => candidate.model === "ease");
    expect(ease.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ease.map((candidate) => candidate.input))).toEqual(new Set(["binary"]));
    expect(ease.map((candidate) => candidate.lambdaFactor)).toEqual(expect.arrayContaining([16, 64]));
    const best = Math.max(...candidates.map((candidate) => candidate.ndcg));
    const winner = candidates.find((candidate) => candidate.ndcg === best);
    expect(report.model).toBe(winner?.model);
    if (report.model === "ease") expect(report.ease?.lambdaFactor).toBe(winner?.lambdaFactor);
    expect(report.validation?.users).toBe(80);
    expect(report.validation?.holdOut).toBe("latest");
    expect(report.validation?.heldOut).toBeGreaterThanOrEqual(80);
    // Deterministic: the same data gives the same report.
    expect(engineWith({}).getModelReport()).toEqual(report);
  });

  it("ease: searches λ only and recommends by x_u·B, every item similar to one of the user's own", () => {
    const engine = engineWith({ model: "ease" });
    const report = engine.train();
    expect(report).toMatchObject({ requested: "ease", model: "ease", reason: "validated" });
    expect(report.validation?.candidates.every((candidate) => candidate.model === "ease")).toBe(true);
    expect(report.ease?.lambda).toBeGreaterThan(0);
    const recs = engine.generateRecommendations("user-0");
    expect(recs).toHaveLength(10);
    const own = new Set(
      plantedViews()
        .filter(([user]) => user === "user-0")
        .map(([, item]) => item),
    );
    for (const rec of recs.filter((entry) => entry.reason !== "popular_fallback")) {
      expect(rec.reason).toBe("similar_item");
      expect(own.has(rec.itemId)).toBe(false);
      expect(own.has(rec.basedOnItemId as string)).toBe(true);
    }
    // Genre 0 is items 0–9: EASE puts the user's genre on top.
    expect(Number(recs[0]?.itemId.slice(5))).toBeLessThan(10);
  });

  it("weighted interactions also try binarised X and report which one won", () => {
    const random = createRandom(5);
    const engine = new RecommendationEngine({ minInteractions: 1, model: "ease" });
    for (const [user, item] of plantedViews()) {
      engine.trackInteraction(user, item, random.next() < 0.3 ? "purchase" : "view");
    }
    const report = engine.train();
    const inputs = new Set(report.validation?.candidates.map((candidate) => candidate.input));
    expect(inputs).toEqual(new Set(["weighted", "binary"]));
    expect(["weighted", "binary"]).toContain(report.ease?.input);
  });

  it("above 500 items, the binarised input is tried at the weighted walk's best λ only (each fit costs items³/2)", () => {
    const random = createRandom(11);
    const engine = new RecommendationEngine({ minInteractions: 1, model: "ease" });
    for (let user = 0; user < 300; user += 1) {
      const genre = user % 6;
      for (let pick = 0; pick < 15; pick += 1) {
        const item = random.next() < 0.8 ? genre * 100 + random.integer(100) : random.integer(600);
        engine.trackInteraction(`user-${user}`, `item-${item}`, random.next() < 0.3 ? "purchase" : "view");
      }
    }
    expect(engine.getStats().items).toBeGreaterThan(500);
    const candidates = engine.train().validation?.candidates ?? [];
    const weighted = candidates.filter((candidate) => candidate.input === "weighted");
    const binary = candidates.filter((candidate) => candidate.input === "binary");
    expect(weighted.length).toBeGreaterThanOrEqual(2);
    const bestWeighted = weighted.reduce((best, candidate) => (candidate.ndcg > best.ndcg ? candidate : best));
    expect(binary).toHaveLength(1);
    expect(binary[0]?.lambdaFactor).toBe(bestWeighted.lambdaFactor);
  });

  it("knn: trains nothing and scores exactly as the kNN blend", () => {
    const engine = engineWith({ model: "knn" });
    expect(engine.getModelReport()).toEqual({
      requested: "knn",
      model: "knn",
      reason: "fixed",
      trainedInteractions: engine.getStats().interactions,
      trainedItems: 40,
    });
    const reasons = new Set(engine.generateRecommendations("user-1").map((rec) => rec.reason));
    expect(reasons.has("collaborative") || reasons.has("similar_item")).toBe(true);
  });

  it("auto above maxEaseItems: scores kNN and implicit ALS (its λ walked as model als does) instead of EASE, and keeps the best", () => {
    const report = engineWith({ maxEaseItems: 39 }).getModelReport();
    expect(report.reason).toBe("validated");
    const candidates = report.validation?.candidates ?? [];
    expect(candidates.map((candidate) => candidate.model)).not.toContain("ease");
    expect(candidates[0]?.model).toBe("knn");
    const als = candidates.filter((candidate) => candidate.model === "als");
    expect(als[0]).toMatchObject({
      lambdaFactor: 0.5,
      als: { factors: 32, alpha: 2, iterations: 8, input: "binary" },
    });
    // The same walk as a fixed model "als" (this data is far inside the training budget).
    const fixed = engineWith({ model: "als" }).getModelReport().validation?.candidates ?? [];
    expect(als).toEqual(fixed);
    expect(als.length).toBeGreaterThanOrEqual(2);
    const best = Math.max(...candidates.map((candidate) => candidate.ndcg));
    const winner = candidates.find((candidate) => candidate.ndcg === best);
    expect(report.model).toBe(winner?.model);
  });

  it("falls back to kNN above maxEaseItems and with too little data to validate, and says so", () => {
    expect(engineWith({ model: "ease", maxEaseItems: 39 }).getModelReport()).toMatchObject({
      model: "knn",
      reason: "too_many_items",
    });
    const few = plantedViews().filter(([user]) => Number(user.slice(5)) < 9);
    expect(engineWith({}, few).getModelReport()).toMatchObject({ model: "knn", reason: "too_little_data" });
    const forced = engineWith({ model: "ease" }, few).getModelReport();
    expect(forced).toMatchObject({ model: "ease", reason: "too_little_data", ease: { lambdaFactor: 1 } });
    expect(forced.validation).toBeUndefined();
    const forcedAls = engineWith({ model: "als" }, few).getModelReport();
    expect(forcedAls).toMatchObject({ model: "als", reason: "too_little_data", als: { factors: 32 } });
  });

  it("als: recommends the user's genre, explains each item by one of the user's own, and folds new users in", () => {
    const engine = engineWith({ model: "als" });
    const report = engine.getModelReport();
    expect(report).toMatchObject({ model: "als", reason: "validated" });
    expect(report.validation?.candidates.every((candidate) => candidate.model === "als")).toBe(true);
    // user-5 is in genre 1 (items 10–19): most of the top 5 come from it.
    const top = engine.generateRecommendations("user-5", { limit: 5 });
    const ownGenre = top.filter((rec) => Math.floor(Number(rec.itemId.slice(5)) / 10) === 1);
    expect(ownGenre.length).toBeGreaterThanOrEqual(4);
    const own = new Set(
      plantedViews()
        .filter(([user]) => user === "user-5")
        .map(([, item]) => item),
    );
    for (const rec of top) {
      expect(rec.reason).toBe("similar_item");
      expect(own.has(rec.basedOnItemId as string)).toBe(true);
      expect(own.has(rec.itemId)).toBe(false);
    }
    // A user who arrives after training is scored from their own items at once, without retraining.
    for (const item of ["item-30", "item-31", "item-32"]) engine.trackInteraction("newcomer", item, "view");
    const newcomer = engine.generateRecommendations("newcomer", { limit: 5 });
    expect(newcomer.filter((rec) => Math.floor(Number(rec.itemId.slice(5)) / 10) === 3).length).toBeGreaterThanOrEqual(
      4,
    );
    expect(engine.getModelReport().trainedInteractions).toBe(report.trainedInteractions);
  });

  it("als: a snapshot restores the same model and the same recommendations", () => {
    const engine = engineWith({ model: "als" });
    const before = engine.generateRecommendations("user-7");
    const restored = RecommendationEngine.fromJSON(JSON.parse(JSON.stringify(engine.toJSON())), {
      minInteractions: 1,
      model: "als",
    });
    expect(restored.getModelReport()).toEqual(engine.getModelReport());
    expect(restored.generateRecommendations("user-7")).toEqual(before);
  });

  it("als: a snapshot asking for an unaffordable or invalid refit is refused before any work", () => {
    const engine = engineWith({ model: "als" });
    engine.train();
    const json = JSON.parse(JSON.stringify(engine.toJSON()));
    json.model.als.factors = 100_000;
    json.model.als.alpha = -1;
    expect(captureValidationIssues(() => RecommendationEngine.fromJSON(json, { model: "als" }))).toEqual([
      expect.stringMatching(/^json\.model\.als\.factors: /),
      expect.stringMatching(/^json\.model\.als\.alpha: /),
    ]);
  });

  it("scores new interactions with the trained weights and retrains once the data has doubled", () => {
    const pairs = plantedViews();
    const half = pairs.slice(0, pairs.length / 2);
    const engine = engineWith({ model: "ease" }, half);
    const first = engine.getModelReport();
    // A new user after training is scored at once; an item unknown at training comes only from popularity.
    engine.trackInteraction("newcomer", "item-0", "view");
    engine.trackInteraction("newcomer", "item-1", "view");
    engine.trackInteraction("someone", "brand-new", "view");
    engine.trackInteraction("someone-else", "brand-new", "view");
    const recs = engine.generateRecommendations("newcomer");
    expect(recs[0]?.reason).toBe("similar_item");
    expect(recs.filter((rec) => rec.itemId === "brand-new").every((rec) => rec.reason === "popular_fallback")).toBe(
      true,
    );
    expect(engine.getModelReport()).toBe(first);
    for (const [user, item] of pairs.slice(pairs.length / 2)) engine.trackInteraction(user, item, "view");
    const second = engine.getModelReport();
    expect(second.trainedInteractions).toBe(engine.getStats().interactions);
    expect(second.trainedItems).toBe(41);

    const manual = engineWith({ model: "ease", retrainGrowth: Number.POSITIVE_INFINITY }, half);
    const trained = manual.getModelReport();
    for (const [user, item] of pairs.slice(pairs.length / 2)) manual.trackInteraction(user, item, "view");
    expect(manual.getModelReport()).toBe(trained);
    expect(manual.train().trainedInteractions).toBe(manual.getStats().interactions);
  });

  it("round-trips a trained EASE model through toJSON / fromJSON without storing its weights", () => {
    const engine = engineWith({ model: "ease" });
    engine.train();
    const json = JSON.stringify(engine);
    expect(json.length).toBeLessThan(4 * JSON.stringify(engine.toJSON().interactions).length);
    const restored = RecommendationEngine.fromJSON(json, { minInteractions: 1, model: "ease" });
    expect(restored.getModelReport()).toEqual(engine.getModelReport());
    for (const user of ["user-0", "user-17", "user-42"]) {
      expect(restored.generateRecommendations(user).map((rec) => rec.itemId)).toEqual(
        engine.generateRecommendations(user).map((rec) => rec.itemId),
      );
    }
    // Under another `model` option the stored model is dropped and the engine trains anew.
    expect(RecommendationEngine.fromJSON(json, { minInteractions: 1, model: "knn" }).getModelReport().reason).toBe(
      "fixed",
    );
    const broken = { ...JSON.parse(json), model: { ...engine.getModelReport(), ease: { lambda: -1 } } };
    expect(captureValidationIssues(() => RecommendationEngine.fromJSON(broken))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^json\.model\.ease\.lambda: /)]),
    );
  });

  it("validates on each user's latest items by default: the order of tracking decides what is held out", () => {
    const pairs = plantedViews();
    // The same pairs, each user's history reversed: the latest items differ, so the validation figures do.
    const byUser = new Map<string, [string, string][]>();
    for (const pair of pairs) byUser.set(pair[0], [...(byUser.get(pair[0]) ?? []), pair]);
    const reversed = [...byUser.values()].flatMap((history) => [...history].reverse());
    const forward = engineWith({}).getModelReport();
    const backward = engineWith({}, reversed).getModelReport();
    expect(backward.validation?.heldOut).toBe(forward.validation?.heldOut);
    expect(backward.validation?.candidates[0]?.ndcg).not.toBe(forward.validation?.candidates[0]?.ndcg);
    const random = engineWith({ validationHoldOut: "random" }).getModelReport();
    expect(random.validation?.holdOut).toBe("random");
    expect(random.validation?.candidates[0]?.ndcg).not.toBe(forward.validation?.candidates[0]?.ndcg);
  });

  it("a snapshot keeps each user's interaction order, so a retrain after fromJSON validates on the same items", () => {
    const engine = engineWith({});
    const report = engine.train();
    const restored = RecommendationEngine.fromJSON(JSON.stringify(engine), { minInteractions: 1 });
    expect(restored.getModelReport()).toEqual(report);
    expect(restored.train()).toEqual(report);
    const json = JSON.parse(JSON.stringify(engine));
    json.model.validation.holdOut = "newest";
    expect(captureValidationIssues(() => RecommendationEngine.fromJSON(json))).toEqual([
      expect.stringMatching(/^json\.model\.validation\.holdOut: .*latest.*random/),
    ]);
  });

  it("rejects invalid model options with the accepted values", () => {
    const issues = captureValidationIssues(
      () => new RecommendationEngine({ model: "bpr" as never, maxEaseItems: 0, retrainGrowth: 1 }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^options\.model: .*auto.*knn.*ease.*als/),
      expect.stringMatching(/^options\.maxEaseItems: /),
      expect.stringMatching(/^options\.retrainGrowth: /),
    ]);
  });
});
