import type { Recommendation } from "../recommendation-engine-types";
import { type AlsModel, rankAls } from "./als-model";
import { createBoundedHeap } from "./bounded-heap";
import { type EaseModel, rankEase } from "./ease-model";
import { compareIds, type InteractionMatrix } from "./interaction-matrix";
import { ItemNeighbourhood } from "./item-neighbourhood";
import type { SparseRow } from "./sparse-row";

/** What the scorer needs from the engine's options. */
export interface ScorerSettings {
  readonly minInteractions: number;
  readonly itemNeighbourhoodSize: number;
  readonly userNeighbourhoodSize: number;
  readonly blend: { readonly item: number; readonly user: number; readonly content: number };
}

/** One recommendation request, validated. */
export interface ScoringRequest {
  readonly userId: string;
  readonly limit: number;
  readonly exclude: readonly string[];
  readonly includeInteracted: boolean;
  /** The clock's time, for expiry. */
  readonly now: number;
}

const OWN_ITEM = 1;
const EXCLUDED_ITEM = 2;

/**
 * Ranks items for one user from an {@link InteractionMatrix}: item-item kNN (asymmetric cosine, factorised so no
 * item-item matrix is built), user-user kNN and content similarity, blended per user, with the popularity fallback
 * for cold users. Owns the scratch buffers reused across calls, so scoring allocates nothing per candidate.
 */
export class RecommendationScorer {
  readonly #matrix: InteractionMatrix;
  readonly #neighbourhood: ItemNeighbourhood;
  readonly #minInteractions: number;
  readonly #itemNeighbourhoodSize: number;
  readonly #userNeighbourhoodSize: number;
  readonly #blendItem: number;
  readonly #blendUser: number;
  readonly #blendContent: number;

  // Scratch buffers, grown to the matrix's size at the start of a call; every mark and flag is 0 between calls.
  readonly #touchedItems: number[] = [];
  #touchedItemCount = 0;
  readonly #touchedUsers: number[] = [];
  #userAccumulator = new Float64Array(64);
  #userDot = new Float64Array(64);
  #userMark = new Uint8Array(64);
  #itemScore = new Float64Array(64);
  #userScore = new Float64Array(64);
  #contentScore = new Float64Array(64);
  #blendScore = new Float64Array(64);
  #itemMark = new Uint8Array(64);
  #itemFlags = new Uint8Array(64);
  #easeScore = new Float64Array(64);

  /**
   * @param matrix - The engine's state (read, never changed).
   * @param settings - The resolved options that shape the scores.
   */
  constructor(matrix: InteractionMatrix, settings: ScorerSettings) {
    this.#matrix = matrix;
    this.#minInteractions = settings.minInteractions;
    this.#itemNeighbourhoodSize = settings.itemNeighbourhoodSize;
    this.#userNeighbourhoodSize = settings.userNeighbourhoodSize;
    this.#blendItem = settings.blend.item;
    this.#blendUser = settings.blend.user;
    this.#blendContent = settings.blend.content;
    this.#neighbourhood = new ItemNeighbourhood(matrix, settings.itemNeighbourhoodSize);
  }

  /**
   * Recommends items for a user, best first: personalised scores filled up with popular items, or only popular items
   * (`popular_fallback`) for a user with fewer than `minInteractions` items or none at all.
   *
   * @param request - The validated request.
   * @param trained - When given, personalised scores come from this EASE or ALS model instead of the kNN blend.
   * @returns At most `limit` recommendations.
   */
  recommend(request: ScoringRequest, trained?: EaseModel | AlsModel): Recommendation[] {
    const { limit, exclude, includeInteracted, now } = request;
    const matrix = this.#matrix;
    this.#ensureCapacity();
    const user = matrix.userIndex.get(request.userId);
    const flagged: number[] = [];
    for (const id of exclude) {
      const item = matrix.itemIndex.get(id);
      if (item !== undefined) this.#flag(flagged, item, EXCLUDED_ITEM);
    }
    const userRow = user === undefined ? undefined : (matrix.userRows[user] as SparseRow);
    if (userRow !== undefined && !includeInteracted)
      for (const item of userRow.columns) this.#flag(flagged, item, OWN_ITEM);
    try {
      const isBlocked = this.#blockedTest(now);
      // Too little history to personalise: the popular items, with the reason saying so.
      if (user === undefined || userRow === undefined || userRow.columns.length < this.#minInteractions) {
        return this.#popular(limit, isBlocked, [], true);
      }
      const personal =
        trained === undefined
          ? this.#personalised(user, userRow, limit, now)
          : this.#personalisedTrained(trained, userRow, limit, isBlocked);
      if (personal.length >= limit) return personal;
      return this.#popular(limit, isBlocked, personal, false);
    } finally {
      this.#clearFlags(flagged);
    }
  }

