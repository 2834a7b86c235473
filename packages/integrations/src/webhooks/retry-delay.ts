/**
 * The wait before the next attempt of a delivery: the schedule's step, lengthened by the endpoint's `Retry-After`
 * but never beyond the schedule's longest step, so a hostile or buggy `Retry-After: 999999999` cannot park a
 * delivery for decades.
 *
 * @param schedule - The retry schedule (the wait before each attempt), non-empty.
 * @param attempt - How many attempts have been made; the next one waits `schedule[attempt]`.
 * @param retryAfterMs - The parsed `Retry-After`, or `undefined` when the endpoint sent none.
 * @returns The wait in milliseconds.
 * @example
 * ```ts
 * retryDelayMs([0, 5_000, 60_000], 1, 999_999_999_000); // 60_000
 * ```
 */
export function retryDelayMs(schedule: readonly number[], attempt: number, retryAfterMs: number | undefined): number {
  const longestStepMs = Math.max(...schedule);
  return Math.max(schedule[attempt] ?? 0, Math.min(retryAfterMs ?? 0, longestStepMs));
}
