// Loads fixtures/ml/reco and runs the REFERENCE.md §5 protocol (implicit feedback, top-10, training items excluded).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { rankingMetrics } from "../../src/recommendation/ranking-metrics";
import { RecommendationEngine, type RecommendationEngineOptions } from "../../src/recommendation/recommendation-engine";

const fixtureDirectory = new URL("../../../../fixtures/ml/", import.meta.url);

/** One row of reco/interactions.csv. */
export interface InteractionRow {
  readonly user: string;
  readonly item: string;
  readonly timestamp: number;
}

/** Training rows and the held-out items per user of one split. */
export interface RecoSplit {
  readonly train: readonly InteractionRow[];
  readonly test: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Mean top-10 metrics over users with at least one test item, as in reference/reco.json. */
export interface RecoScores {
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly hit: number;
  readonly users: number;
}

function readCsv(relativePath: string): Record<string, string>[] {
  return parse(readFileSync(new URL(relativePath, fixtureDirectory), "utf8"), {
    columns: true,
    skip_empty_lines: true,
  });
}

/** Reads interactions.csv once. */
export function loadInteractions(): InteractionRow[] {
  return readCsv("reco/interactions.csv").map((row) => ({
    user: row.user_id as string,
    item: row.item_id as string,
    timestamp: Number(row.timestamp),
  }));
}

/** The reference figures of reference/reco.json. */
export function loadReference(): Record<string, Record<string, Record<string, number>>> {
  const json = JSON.parse(readFileSync(new URL("reference/reco.json", fixtureDirectory), "utf8")) as {
    results: Record<string, Record<string, Record<string, number>>>;
  };
  return json.results;
}

/** random80 (split_random80.csv) or leave_last_out (each user's latest row is the test item). */
export function makeSplit(rows: readonly InteractionRow[], kind: "random80" | "leave_last_out"): RecoSplit {
  const isTest: boolean[] = new Array(rows.length).fill(false);
  if (kind === "random80") {
    for (const row of readCsv("reco/split_random80.csv")) isTest[Number(row.row)] = row.split === "test";
  } else {
    const latest = new Map<string, number>();
    rows.forEach((row, index) => {
      const current = latest.get(row.user);
      if (current === undefined || (rows[current] as InteractionRow).timestamp < row.timestamp)
        latest.set(row.user, index);
    });
    for (const index of latest.values()) isTest[index] = true;
  }
  const train: InteractionRow[] = [];
  const test = new Map<string, Set<string>>();
  for (const [index, row] of rows.entries()) {
    if (!isTest[index]) {
      train.push(row);
      continue;
    }
    const items = test.get(row.user) ?? new Set<string>();
    items.add(row.item);
    test.set(row.user, items);
  }
  return { train, test };
}

/** Trains an engine on the split's training rows (each row one `view`) and scores every test user's top 10. */
export function evaluateSplit(split: RecoSplit, options: RecommendationEngineOptions = {}): RecoScores {
  const engine = new RecommendationEngine({ minInteractions: 1, ...options });
  for (const row of split.train) engine.trackInteraction(row.user, row.item, "view");
  return scoreEngine(engine, split);
}

/** Scores an already trained engine on the split's test users. */
export function scoreEngine(engine: RecommendationEngine, split: RecoSplit): RecoScores {
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let hit = 0;
  for (const [user, relevant] of split.test) {
    const ranked = engine.generateRecommendations(user, { limit: 10 }).map((recommendation) => recommendation.itemId);
    const metrics = rankingMetrics(ranked, relevant, 10);
    precision += metrics.precision;
    recall += metrics.recall;
    ndcg += metrics.ndcg;
    hit += metrics.hit;
  }
  const users = split.test.size;
  return { precision: precision / users, recall: recall / users, ndcg: ndcg / users, hit: hit / users, users };
}
