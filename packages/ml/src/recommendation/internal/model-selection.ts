import { createRandom } from "../../random/create-random";
import type {
  ModelCandidateReport,
  RecommendationModelChoice,
  RecommendationModelReport,
  ValidationHoldOut,
} from "../recommendation-engine-types";
import { type AlsModel, type AlsSettings, fitAls } from "./als-model";
import {
  createEaseWorkspace,
  type EaseInput,
  type EaseModel,
  fitEase,
  fitEaseInWorkspace,
  gramMatrix,
  meanDiagonal,
} from "./ease-model";
import { InteractionMatrix } from "./interaction-matrix";
import { RecommendationScorer, type ScorerSettings } from "./recommendation-scorer";
import type { SparseRow } from "./sparse-row";

/** What model selection needs from the engine's options. */
export interface SelectionSettings extends ScorerSettings {
  readonly itemSimilarityAsymmetry: number;
  readonly model: RecommendationModelChoice;
  readonly maxEaseItems: number;
  readonly validationHoldOut: ValidationHoldOut;
}

/** The outcome of a training run: the report, and the EASE or ALS model when one of them won. */
export interface TrainedModel {
  readonly report: RecommendationModelReport;
  readonly personal: EaseModel | AlsModel | undefined;
}

/** Share of each validation user's items held out (at least one, and at least one kept). */
export const HOLD_OUT_SHARE = 0.2;
/** At most this many users are held out and scored, so validation cost stops growing with the user count. */
export const MAX_VALIDATION_USERS = 1_000;
/** Below this many users with two or more items there is no validation. */
export const MIN_VALIDATION_USERS = 10;
/**
 * λ factors (× the mean item count) EASE's search walks along, starting at 16: the best factor on the data measured
 * so far lay between 16 and 256, so starting there usually brackets the best with three fits.
 */
export const LAMBDA_FACTORS = [1 / 16, 1 / 4, 1, 4, 16, 64, 256] as const;
/**
 * Catalogues up to this size also try the factors halfway (×2, ÷2) around the best one and walk the λ ladder for
 * every input; larger ones, where each fit costs items³/2, do neither.
 */
export const REFINE_MAX_ITEMS = 500;
/** λ factor used when EASE is fixed and there is too little data to validate. */
export const DEFAULT_LAMBDA_FACTOR = 1;
const START_FACTOR_INDEX = 4;
/** Implicit ALS's fixed settings; only λ is searched (it matters most: too strong collapses every factor). */
export const ALS_SHAPE = { factors: 32, alpha: 2, iterations: 8 } as const;
/**
 * Multiply-adds one ALS fit may cost for `"auto"` to try it (about a second of CPU here): above it, `"auto"` keeps
 * the kNN blend (`too_many_items`), and `model: "als"` still trains. A MovieLens-100k-sized data set (943 users,
 * 1,682 items, 55k interactions) needs about 3.1·10⁸; 100k interactions over 10,000 items and 5,000 users, 7·10⁸.
 */
export const ALS_AUTO_BUDGET = 4e8;
/**
 * Multiply-adds all of `"auto"`'s ALS fits together may cost (the λ walk's validation fits and the refit; about four
 * fits at {@link ALS_AUTO_BUDGET}): the walk stops early when one more fit would pass it. A fixed `model: "als"`
 * walks without a limit.
 */
export const ALS_AUTO_SEARCH_BUDGET = 4 * ALS_AUTO_BUDGET;
/** λ factors (× the mean interactions per item) ALS's search walks along, starting at 1/2. */
export const ALS_LAMBDA_FACTORS = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2] as const;
const ALS_START_INDEX = 3;
const VALIDATION_SEED = 2019;
const CUT_OFF = 10;

/** The users' held-out items, and the matrix of everything else. */
export interface ValidationSplit {
  readonly train: InteractionMatrix;
  readonly heldOut: ReadonlyMap<string, ReadonlySet<string>>;
  /** The same as {@link heldOut} by index: user index → item indices (both the same in `train` as in the engine). */
  readonly heldOutItems: ReadonlyMap<number, ReadonlySet<number>>;
  readonly heldOutCount: number;
}

