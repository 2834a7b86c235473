// RecommendationEngine on real movie ratings: implicit feedback from ratings ≥ 4 (items and users with at least 5
// positives), two per-user hold-outs (a seeded random 20% of each user's positives, and each user's latest positive by
// timestamp), NDCG@10 and recall@10 over every test user, training items excluded. Ours: the default engine (`auto`),
// `auto` with EASE allowed on this catalogue or with the random validation hold-out, and each fixed model; the
// default's gap to the best reference comes with its paired standard error over the test users. References written in bench/recommendation
// (no code shared with the engine): popularity, user kNN, item kNN and EASE from the paper's closed form, its λ chosen
// on a hold-out inside the training rows with the split's own protocol.
//
// Data: the file named by RATINGS_PATH (MovieLens `u.data`, `ratings.dat` or `ratings.csv`, or a folder holding one),
// else MovieLens "latest-small" (2016) from R's dslabs package (Debian: `apt-get install r-cran-dslabs`) through
// Rscript. MovieLens' terms forbid redistributing the data, so none is kept in this repository. Without either the
// benchmark fails with a message saying so (and `pnpm bench` keeps the previous block).
import { RecommendationEngine, type RecommendationEngineOptions } from "../src/recommendation/recommendation-engine";
import type { RecommendationModelReport } from "../src/recommendation/recommendation-engine-types";
import {
  implicitPositives,
  leaveLastOut,
  loadRatings,
  type PositiveRow,
  type PositiveSplit,
  randomHoldOut,
} from "./recommendation/ratings-data";
import {
  easeRanker,
  itemKnnRanker,
  popularityRanker,
  type Ranker,
  topKScores,
  trainingSet,
  userKnnRanker,
} from "./recommendation/reference-recommenders";

const THRESHOLD = 4;
const MIN_POSITIVES = 5;
const SHARE = 0.2;
const SEED = 17;
const K = 10;
const DEFAULT_ROW = "**ours, auto (default)**";
/** The reference EASE's λ walk starts here and doubles or halves while validation improves (within the bounds). */
const EASE_LAMBDA_START = 200;
const EASE_LAMBDA_BOUNDS = [10, 20_000] as const;

interface Measured {
  readonly ndcg: number;
  readonly recall: number;
  /** Each test user's NDCG@10, in the order of the split's test map (for paired comparisons). */
  readonly perUser: Float64Array;
}

function evaluate(ranker: Ranker, test: ReadonlyMap<string, ReadonlySet<string>>): Measured {
  const perUser = new Float64Array(test.size);
  let recall = 0;
  let index = 0;
  for (const [user, relevant] of test) {
    const scores = topKScores(ranker(user, K), relevant, K);
    perUser[index] = scores.ndcg;
    recall += scores.recall;
    index += 1;
  }
  const ndcg = perUser.reduce((sum, value) => sum + value, 0) / test.size;
  return { ndcg, recall: recall / test.size, perUser };
}

/** The standard error of a mean over the test users. */
function meanStandardError(values: Float64Array): number {
  const count = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / count;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  return Math.sqrt(variance / count);
}

/** Mean per-user difference `a − b` and its standard error (the users are the same, so the comparison is paired). */
function pairedDifference(a: Measured, b: Measured): { readonly mean: number; readonly standardError: number } {
  const count = a.perUser.length;
  const differences = a.perUser.map((value, index) => value - (b.perUser[index] as number));
  const mean = differences.reduce((sum, value) => sum + value, 0) / count;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  return { mean, standardError: Math.sqrt(variance / count) };
}

interface Timed<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timed<T>(call: () => T): Timed<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = call();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

type SplitKind = "random 20%" | "leave-last-out";

function splitOf(kind: SplitKind, rows: readonly PositiveRow[]): PositiveSplit {
  return kind === "random 20%" ? randomHoldOut(rows, SHARE, SEED) : leaveLastOut(rows);
}