  /**
   * The items {@link recommend} returns for a known user with no exclusions and nothing expired, in the same order,
   * as item indices and without the reasons: validation needs only the ranking, and explaining each item (its
   * strongest source) costs as much as a tenth of the scoring.
   *
   * @param user - The user's index in the matrix.
   * @param limit - How many items.
   * @param trained - As for {@link recommend}.
   * @returns Item indices, best first.
   */
  rankItems(user: number, limit: number, trained?: EaseModel | AlsModel): number[] {
    const matrix = this.#matrix;
    this.#ensureCapacity();
    const userRow = matrix.userRows[user] as SparseRow;
    const flagged: number[] = [];
    for (const item of userRow.columns) this.#flag(flagged, item, OWN_ITEM);
    const now = Number.NEGATIVE_INFINITY;
    try {
      const isBlocked = this.#blockedTest(now);
      if (userRow.columns.length < this.#minInteractions) return this.#popularItems(limit, isBlocked, []);
      const personal =
        trained === undefined
          ? this.#rankPersonalised(user, userRow, limit, now).items
          : this.#rankTrained(trained, userRow, limit, isBlocked);
      return personal.length >= limit ? personal : this.#popularItems(limit, isBlocked, personal);
    } finally {
      this.#clearFlags(flagged);
    }
  }

  #flag(flagged: number[], item: number, bit: number): void {
    const flags = this.#itemFlags;
    if (flags[item] === 0) flagged.push(item);
    flags[item] = (flags[item] as number) | bit;
  }