/**
 * Trains the engine's model on its current data. `"knn"` trains nothing. Otherwise a share of the interactions of up
 * to {@link MAX_VALIDATION_USERS} users is held out (each user's latest items, or a seeded random share: see
 * {@link splitForValidation}), every candidate (the kNN blend for `"auto"`; EASE over a λ walk, for weighted and
 * binarised `X` when the strengths differ, the second input at the first one's best λ only above
 * {@link REFINE_MAX_ITEMS} items; ALS where EASE does not run) is scored by NDCG@10 on it, and the winner is refitted
 * on all the data (λ keeps its factor of the mean item count, which grows with the data).
 *
 * @param matrix - The engine's state (read, never changed).
 * @param settings - The resolved options.
 * @returns The report and the EASE model, if chosen.
 */
export function trainModel(matrix: InteractionMatrix, settings: SelectionSettings): TrainedModel {
  const size = matrix.itemIds.length;
  const base = { requested: settings.model, trainedInteractions: matrix.pairs, trainedItems: size };
  const knn = (reason: RecommendationModelReport["reason"], validation?: RecommendationModelReport["validation"]) => ({
    report: { ...base, model: "knn" as const, reason, ...(validation === undefined ? {} : { validation }) },
    personal: undefined,
  });
  if (settings.model === "knn") return knn("fixed");
  const easeFits = size <= settings.maxEaseItems;
  if (settings.model === "ease" && !easeFits) return knn("too_many_items");
  // Under "auto", ALS stands in for EASE on large catalogues only while its fits stay within the training budget.
  const alsInAuto = !easeFits && alsWork(matrix) <= ALS_AUTO_BUDGET;
  if (settings.model === "auto" && !easeFits && !alsInAuto) return knn("too_many_items");
  const inputs = easeInputs(matrix);
  const split = splitForValidation(matrix, settings.itemSimilarityAsymmetry, settings.validationHoldOut);
  if (split === undefined) {
    const input = inputs[0] as EaseInput;
    if (settings.model === "ease") {
      const ease = refit(matrix, DEFAULT_LAMBDA_FACTOR, input);
      const summary = easeSummary(ease, DEFAULT_LAMBDA_FACTOR);
      return { report: { ...base, model: "ease", reason: "too_little_data", ease: summary }, personal: ease };
    }
    if (settings.model === "als") {
      const als = { ...ALS_SHAPE, lambda: DEFAULT_LAMBDA_FACTOR * meanItemCount(matrix), input };
      const report = { ...base, model: "als" as const, reason: "too_little_data" as const, als };
      return { report, personal: fitAls(matrix.userRows, size, als) };
    }
    return knn("too_little_data");
  }
  const scorer = new RecommendationScorer(split.train, settings);
  const candidates: ModelCandidateReport[] = [];
  const trainGrams = new Map<EaseInput, Float64Array>();
  if (settings.model === "auto") candidates.push({ model: "knn", ndcg: validationNdcg(scorer, split, undefined) });
  if (settings.model === "ease" || (settings.model === "auto" && easeFits)) {
    // On large catalogues, where each fit costs items³/2, a second input is tried at the first one's best λ only.
    let bestFactor: number | undefined;
    for (const input of inputs) {
      const only = size > REFINE_MAX_ITEMS ? bestFactor : undefined;
      const gram = gramMatrix(split.train.userRows, size, input);
      trainGrams.set(input, gram);
      bestFactor = searchLambda(split, scorer, gram, input, candidates, only);
    }
  }
  // ALS competes where EASE cannot run (large catalogues); on small ones EASE is the stronger item model and ALS
  // would only add training time.
  if (settings.model === "als" || (settings.model === "auto" && alsInAuto)) {
    // One input only: ALS's confidence weights already use the strengths, and each fit costs seconds at scale. Both
    // walk the λ ladder; "auto" stops where its validation fits and the refit would pass its training budget.
    const maxFits =
      settings.model === "als"
        ? Number.POSITIVE_INFINITY
        : Math.max(1, Math.floor(ALS_AUTO_SEARCH_BUDGET / alsWork(matrix)) - 1);
    searchAls(split, scorer, inputs[0] as EaseInput, candidates, maxFits);
  }
  let best = candidates[0] as ModelCandidateReport;
  for (const candidate of candidates) if (candidate.ndcg > best.ndcg) best = candidate;
  const validation = {
    users: split.heldOut.size,
    heldOut: split.heldOutCount,
    holdOut: settings.validationHoldOut,
    candidates,
  };
  if (best.model === "knn") return knn("validated", validation);
  if (best.model === "als") {
    // λ keeps its factor of the mean interactions per item, which grows with the data, as for EASE.
    const als = { ...(best.als as AlsSettings), lambda: (best.lambdaFactor as number) * meanItemCount(matrix) };
    const report = { ...base, model: "als" as const, reason: "validated" as const, als, validation };
    return { report, personal: fitAls(matrix.userRows, size, als) };
  }
  const factor = best.lambdaFactor as number;
  const input = best.input as EaseInput;
  const trainGram = trainGrams.get(input);
  // The split's XᵀX plus the held-out pairs is the whole data's XᵀX; with integer terms it is exact in any order.
  const ease =
    trainGram !== undefined && integerTerms(matrix, input)
      ? fitWithGram(addHeldOutPairs(trainGram, matrix, split.heldOutItems, input), size, factor, input)
      : refit(matrix, factor, input);
  return {
    report: { ...base, model: "ease", reason: "validated", ease: easeSummary(ease, factor), validation },
    personal: ease,
  };
}