function describeReport(report: RecommendationModelReport): string {
  const chosen =
    report.model === "ease"
      ? `EASE λ ${report.ease?.lambda.toFixed(1)} (${report.ease?.lambdaFactor} × mean item count, ${report.ease?.input} input)`
      : report.model === "als"
        ? `ALS ${report.als?.factors} factors, λ ${report.als?.lambda.toFixed(1)}, α ${report.als?.alpha}, ${report.als?.iterations} sweeps, ${report.als?.input} input`
        : "kNN blend";
  const candidates = (report.validation?.candidates ?? [])
    .map(
      (entry) =>
        `${entry.model}${entry.lambdaFactor === undefined ? "" : ` λ×${entry.lambdaFactor}`}${entry.input === undefined ? "" : ` ${entry.input}`} ${entry.ndcg.toFixed(4)}`,
    )
    .join(", ");
  const validation =
    report.validation === undefined
      ? "no validation"
      : `validation on ${report.validation.users} users' ${report.validation.holdOut ?? ""} ${report.validation.heldOut} items: ${candidates}`;
  return `${report.requested} → ${chosen} (${report.reason}); ${validation}`;
}

interface ResultRow {
  readonly model: string;
  readonly measured: Measured;
  readonly trainMs: number;
  readonly trainCpuMs: number;
  readonly reference: boolean;
}

function engineRow(
  name: string,
  split: PositiveSplit,
  options: RecommendationEngineOptions,
  reports: string[],
): ResultRow {
  const engine = new RecommendationEngine({ minInteractions: 1, ...options });
  for (const row of split.train) engine.trackInteraction(row.user, row.item, "view");
  process.stderr.write(`  ${name}…\n`);
  const training = timed(() => engine.train());
  reports.push(`${name}: ${describeReport(training.value)}`);
  const ranker: Ranker = (user, k) =>
    engine.generateRecommendations(user, { limit: k }).map((recommendation) => recommendation.itemId);
  return {
    model: name,
    measured: evaluate(ranker, split.test),
    trainMs: training.wallMs,
    trainCpuMs: training.cpuMs,
    reference: false,
  };
}

function referenceRow(
  name: string,
  split: PositiveSplit,
  build: (set: ReturnType<typeof trainingSet>) => Ranker,
): ResultRow {
  process.stderr.write(`  ${name}…\n`);
  const fit = timed(() => build(trainingSet(split.train)));
  return {
    model: name,
    measured: evaluate(fit.value, split.test),
    trainMs: fit.wallMs,
    trainCpuMs: fit.cpuMs,
    reference: true,
  };
}

/**
 * Picks EASE's λ on a hold-out inside the training rows, made with the split's own protocol (seed + 1): starts at
 * {@link EASE_LAMBDA_START}, tries twice and half the best so far and moves while one of them scores better.
 */
function easeLambda(kind: SplitKind, split: PositiveSplit, notes: string[]): number {
  const inner = kind === "random 20%" ? randomHoldOut(split.train, SHARE, SEED + 1) : leaveLastOut(split.train);
  const set = trainingSet(inner.train);
  const scores = new Map<number, number>();
  let cpuMs = 0;
  const score = (lambda: number): number => {
    const known = scores.get(lambda);
    if (known !== undefined) return known;
    process.stderr.write(`  reference EASE validation, λ ${lambda}…\n`);
    const fit = timed(() => evaluate(easeRanker(set, lambda), inner.test).ndcg);
    cpuMs += fit.cpuMs;
    scores.set(lambda, fit.value);
    return fit.value;
  };
  let best = EASE_LAMBDA_START;
  for (;;) {
    const neighbours = [best / 2, best * 2].filter(
      (lambda) => lambda >= EASE_LAMBDA_BOUNDS[0] && lambda <= EASE_LAMBDA_BOUNDS[1],
    );
    const next = neighbours.reduce((winner, lambda) => (score(lambda) > score(winner) ? lambda : winner), best);
    if (next === best) break;
    best = next;
  }
  const tried = [...scores].sort(([a], [b]) => a - b).map(([lambda, ndcg]) => `λ ${lambda} ${ndcg.toFixed(4)}`);
  notes.push(
    `reference EASE, ${kind}: λ ${best} by validation on ${inner.test.size} users (${tried.join(", ")}; ${(cpuMs / 1000).toFixed(1)} s CPU for the ${scores.size} fits and their scoring)`,
  );
  return best;
}