  #clearFlags(flagged: readonly number[]): void {
    const flags = this.#itemFlags;
    for (const item of flagged) flags[item] = 0;
  }

  /** Whether an item may not be returned: flagged (own or excluded), unavailable or expired at `now`. */
  #blockedTest(now: number): (item: number) => boolean {
    const flags = this.#itemFlags;
    const { unavailable, expiresAt } = this.#matrix;
    return (item) => flags[item] !== 0 || unavailable[item] === 1 || (expiresAt[item] as number) <= now;
  }

  /** The trained model's ranked items without their explanations. */
  #rankTrained(
    trained: EaseModel | AlsModel,
    userRow: SparseRow,
    limit: number,
    isBlocked: (item: number) => boolean,
  ): number[] {
    return this.#rankModel(trained, userRow, limit, isBlocked, false).map(({ item }) => item);
  }

  /** EASE's or ALS's top items for one user, with what each is based on when `explain` is set. */
  #rankModel(
    trained: EaseModel | AlsModel,
    userRow: SparseRow,
    limit: number,
    isBlocked: (item: number) => boolean,
    explain: boolean,
  ): ReturnType<typeof rankEase> {
    if (this.#easeScore.length < trained.size) this.#easeScore = new Float64Array(trained.size);
    return trained.kind === "ease"
      ? rankEase(trained, this.#matrix, userRow, limit, isBlocked, this.#easeScore, explain)
      : rankAls(trained, this.#matrix, userRow, limit, isBlocked, this.#easeScore, explain);
  }

  /**
   * EASE scores `x_u·B`, ALS `x_u·y_i`; every item is `similar_item`, based on the user's item contributing most
   * (EASE) or most alike in the latent space (ALS).
   */
  #personalisedTrained(
    trained: EaseModel | AlsModel,
    userRow: SparseRow,
    limit: number,
    isBlocked: (item: number) => boolean,
  ): Recommendation[] {
    const itemIds = this.#matrix.itemIds;
    return this.#rankModel(trained, userRow, limit, isBlocked, true).map(({ item, score, basedOn }) => ({
      itemId: itemIds[item] as string,
      score,
      reason: "similar_item" as const,
      ...(basedOn === undefined ? {} : { basedOnItemId: itemIds[basedOn] as string }),
    }));
  }

  /** Grows the scratch buffers to the matrix's user and item counts (between calls, when every mark is 0). */
  #ensureCapacity(): void {
    const users = this.#matrix.userIds.length;
    if (users > this.#userMark.length) {
      const size = Math.max(users, this.#userMark.length * 2);
      this.#userAccumulator = new Float64Array(size);
      this.#userDot = new Float64Array(size);
      this.#userMark = new Uint8Array(size);
    }
    const items = this.#matrix.itemIds.length;
    if (items > this.#itemMark.length) {
      const size = Math.max(items, this.#itemMark.length * 2);
      this.#itemScore = new Float64Array(size);
      this.#userScore = new Float64Array(size);
      this.#contentScore = new Float64Array(size);
      this.#blendScore = new Float64Array(size);
      this.#itemMark = new Uint8Array(size);
      this.#itemFlags = new Uint8Array(size);
    }
  }

  #personalised(user: number, userRow: SparseRow, limit: number, now: number): Recommendation[] {
    const { items, factors } = this.#rankPersonalised(user, userRow, limit, now);
    return items.map((item) => this.#explain(item, userRow, factors));
  }

  /**
   * The kNN blend's best items, and the factors that scaled each component (the component scores stay in the
   * scratch buffers for {@link #explain} until the next call).
   */
  #rankPersonalised(
    user: number,
    userRow: SparseRow,
    limit: number,
    now: number,
  ): { items: number[]; factors: { itemFactor: number; userFactor: number; contentFactor: number } } {
    const itemScore = this.#itemScore;
    const userScore = this.#userScore;
    const contentScore = this.#contentScore;
    const itemMark = this.#itemMark;
    // Reused across calls (a list plus a count) so a call over thousands of candidates allocates no arrays.
    const touchedItems = this.#touchedItems;
    this.#touchedItemCount = 0;
    const touch = (item: number): void => {
      if (itemMark[item] === 0) {
        itemMark[item] = 1;
        touchedItems[this.#touchedItemCount++] = item;
        itemScore[item] = 0;
        userScore[item] = 0;
        contentScore[item] = 0;
      }
    };
    try {
      this.#accumulateCollaborative(user, userRow);
      if (this.#blendContent > 0) this.#accumulateContent(userRow, touch);
      const touchedCount = this.#touchedItemCount;
      const factorised = this.#blendItem > 0 && !Number.isFinite(this.#itemNeighbourhoodSize);
      const targetScale = this.#matrix.targetScale;
      const flags = this.#itemFlags;
      const unavailable = this.#matrix.unavailable;
      const expiresAt = this.#matrix.expiresAt;
      const pruned = this.#blendItem > 0 && Number.isFinite(this.#itemNeighbourhoodSize);
      let maxItem = 0;
      let maxUser = 0;
      for (let position = 0; position < touchedCount; position += 1) {
        const item = touchedItems[position] as number;
        if (flags[item] !== 0 || unavailable[item] === 1 || (expiresAt[item] as number) <= now) continue;
        if (factorised) itemScore[item] = (itemScore[item] as number) * (targetScale[item] as number);
        else if (pruned) itemScore[item] = this.#neighbourhood.score(item, userRow);
        if ((itemScore[item] as number) > maxItem) maxItem = itemScore[item] as number;
        if ((userScore[item] as number) > maxUser) maxUser = userScore[item] as number;
      }
      const itemFactor = maxItem > 0 ? this.#blendItem / maxItem : 0;
      const userFactor = maxUser > 0 ? this.#blendUser / maxUser : 0;
      const contentFactor = this.#blendContent;
      const blendScore = this.#blendScore;
      const itemIds = this.#matrix.itemIds;
      const heap = createBoundedHeap<number>(limit, (a, b) => {
        const difference = (blendScore[a] as number) - (blendScore[b] as number);
        return difference > 0 || (difference === 0 && compareIds(itemIds[a] as string, itemIds[b] as string) < 0);
      });
      let threshold = 0;
      for (let position = 0; position < touchedCount; position += 1) {
        const item = touchedItems[position] as number;
        if (flags[item] !== 0 || unavailable[item] === 1 || (expiresAt[item] as number) <= now) continue;
        const total =
          (itemScore[item] as number) * itemFactor +
          (userScore[item] as number) * userFactor +
          (contentScore[item] as number) * contentFactor;
        // Most candidates lose to a full heap's worst entry; skip the comparator call for them.
        if (total > 0 && total >= threshold) {
          blendScore[item] = total;
          heap.offer(item);
          if (heap.size === limit) threshold = blendScore[heap.worst() as number] as number;
        }
      }
      return { items: heap.drain(), factors: { itemFactor, userFactor, contentFactor } };
    } finally {
      for (let position = 0; position < this.#touchedItemCount; position += 1)
        itemMark[touchedItems[position] as number] = 0;
    }
  }

  /** The recommendation for a ranked item: its reason (the largest scaled component) and what it is based on. */
  #explain(
    item: number,
    userRow: SparseRow,
    factors: { itemFactor: number; userFactor: number; contentFactor: number },
  ): Recommendation {
    const itemIds = this.#matrix.itemIds;
    const similarItem = (this.#itemScore[item] as number) * factors.itemFactor;
    const collaborative = (this.#userScore[item] as number) * factors.userFactor;
    const content = (this.#contentScore[item] as number) * factors.contentFactor;
    const reason =
      similarItem >= collaborative && similarItem >= content
        ? "similar_item"
        : collaborative >= content
          ? "collaborative"
          : "content";
    const basedOn =
      reason === "similar_item"
        ? this.#strongestNeighbour(item, userRow)
        : reason === "content"
          ? this.#closestFeatured(item, userRow)
          : undefined;
    return {
      itemId: itemIds[item] as string,
      score: this.#blendScore[item] as number,
      reason,
      ...(basedOn === undefined ? {} : { basedOnItemId: itemIds[basedOn] as string }),
    };
  }

  /**
   * One pass over the users who share an item with `user` feeds both kNN components. Item kNN uses the factorised
   * form `score(i) = t(i) Σ_v R[v,i] Σ_{j∈u} R[u,j] R[v,j] s(j)` (t, s: the asymmetric cosine scales), which equals
   * `Σ_{j∈u} R[u,j] sim(i, j)` without materialising any item-item matrix; user kNN needs the same `R[u]·R[v]` dots.
   */
  #accumulateCollaborative(user: number, userRow: SparseRow): void {
    const accumulator = this.#userAccumulator;
    const dot = this.#userDot;
    const mark = this.#userMark;
    const { sourceScale, itemRows, itemSquaredNorm } = this.#matrix;
    const touchedUsers = this.#touchedUsers;
    let userCount = 0;
    const { columns, values } = userRow;
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      const weight = values[position] as number;
      const sourceWeight = weight * (sourceScale[item] as number);
      const itemRow = itemRows[item] as SparseRow;
      const others = itemRow.columns;
      const otherValues = itemRow.values;
      for (let index = 0; index < others.length; index += 1) {
        const other = others[index] as number;
        const otherWeight = otherValues[index] as number;
        if (mark[other] === 0) {
          mark[other] = 1;
          touchedUsers[userCount++] = other;
          accumulator[other] = 0;
          dot[other] = 0;
        }
        accumulator[other] = (accumulator[other] as number) + sourceWeight * otherWeight;
        dot[other] = (dot[other] as number) + weight * otherWeight;
      }
    }
    const itemScore = this.#itemScore;
    const userScore = this.#userScore;
    const touchedItems = this.#touchedItems;
    let itemCount = this.#touchedItemCount;
    try {
      const factorised = this.#blendItem > 0 && !Number.isFinite(this.#itemNeighbourhoodSize);
      const itemMark = this.#itemMark;
      const contentScore = this.#contentScore;
      const userRows = this.#matrix.userRows;
      // The hot loop of every call: touching is inlined (same bookkeeping as `touch` in #personalised).
      for (let userPosition = 0; userPosition < userCount; userPosition += 1) {
        const other = touchedUsers[userPosition] as number;
        const { columns: items, values: weights } = userRows[other] as SparseRow;
        const contribution = factorised ? (accumulator[other] as number) : 0;
        for (let index = 0; index < items.length; index += 1) {
          const item = items[index] as number;
          if (itemMark[item] === 0) {
            itemMark[item] = 1;
            touchedItems[itemCount++] = item;
            itemScore[item] = 0;
            userScore[item] = 0;
            contentScore[item] = 0;
          }
          itemScore[item] = (itemScore[item] as number) + (weights[index] as number) * contribution;
        }
      }
      if (factorised) {
        for (let position = 0; position < columns.length; position += 1) {
          const item = columns[position] as number;
          // sim(i, i) is 0 by definition; remove the self term the factorised sum picked up.
          const self = (values[position] as number) * (sourceScale[item] as number) * (itemSquaredNorm[item] as number);
          itemScore[item] = (itemScore[item] as number) - self;
        }
      }
      this.#touchedItemCount = itemCount;
      if (this.#blendUser > 0) this.#accumulateUserKnn(user, touchedUsers, userCount, userScore);
    } finally {
      this.#touchedItemCount = itemCount;
      for (let position = 0; position < userCount; position += 1) mark[touchedUsers[position] as number] = 0;
    }
  }

  /** Content component: cosine between each featured item and the user's strength-weighted mean unit vector. */
  #accumulateContent(userRow: SparseRow, touch: (item: number) => void): void {
    const dimension = this.#matrix.featureDimension;
    if (dimension === undefined || this.#matrix.featuredItems.length === 0) return;
    const profile = new Float64Array(dimension);
    const { columns, values } = userRow;
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      const vector = this.#matrix.features[item];
      const norm = this.#matrix.featureNorm[item] as number;
      if (vector === undefined || norm === 0) continue;
      const scale = (values[position] as number) / norm;
      for (let index = 0; index < dimension; index += 1) {
        profile[index] = (profile[index] as number) + scale * (vector[index] as number);
      }
    }
    let squared = 0;
    for (const entry of profile) squared += entry * entry;
    if (squared === 0) return;
    const profileNorm = Math.sqrt(squared);
    const contentScore = this.#contentScore;
    for (const item of this.#matrix.featuredItems) {
      const vector = this.#matrix.features[item] as Float64Array;
      const norm = this.#matrix.featureNorm[item] as number;
      if (norm === 0) continue;
      let dot = 0;
      for (let index = 0; index < dimension; index += 1) dot += (profile[index] as number) * (vector[index] as number);
      const cosine = dot / (profileNorm * norm);
      if (cosine > 0) {
        touch(item);
        contentScore[item] = cosine;
      }
    }
  }

  /**
   * Appends the most popular (most distinct users) unblocked items not already in `personal`. A pure fallback
   * scores each by its share of users; fill-ups after personalised items score 0 so the list stays sorted.
   */
  #popular(
    limit: number,
    isBlocked: (item: number) => boolean,
    personal: Recommendation[],
    pure: boolean,
  ): Recommendation[] {
    const matrix = this.#matrix;
    const taken = personal.map((recommendation) => matrix.itemIndex.get(recommendation.itemId) as number);
    const userCount = Math.max(1, matrix.userIds.length);
    const filled = this.#popularItems(limit, isBlocked, taken).slice(personal.length);
    return [
      ...personal,
      ...filled.map((item) => {
        const count = (matrix.itemRows[item] as SparseRow).columns.length;
        return {
          itemId: matrix.itemIds[item] as string,
          score: pure ? count / userCount : 0,
          reason: "popular_fallback" as const,
        };
      }),
    ];
  }

  /** `taken` followed by the most popular unblocked items not in it, up to `limit` items. */
  #popularItems(limit: number, isBlocked: (item: number) => boolean, taken: readonly number[]): number[] {
    const result = [...taken];
    const chosen = new Set(taken);
    for (const item of this.#matrix.popularOrder()) {
      if (result.length >= limit) break;
      if (isBlocked(item) || chosen.has(item)) continue;
      result.push(item);
    }
    return result;
  }

  #accumulateUserKnn(user: number, touchedUsers: readonly number[], userCount: number, userScore: Float64Array): void {
    const dot = this.#userDot;
    const userNorm = Math.sqrt(this.#matrix.userSquaredNorm[user] as number);
    if (userNorm === 0) return;
    const similarity = this.#userAccumulator;
    // Equal similarities are common with binary feedback; the user seen first wins, which is cheaper on this hot path
    // than comparing ids (and is id order when users arrive in id order, as in the reference protocol).
    const heap = createBoundedHeap<number>(Math.max(1, Math.min(this.#userNeighbourhoodSize, userCount)), (a, b) => {
      const difference = (similarity[a] as number) - (similarity[b] as number);
      return difference > 0 || (difference === 0 && a < b);
    });
    const capacity = Math.min(this.#userNeighbourhoodSize, userCount);
    const squaredNorms = this.#matrix.userSquaredNorm;
    let threshold = 0;
    for (let position = 0; position < userCount; position += 1) {
      const other = touchedUsers[position] as number;
      if (other === user) continue;
      const otherNorm = Math.sqrt(squaredNorms[other] as number);
      // The item-kNN accumulator is no longer needed, so it holds the user similarities.
      const value = otherNorm > 0 ? (dot[other] as number) / (userNorm * otherNorm) : 0;
      similarity[other] = value;
      // Users below a full heap's worst neighbour cannot enter it; skip the comparator for them.
      if (value > 0 && value >= threshold) {
        heap.offer(other);
        if (heap.size === capacity) threshold = similarity[heap.worst() as number] as number;
      }
    }
    for (const neighbour of heap.drain()) {
      const weight = similarity[neighbour] as number;
      const { columns, values } = this.#matrix.userRows[neighbour] as SparseRow;
      for (let index = 0; index < columns.length; index += 1) {
        const item = columns[index] as number;
        userScore[item] = (userScore[item] as number) + weight * (values[index] as number);
      }
    }
  }

  /** The user's item that contributes most to `item`'s item-kNN score, for `basedOnItemId`. */
  #strongestNeighbour(item: number, userRow: SparseRow): number | undefined {
    // Mark the item's users with their strengths so each dot(item, j) is one pass over j's users.
    const strengthOf = this.#userAccumulator;
    const mark = this.#userMark;
    const { columns: users, values: strengths } = this.#matrix.itemRows[item] as SparseRow;
    for (let index = 0; index < users.length; index += 1) {
      mark[users[index] as number] = 1;
      strengthOf[users[index] as number] = strengths[index] as number;
    }
    let best: number | undefined;
    let bestValue = 0;
    try {
      const { columns, values } = userRow;
      for (let position = 0; position < columns.length; position += 1) {
        const other = columns[position] as number;
        if (other === item) continue;
        const { columns: otherUsers, values: otherStrengths } = this.#matrix.itemRows[other] as SparseRow;
        let dot = 0;
        for (let index = 0; index < otherUsers.length; index += 1) {
          const otherUser = otherUsers[index] as number;
          if (mark[otherUser] === 1) dot += (strengthOf[otherUser] as number) * (otherStrengths[index] as number);
        }
        const value = dot * (values[position] as number) * (this.#matrix.sourceScale[other] as number);
        if (
          value > bestValue ||
          (value === bestValue && best !== undefined && this.#matrix.compareItems(other, best) < 0)
        ) {
          best = other;
          bestValue = value;
        }
      }
    } finally {
      for (const user of users) mark[user] = 0;
    }
    return best;
  }

  /** The user's featured item with the highest feature cosine to `item`, for `basedOnItemId`. */
  #closestFeatured(item: number, userRow: SparseRow): number | undefined {
    const vector = this.#matrix.features[item];
    const norm = this.#matrix.featureNorm[item] as number;
    if (vector === undefined || norm === 0) return undefined;
    let best: number | undefined;
    let bestValue = 0;
    for (const other of userRow.columns) {
      const otherVector = this.#matrix.features[other];
      const otherNorm = this.#matrix.featureNorm[other] as number;
      if (otherVector === undefined || otherNorm === 0 || other === item) continue;
      let dot = 0;
      for (let index = 0; index < vector.length; index += 1) {
        dot += (vector[index] as number) * (otherVector[index] as number);
      }
      const cosine = dot / (norm * otherNorm);
      if (
        cosine > bestValue ||
        (cosine === bestValue && best !== undefined && this.#matrix.compareItems(other, best) < 0)
      ) {
        best = other;
        bestValue = cosine;
      }
    }
    return best;
  }
}