/**
 * Walks ALS's λ ladder from its middle towards the better neighbour until NDCG@10 stops improving or `maxFits` fits
 * are spent; every try is recorded.
 */
function searchAls(
  split: ValidationSplit,
  scorer: RecommendationScorer,
  input: EaseInput,
  candidates: ModelCandidateReport[],
  maxFits: number,
): void {
  const size = split.train.itemIds.length;
  const scale = meanItemCount(split.train);
  const evaluate = (factor: number): number => {
    const als = { ...ALS_SHAPE, lambda: factor * scale, input };
    const ndcg = validationNdcg(scorer, split, fitAls(split.train.userRows, size, als));
    candidates.push({ model: "als", lambdaFactor: factor, als, ndcg });
    return ndcg;
  };
  let index = ALS_START_INDEX;
  let bestNdcg = evaluate(ALS_LAMBDA_FACTORS[index] as number);
  let fits = 1;
  for (const step of [1, -1]) {
    let moved = false;
    while (index + step >= 0 && index + step < ALS_LAMBDA_FACTORS.length && fits < maxFits) {
      fits += 1;
      const ndcg = evaluate(ALS_LAMBDA_FACTORS[index + step] as number);
      if (ndcg <= bestNdcg) break;
      bestNdcg = ndcg;
      index += step;
      moved = true;
    }
    if (moved) break;
  }
}

/** Multiply-adds of one ALS fit: per sweep and row, four `k × k` products and four passes over its interactions. */
function alsWork(matrix: InteractionMatrix): number {
  const k = ALS_SHAPE.factors;
  const rows = matrix.userIds.length + matrix.itemIds.length;
  return ALS_SHAPE.iterations * 4 * (rows * k * k + 2 * matrix.pairs * 2 * k);
}

/** The mean number of users per item over items with at least one interaction (1 when there are none). */
function meanItemCount(matrix: InteractionMatrix): number {
  const seen = new Set<number>();
  for (const row of matrix.userRows) for (const item of row.columns) seen.add(item);
  return seen.size === 0 ? 1 : matrix.pairs / seen.size;
}

/**
 * Fits EASE on all of the matrix's data with λ = `factor` × the mean item count.
 *
 * @param matrix - The engine's state.
 * @param factor - The λ factor.
 * @param input - Weighted or binarised `X`.
 * @returns The model over every item known now.
 */
export function refit(matrix: InteractionMatrix, factor: number, input: EaseInput): EaseModel {
  const size = matrix.itemIds.length;
  return fitWithGram(gramMatrix(matrix.userRows, size, input), size, factor, input);
}

