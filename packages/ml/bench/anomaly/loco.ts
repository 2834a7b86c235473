// Leave-one-category-out (LOCO) evaluation of a family of detector configurations on the NAB files of fixtures/ml.
import { readFileSync } from "node:fs";
import { combineNabScores, type NabScore } from "../../src/anomaly/score-nab";

/** NAB's categories as LOCO folds; the two artificial ones are one fold (the no-anomaly files have no window). */
export function nabCategories(): Map<string, string[]> {
  const windows = JSON.parse(
    readFileSync(new URL("../../../../fixtures/ml/anomaly/nab/nab_windows.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>;
  const categories = new Map<string, string[]>();
  for (const key of Object.keys(windows)) {
    const [category = "", file = ""] = key.split("/");
    const fold = category.startsWith("artificial") ? "artificial" : category;
    const name = file.replace(/\.csv$/, "");
    categories.set(fold, [...(categories.get(fold) ?? []), name]);
  }
  return categories;
}

/** Scores of one configuration: its label and one NAB score per file name. */
export interface ConfigurationScores {
  readonly label: string;
  readonly scores: ReadonlyMap<string, NabScore>;
}

/** One held-out fold of a LOCO run. */
export interface LocoFold {
  readonly category: string;
  readonly chosen: string;
  /** Standard normalised score of the chosen configuration on the other categories. */
  readonly trainScore: number;
  /** Standard normalised score of the chosen configuration on the held-out category. */
  readonly heldOutScore: number;
}

/** The result of {@link leaveOneCategoryOut}. */
export interface LocoResult {
  readonly folds: readonly LocoFold[];
  /** Standard normalised score of all held-out files together, each scored by its fold's choice. */
  readonly heldOut: number;
  /** The configuration that is best on all files, and its standard normalised score there. */
  readonly inSampleBest: string;
  readonly inSample: number;
}

const standard = (scores: readonly NabScore[]) => combineNabScores(scores).standard.normalised;

function pick(configurations: readonly ConfigurationScores[], files: readonly string[]): [ConfigurationScores, number] {
  let best = configurations[0] as ConfigurationScores;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const configuration of configurations) {
    const score = standard(files.map((file) => configuration.scores.get(file) as NabScore));
    if (score > bestScore) [best, bestScore] = [configuration, score];
  }
  return [best, bestScore];
}

/**
 * For each category, chooses the configuration that is best on the other categories and scores it on the held-out
 * one; also the single configuration best on every file (the in-sample figure).
 */
export function leaveOneCategoryOut(
  configurations: readonly ConfigurationScores[],
  categories: ReadonlyMap<string, readonly string[]>,
): LocoResult {
  const all = [...categories.values()].flat();
  const folds: LocoFold[] = [];
  const heldOutScores: NabScore[] = [];
  for (const [category, files] of categories) {
    const others = all.filter((file) => !files.includes(file));
    const [chosen, trainScore] = pick(configurations, others);
    const scores = files.map((file) => chosen.scores.get(file) as NabScore);
    heldOutScores.push(...scores);
    folds.push({ category, chosen: chosen.label, trainScore, heldOutScore: standard(scores) });
  }
  const [best, inSample] = pick(configurations, all);
  return { folds, heldOut: standard(heldOutScores), inSampleBest: best.label, inSample };
}
