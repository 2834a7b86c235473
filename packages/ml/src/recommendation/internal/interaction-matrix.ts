import { createSparseRow, getRowValue, type SparseRow, setRowValue } from "./sparse-row";

const idCollator = new Intl.Collator("en", { numeric: true });

/**
 * Natural order of ids ("item-2" before "item-10"), falling back to code units so the order is total.
 *
 * @param a - One id.
 * @param b - Another id.
 * @returns Negative, zero or positive, as for `Array.prototype.sort`.
 */
export function compareIds(a: string, b: string): number {
  return idCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Everything a {@link RecommendationEngine} learns: the sparse user×item affinity matrix (both orientations), the
 * norms and asymmetric-cosine scales that move with it, ratings, feature vectors and availability. Users and items
 * are dense indices in arrival order. The fields are read directly by the scorer (hot loops); only the methods
 * change them, so rows, norms, scales and popularity always move together.
 */
export class InteractionMatrix {
  readonly userIds: string[] = [];
  readonly userIndex = new Map<string, number>();
  readonly userRows: SparseRow[] = [];
  /** Per user, the share of each item's strength that came from the latest rating (replaced, not added). */
  readonly userRatings: (Map<number, number> | undefined)[] = [];
  readonly userSquaredNorm: number[] = [];

  readonly itemIds: string[] = [];
  readonly itemIndex = new Map<string, number>();
  readonly itemRows: SparseRow[] = [];
  readonly itemSquaredNorm: number[] = [];
  /** `‖i‖^(−2α)` of each item as a recommendation target. */
  readonly targetScale: number[] = [];
  /** `‖j‖^(−2(1−α))` of each item as one of the user's own items. */
  readonly sourceScale: number[] = [];
  readonly features: (Float64Array | undefined)[] = [];
  readonly featureNorm: number[] = [];
  readonly featuredItems: number[] = [];
  /** 1 for an item marked unavailable. */
  readonly unavailable: number[] = [];
  /** Epoch ms from which the item is expired (`Infinity`: never). */
  readonly expiresAt: number[] = [];
  /** Items whose availability was ever set, for snapshots. */
  readonly availabilitySet = new Set<number>();

  featureDimension: number | undefined;
  /** Distinct user-item pairs. */
  pairs = 0;
  /** Bumped on every change, so caches derived from the matrix know they are stale. */
  generation = 0;

  readonly #asymmetry: number;
  #popularOrder: number[] | undefined;

  /**
   * @param asymmetry - α of the asymmetric cosine.
   * @param featureDimension - The fixed feature length, or `undefined` to take the first vector's.
   */
  constructor(asymmetry: number, featureDimension: number | undefined) {
    this.#asymmetry = asymmetry;
    this.featureDimension = featureDimension;
  }

  /** The index of a user, registering it when new. */
  registerUser(userId: string): number {
    const existing = this.userIndex.get(userId);
    if (existing !== undefined) return existing;
    const user = this.userIds.length;
    this.userIds.push(userId);
    this.userIndex.set(userId, user);
    this.userRows.push(createSparseRow());
    this.userRatings.push(undefined);
    this.userSquaredNorm.push(0);
    return user;
  }

  /** The index of an item, registering it when new. */
  registerItem(itemId: string): number {
    const existing = this.itemIndex.get(itemId);
    if (existing !== undefined) return existing;
    const item = this.itemIds.length;
    this.itemIds.push(itemId);
    this.itemIndex.set(itemId, item);
    this.itemRows.push(createSparseRow());
    this.itemSquaredNorm.push(0);
    this.targetScale.push(0);
    this.sourceScale.push(0);
    this.features.push(undefined);
    this.featureNorm.push(0);
    this.unavailable.push(0);
    this.expiresAt.push(Number.POSITIVE_INFINITY);
    this.#popularOrder = undefined;
    return item;
  }

  /**
   * Adds an interaction's contribution; a rating replaces the user's previous rating of the item instead.
   *
   * @param user - The user index.
   * @param item - The item index.
   * @param contribution - `weight(type) × value`.
   * @param isRating - Whether the interaction is a rating.
   */
  addInteraction(user: number, item: number, contribution: number, isRating: boolean): void {
    const previous = getRowValue(this.userRows[user] as SparseRow, item);
    if (!isRating) {
      this.setStrength(user, item, previous + contribution);
      return;
    }
    let ratings = this.userRatings[user];
    if (ratings === undefined) {
      ratings = new Map();
      this.userRatings[user] = ratings;
    }
    const previousRating = ratings.get(item) ?? 0;
    ratings.set(item, contribution);
    this.setStrength(user, item, previous - previousRating + contribution);
  }

  /**
   * Restores one user-item pair from a snapshot: its total strength and the share from the rating.
   *
   * @param user - The user index.
   * @param item - The item index.
   * @param strength - The total affinity (positive).
   * @param rating - The rating part of it (0 when none).
   */
  restorePair(user: number, item: number, strength: number, rating: number): void {
    if (rating > 0) {
      const ratings = this.userRatings[user] ?? new Map<number, number>();
      this.userRatings[user] = ratings;
      ratings.set(item, rating);
    }
    this.setStrength(user, item, strength);
  }

  /** The single place the matrix changes: rows, norms, similarity scales and popularity move together. */
  setStrength(user: number, item: number, strength: number): void {
    const userRow = this.userRows[user] as SparseRow;
    const previous = getRowValue(userRow, item);
    setRowValue(userRow, item, strength);
    setRowValue(this.itemRows[item] as SparseRow, user, strength);
    const delta = strength * strength - previous * previous;
    this.userSquaredNorm[user] = (this.userSquaredNorm[user] as number) + delta;
    const squared = (this.itemSquaredNorm[item] as number) + delta;
    this.itemSquaredNorm[item] = squared;
    this.targetScale[item] = squared > 0 ? squared ** -this.#asymmetry : 0;
    this.sourceScale[item] = squared > 0 ? squared ** -(1 - this.#asymmetry) : 0;
    if (previous === 0) {
      this.pairs += 1;
      this.#popularOrder = undefined;
    }
    this.generation += 1;
  }

  /**
   * Attaches (or replaces) an item's feature vector; the first vector fixes the dimension when none was set.
   *
   * @param item - The item index.
   * @param vector - A validated vector of the feature dimension.
   */
  setFeatures(item: number, vector: ArrayLike<number>): void {
    this.featureDimension ??= vector.length;
    // `+ 0` turns -0 into 0: JSON has no -0, and snapshots must round-trip exactly.
    const copy = Float64Array.from(vector, (entry) => entry + 0);
    let squared = 0;
    for (const entry of copy) squared += entry * entry;
    if (this.features[item] === undefined) this.featuredItems.push(item);
    this.features[item] = copy;
    this.featureNorm[item] = Math.sqrt(squared);
  }

  /**
   * Sets an item's availability and/or expiry; `undefined` keeps the previous value.
   *
   * @param item - The item index.
   * @param available - Whether it can be recommended.
   * @param expiresAt - Epoch ms of expiry, `null` to clear it.
   */
  setAvailability(item: number, available: boolean | undefined, expiresAt: number | null | undefined): void {
    if (available !== undefined) this.unavailable[item] = available ? 0 : 1;
    if (expiresAt !== undefined) this.expiresAt[item] = expiresAt ?? Number.POSITIVE_INFINITY;
    this.availabilitySet.add(item);
  }

  /** Items with at least one interaction, most distinct users first (ties in natural id order); cached. */
  popularOrder(): readonly number[] {
    this.#popularOrder ??= this.itemRows
      .map((row, item) => ({ item, count: row.columns.length }))
      .filter((entry) => entry.count > 0)
      .sort((a, b) => b.count - a.count || this.compareItems(a.item, b.item))
      .map((entry) => entry.item);
    return this.#popularOrder;
  }

  /** Natural order of two items' ids. */
  compareItems(a: number, b: number): number {
    return compareIds(this.itemIds[a] as string, this.itemIds[b] as string);
  }
}