function fitWithGram(gram: Float64Array, size: number, factor: number, input: EaseInput): EaseModel {
  return fitEase(gram, size, factor * meanDiagonal(gram, size), input);
}

/** Whether every term of `XᵀX` is an integer (binary input, or integer strengths), so its sums are exact. */
function integerTerms(matrix: InteractionMatrix, input: EaseInput): boolean {
  if (input === "binary") return true;
  for (const { values } of matrix.userRows) for (const value of values) if (!Number.isInteger(value)) return false;
  return true;
}

/**
 * Turns the split's training `XᵀX` (in place) into the whole matrix's: for each held-out user, adds the products of
 * every pair of the user's items in which at least one item was held out (the pairs of two kept items are in it
 * already). Exact when every term is an integer below 2^53 (see {@link integerTerms}): then it equals
 * {@link gramMatrix} over the whole matrix bit for bit, at the cost of the held-out users' pairs instead of all users'.
 *
 * @param gram - The split's `XᵀX` (changed).
 * @param matrix - The engine's state the split was made from.
 * @param heldOut - User index → held-out item indices.
 * @param input - How `X` was built.
 * @returns `gram`.
 */
export function addHeldOutPairs(
  gram: Float64Array,
  matrix: InteractionMatrix,
  heldOut: ReadonlyMap<number, ReadonlySet<number>>,
  input: EaseInput,
): Float64Array {
  const size = matrix.itemIds.length;
  const binary = input === "binary";
  for (const [user, held] of heldOut) {
    const { columns, values } = matrix.userRows[user] as SparseRow;
    for (let a = 0; a < columns.length; a += 1) {
      const item = columns[a] as number;
      const value = binary ? 1 : (values[a] as number);
      const itemHeld = held.has(item);
      for (let b = 0; b < columns.length; b += 1) {
        const other = columns[b] as number;
        if (!itemHeld && !held.has(other)) continue;
        const at = item * size + other;
        gram[at] = (gram[at] as number) + value * (binary ? 1 : (values[b] as number));
      }
    }
  }
  return gram;
}

function easeSummary(model: EaseModel, lambdaFactor: number): NonNullable<RecommendationModelReport["ease"]> {
  return { lambda: model.lambda, lambdaFactor, input: model.input };
}

/** Binarised `X` only when every strength is the same (then weighting changes nothing but the scale of λ). */
function easeInputs(matrix: InteractionMatrix): EaseInput[] {
  let first: number | undefined;
  for (const row of matrix.userRows) {
    for (const value of row.values) {
      first ??= value;
      if (value !== first) return ["weighted", "binary"];
    }
  }
  return ["binary"];
}

/**
 * Walks the λ ladder from its start towards the better neighbour until NDCG@10 stops improving (it is unimodal in
 * λ in practice), then, on catalogues of at most {@link REFINE_MAX_ITEMS} items, tries the halfway factors around
 * the best; every try is recorded. With `only`, tries that factor alone.
 *
 * @returns The best factor tried.
 */
function searchLambda(
  split: ValidationSplit,
  scorer: RecommendationScorer,
  gram: Float64Array,
  input: EaseInput,
  candidates: ModelCandidateReport[],
  only: number | undefined,
): number {
  const size = split.train.itemIds.length;
  const scale = meanDiagonal(gram, size);
  const tried = new Map<number, number>();
  // One SIMD workspace for every λ: each model is scored where it was fitted and dropped before the next fit.
  const workspace = createEaseWorkspace(size);
  const evaluate = (factor: number): number => {
    const known = tried.get(factor);
    if (known !== undefined) return known;
    const lambda = factor * scale;
    const model =
      workspace === null
        ? fitEase(gram, size, lambda, input)
        : fitEaseInWorkspace(workspace, gram, size, lambda, input);
    const ndcg = validationNdcg(scorer, split, model);
    tried.set(factor, ndcg);
    candidates.push({ model: "ease", lambdaFactor: factor, input, ndcg });
    return ndcg;
  };
  if (only !== undefined) {
    evaluate(only);
    return only;
  }
  let index = START_FACTOR_INDEX;
  let bestNdcg = evaluate(LAMBDA_FACTORS[index] as number);
  for (const step of [1, -1]) {
    while (index + step >= 0 && index + step < LAMBDA_FACTORS.length) {
      const ndcg = evaluate(LAMBDA_FACTORS[index + step] as number);
      if (ndcg <= bestNdcg) break;
      bestNdcg = ndcg;
      index += step;
    }
  }
  let bestFactor = LAMBDA_FACTORS[index] as number;
  if (size > REFINE_MAX_ITEMS) return bestFactor;
  for (const factor of [bestFactor * 2, bestFactor / 2]) {
    const ndcg = evaluate(factor);
    if (ndcg > bestNdcg) {
      bestNdcg = ndcg;
      bestFactor = factor;
    }
  }
  return bestFactor;
}

