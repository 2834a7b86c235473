import { PelbiotValidationError } from "@pelbiot/core";

/** How consecutive timestamps of a regular series are spaced. */
export type Spacing =
  /** A fixed number of milliseconds (seconds, minutes, hours, days, weeks in UTC). */
  | { readonly kind: "fixed"; readonly milliseconds: number }
  /**
   * A fixed number of calendar months, on the same UTC day of month and time of day (`anchor: "day"`) or on the
   * last day of each month (`anchor: "month-end"`).
   */
  | { readonly kind: "months"; readonly months: number; readonly anchor: "day" | "month-end" };

/**
 * Finds the regular spacing of a series: calendar months (monthly, quarterly, yearly data, whose lengths in
 * milliseconds vary) or a fixed step. Anything else is an error naming the first point that breaks the pattern.
 *
 * @param timestamps - Strictly increasing epoch milliseconds, at least two.
 * @param path - Argument name for error paths.
 * @param context - The method called, for the error message.
 * @param sourceIndex - Maps an index of `timestamps` to the caller's index (when points were left out).
 * @returns The spacing.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the series is irregular or has gaps.
 * @example
 * ```ts
 * inferSpacing(Float64Array.of(Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)));
 * // { kind: "months", months: 1, anchor: "day" }
 * ```
 */
export function inferSpacing(
  timestamps: Float64Array,
  path = "historicalData",
  context?: string,
  sourceIndex: (index: number) => number = (index) => index,
): Spacing {
  const months = monthSpacing(timestamps);
  if (months) return months;
  const step = (timestamps[1] as number) - (timestamps[0] as number);
  for (let index = 2; index < timestamps.length; index += 1) {
    const gap = (timestamps[index] as number) - (timestamps[index - 1] as number);
    if (gap !== step) {
      throw new PelbiotValidationError(
        [
          {
            path: `${path}.${sourceIndex(index)}.timestamp`,
            message: `breaks the regular spacing: ${gap} ms after the previous point, expected ${step} ms like the first two points; forecasting needs evenly spaced data without gaps (fill or aggregate it first)`,
          },
        ],
        context,
      );
    }
  }
  return { kind: "fixed", milliseconds: step };
}

/**
 * Timestamps of the `count` steps after `last` under `spacing`.
 *
 * @param spacing - The series' spacing.
 * @param last - The last observed timestamp (epoch ms).
 * @param count - How many future timestamps.
 * @returns Epoch milliseconds.
 * @example
 * ```ts
 * continueTimestamps({ kind: "fixed", milliseconds: 3_600_000 }, 0, 2); // [3600000, 7200000]
 * ```
 */
export function continueTimestamps(spacing: Spacing, last: number, count: number): number[] {
  const result: number[] = [];
  if (spacing.kind === "fixed") {
    for (let step = 1; step <= count; step += 1) result.push(last + step * spacing.milliseconds);
    return result;
  }
  const date = new Date(last);
  const timeOfDay = last - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  for (let step = 1; step <= count; step += 1) {
    const month = date.getUTCMonth() + step * spacing.months;
    const day = spacing.anchor === "day" ? date.getUTCDate() : 0;
    // Day 0 of the following month is the last day of the target month.
    result.push(Date.UTC(date.getUTCFullYear(), spacing.anchor === "day" ? month : month + 1, day) + timeOfDay);
  }
  return result;
}

function monthSpacing(timestamps: Float64Array): Spacing | undefined {
  const first = new Date(timestamps[0] as number);
  const second = new Date(timestamps[1] as number);
  const months = (second.getUTCFullYear() - first.getUTCFullYear()) * 12 + (second.getUTCMonth() - first.getUTCMonth());
  if (months < 1) return undefined;
  for (const anchor of ["day", "month-end"] as const) {
    const spacing: Spacing = { kind: "months", months, anchor };
    if (anchor === "day" && first.getUTCDate() > 28) continue;
    if (anchor === "month-end" && !isMonthEnd(first)) continue;
    const expected = continueTimestamps(spacing, timestamps[0] as number, timestamps.length - 1);
    if (expected.every((value, index) => value === timestamps[index + 1])) return spacing;
  }
  return undefined;
}

function isMonthEnd(date: Date): boolean {
  return new Date(date.getTime() + 86_400_000).getUTCDate() === 1;
}