export default async function recommendationsRealBench(): Promise<void> {
  const loaded = loadRatings();
  if ("missing" in loaded) {
    throw new Error(
      `recommendations-real: no ratings to measure on: ${loaded.missing}. Set RATINGS_PATH to a MovieLens u.data, ratings.dat or ratings.csv (or a folder holding one), or install R's dslabs package (Debian: r-cran-dslabs).`,
    );
  }
  const rows = loaded.rows;
  const positives = implicitPositives(rows, {
    threshold: THRESHOLD,
    minItemPositives: MIN_POSITIVES,
    minUserPositives: MIN_POSITIVES,
  });
  const users = new Set(positives.map((row) => row.user)).size;
  const items = new Set(positives.map((row) => row.item));
  const hasTime = positives.every((row) => row.timestamp !== undefined);
  console.log(
    `Data: ${loaded.source}: ${rows.length.toLocaleString("en")} ratings by ${new Set(rows.map((row) => row.user)).size} users on ${new Set(rows.map((row) => row.item)).size.toLocaleString("en")} items. ` +
      `Implicit feedback: ratings ≥ ${THRESHOLD}, then items and users with at least ${MIN_POSITIVES} positives: ` +
      `${positives.length.toLocaleString("en")} positives, ${users} users, ${items.size.toLocaleString("en")} items. ` +
      `Every test user is scored (top ${K}, training items excluded); ours get the training rows as "view"s in time order, minInteractions 1.\n`,
  );
  console.log(
    "| split | model | NDCG@10 | ± standard error | recall@10 | train ms (wall) | train CPU ms |\n|---|---|---|---|---|---|---|",
  );
  const notes: string[] = [];
  const reports: string[] = [];
  const kinds: SplitKind[] = hasTime ? ["random 20%", "leave-last-out"] : ["random 20%"];
  const summary: string[] = [];
  for (const kind of kinds) {
    const split = splitOf(kind, positives);
    const heldOut = [...split.test.values()].reduce((sum, set) => sum + set.size, 0);
    notes.push(`${kind}: ${split.train.length} training positives, ${heldOut} held out over ${split.test.size} users`);
    const lambda = easeLambda(kind, split, notes);
    const easeItems = Math.max(items.size, 1);
    const results: ResultRow[] = [
      referenceRow("reference: popularity", split, popularityRanker),
      referenceRow("reference: user kNN cosine, k = 50", split, (set) => userKnnRanker(set, 50)),
      referenceRow("reference: item kNN cosine, k = all", split, (set) => itemKnnRanker(set, Number.POSITIVE_INFINITY)),
      referenceRow("reference: item kNN cosine, k = 50", split, (set) => itemKnnRanker(set, 50)),
      referenceRow(`reference: EASE, λ ${lambda} (validated)`, split, (set) => easeRanker(set, lambda)),
      engineRow("ours, knn: kNN blend", split, { model: "knn" }, reports),
      engineRow("ours, als: implicit ALS, λ by validation", split, { model: "als" }, reports),
      engineRow(
        `ours, ease: EASE, λ by validation (maxEaseItems ${easeItems})`,
        split,
        { model: "ease", maxEaseItems: easeItems },
        reports,
      ),
      engineRow(`ours, auto with maxEaseItems ${easeItems}`, split, { maxEaseItems: easeItems }, reports),
      engineRow("ours, auto with validationHoldOut random", split, { validationHoldOut: "random" }, reports),
      engineRow(DEFAULT_ROW, split, {}, reports),
    ];
    for (const row of results) {
      console.log(
        `| ${kind} | ${row.model} | ${row.measured.ndcg.toFixed(4)} | ${meanStandardError(row.measured.perUser).toFixed(4)} | ${row.measured.recall.toFixed(4)} | ${row.trainMs.toFixed(0)} | ${row.trainCpuMs.toFixed(0)} |`,
      );
    }
    const ours = results.find((row) => row.model === DEFAULT_ROW) as ResultRow;
    const best = results
      .filter((row) => row.reference)
      .sort((a, b) => b.measured.ndcg - a.measured.ndcg)[0] as ResultRow;
    const { mean, standardError } = pairedDifference(ours.measured, best.measured);
    summary.push(
      `${kind}: default auto ${ours.measured.ndcg.toFixed(4)} vs best reference (${best.model.replace("reference: ", "")}) ${best.measured.ndcg.toFixed(4)}: ` +
        `${mean >= 0 ? "ahead" : "behind"} by ${Math.abs(mean).toFixed(4)} (paired standard error ${standardError.toFixed(4)}, 95% interval ${(mean - 1.96 * standardError).toFixed(4)} to ${(mean + 1.96 * standardError).toFixed(4)})`,
    );
    reports.push("");
  }
  console.log(`\nGoal (default auto ahead of every reference on both splits): ${summary.join("; ")}.`);
  console.log(`\n${notes.join("\n")}\n`);
  for (const line of reports) if (line !== "") console.log(line);
}