/**
 * Holds out {@link HOLD_OUT_SHARE} of the items of up to {@link MAX_VALIDATION_USERS} (seeded choice) users with two
 * or more items: each user's latest items (rows keep items in first-interaction order: the items a user reached last
 * are what the model must predict next; items interacted with again later were already known before) or a seeded
 * random share.
 *
 * @param matrix - The engine's state (read, never changed).
 * @param asymmetry - α of the training matrix's asymmetric cosine.
 * @param holdOut - Which items to hold out.
 * @returns The split, or `undefined` when fewer than {@link MIN_VALIDATION_USERS} users have two or more items.
 */
export function splitForValidation(
  matrix: InteractionMatrix,
  asymmetry: number,
  holdOut: ValidationHoldOut,
): ValidationSplit | undefined {
  const eligible: number[] = [];
  matrix.userRows.forEach((row, user) => {
    if (row.columns.length >= 2) eligible.push(user);
  });
  if (eligible.length < MIN_VALIDATION_USERS) return undefined;
  const random = createRandom(VALIDATION_SEED);
  const chosen = random.shuffle(eligible).slice(0, MAX_VALIDATION_USERS);
  const heldOutPairs = new Map<number, Set<number>>();
  let heldOutCount = 0;
  for (const user of chosen) {
    const items = [...(matrix.userRows[user] as SparseRow).columns];
    const count = Math.min(items.length - 1, Math.max(1, Math.round(HOLD_OUT_SHARE * items.length)));
    // Columns are in first-interaction order, so the last ones are the items the user found most recently.
    const held = holdOut === "latest" ? items.slice(items.length - count) : random.shuffle(items).slice(0, count);
    heldOutPairs.set(user, new Set(held));
    heldOutCount += count;
  }
  const train = new InteractionMatrix(asymmetry, matrix.featureDimension);
  for (const id of matrix.userIds) train.registerUser(id);
  for (const id of matrix.itemIds) train.registerItem(id);
  matrix.userRows.forEach((row, user) => {
    const held = heldOutPairs.get(user);
    row.columns.forEach((item, position) => {
      if (held?.has(item) !== true) train.setStrength(user, item, row.values[position] as number);
    });
  });
  for (const item of matrix.featuredItems) train.setFeatures(item, matrix.features[item] as Float64Array);
  const heldOut = new Map<string, Set<string>>();
  for (const [user, items] of heldOutPairs) {
    heldOut.set(matrix.userIds[user] as string, new Set([...items].map((item) => matrix.itemIds[item] as string)));
  }
  return { train, heldOut, heldOutItems: heldOutPairs, heldOutCount };
}

/** Mean NDCG@10 (binary gains, log2 discount) of the scorer's top 10 against each user's held-out items. */
function validationNdcg(
  scorer: RecommendationScorer,
  split: ValidationSplit,
  trained: EaseModel | AlsModel | undefined,
): number {
  let total = 0;
  for (const [user, relevant] of split.heldOutItems) {
    const ranked = scorer.rankItems(user, CUT_OFF, trained);
    let dcg = 0;
    ranked.forEach((item, rank) => {
      if (relevant.has(item)) dcg += 1 / Math.log2(rank + 2);
    });
    let ideal = 0;
    for (let rank = 0; rank < Math.min(relevant.size, CUT_OFF); rank += 1) ideal += 1 / Math.log2(rank + 2);
    total += dcg / ideal;
  }
  return total / split.heldOut.size;
}
