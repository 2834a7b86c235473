const SEGMENT = "[A-Za-z0-9_-]+";
const EVENT_NAME = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*$`);
const EVENT_PATTERN = new RegExp(`^(\\*|${SEGMENT})(\\.(\\*|${SEGMENT}))*$`);

/**
 * Whether a value is a valid event name: dot-separated segments of letters, digits, `_` and `-`, at most 200
 * characters.
 *
 * @param value - Anything.
 * @returns `true` for a valid event name.
 * @example
 * ```ts
 * isEventName("payment.confirmed"); // true
 * isEventName("payment.*"); // false: patterns are not event names
 * ```
 */
export function isEventName(value: unknown): value is string {
  return typeof value === "string" && value.length <= 200 && EVENT_NAME.test(value);
}

/**
 * Whether a value is a valid subscription pattern: an event name whose segments may be `*`.
 *
 * @param value - Anything.
 * @returns `true` for a valid pattern.
 * @example
 * ```ts
 * isEventPattern("payment.*"); // true
 * isEventPattern("payment..x"); // false
 * ```
 */
export function isEventPattern(value: unknown): value is string {
  return typeof value === "string" && value.length <= 200 && EVENT_PATTERN.test(value);
}

/**
 * Matches an event name against a subscription pattern. `*` stands for exactly one segment, except as the last
 * segment, where it stands for one or more (so `payment.*` matches `payment.confirmed` and `payment.refund.failed`);
 * a lone `*` matches every event.
 *
 * @param pattern - A pattern accepted by {@link isEventPattern}.
 * @param event - An event name accepted by {@link isEventName}.
 * @returns `true` when the subscription covers the event.
 * @example
 * ```ts
 * matchesEventPattern("payment.*", "payment.confirmed"); // true
 * matchesEventPattern("payment.*.failed", "payment.card.failed"); // true
 * matchesEventPattern("payment.*", "payments.confirmed"); // false
 * ```
 */
export function matchesEventPattern(pattern: string, event: string): boolean {
  const patternSegments = pattern.split(".");
  const eventSegments = event.split(".");
  for (let index = 0; index < patternSegments.length; index += 1) {
    const segment = patternSegments[index];
    const isLast = index === patternSegments.length - 1;
    if (segment === "*" && isLast) return eventSegments.length > index;
    if (index >= eventSegments.length) return false;
    if (segment !== "*" && segment !== eventSegments[index]) return false;
  }
  return patternSegments.length === eventSegments.length;
}
