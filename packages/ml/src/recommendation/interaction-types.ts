/**
 * The interaction kinds {@link RecommendationEngine.trackInteraction} accepts.
 *
 * @example
 * ```ts
 * INTERACTION_TYPES.includes(type); // validate a type coming from an event stream
 * ```
 */
export const INTERACTION_TYPES = ["view", "click", "add_to_cart", "purchase", "rating"] as const;

/** One of {@link INTERACTION_TYPES}. */
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/**
 * How much one interaction of each kind adds to a user's affinity for an item, before it is multiplied by the
 * interaction's `value`. Stronger intent weighs more: a purchase says more than a view. A `rating` contributes
 * `value × weight` and replaces the user's previous rating of the same item instead of adding to it. Override any of
 * them with the `interactionWeights` option.
 *
 * @example
 * ```ts
 * new RecommendationEngine({ interactionWeights: { ...DEFAULT_INTERACTION_WEIGHTS, purchase: 10 } });
 * ```
 */
export const DEFAULT_INTERACTION_WEIGHTS: Readonly<Record<InteractionType, number>> = Object.freeze({
  view: 1,
  click: 2,
  add_to_cart: 3,
  purchase: 5,
  rating: 1,
});
