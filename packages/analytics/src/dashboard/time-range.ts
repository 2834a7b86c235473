import type { Validator } from "@pelbiot/core";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const TIME_RANGE = /^([1-9][0-9]{0,5})(m|h|d|w)$/;

/** The longest time range a widget accepts: 366 days. */
export const MAX_TIME_RANGE_MS = 366 * UNIT_MS.d;

/** What the accepted syntax is, for messages. */
export const TIME_RANGE_SYNTAX =
  'a whole number and a unit m, h, d or w, from "1m" to "366d" (e.g. "15m", "24h", "7d")';

/**
 * Parses a time range such as `15m`, `24h`, `7d` or `2w` to milliseconds.
 *
 * @returns The length in milliseconds, or `undefined` when the text is not a time range of 1 minute to 366 days.
 */
export function parseTimeRange(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = TIME_RANGE.exec(text);
  if (match === null) return undefined;
  const milliseconds = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return milliseconds <= MAX_TIME_RANGE_MS ? milliseconds : undefined;
}

/** Checks a time range, adding an issue at `path` when it is malformed; returns its milliseconds. */
export function checkTimeRange(check: Validator, path: string, text: unknown): number | undefined {
  const milliseconds = parseTimeRange(text);
  if (milliseconds === undefined) {
    const shown = typeof text === "string" ? JSON.stringify(text.slice(0, 40)) : typeof text;
    check.fail(path, `must be ${TIME_RANGE_SYNTAX}, got ${shown}`);
  }
  return milliseconds;
}

// Round point widths, so chart points line up with minutes, hours and days.
const NICE_INTERVALS_MS = [
  UNIT_MS.m,
  5 * UNIT_MS.m,
  15 * UNIT_MS.m,
  30 * UNIT_MS.m,
  UNIT_MS.h,
  3 * UNIT_MS.h,
  6 * UNIT_MS.h,
  12 * UNIT_MS.h,
  UNIT_MS.d,
  UNIT_MS.w,
];

/** The point width a chart uses when its config gives none: the smallest round width giving at most 60 points. */
export function defaultInterval(timeRangeMs: number): string {
  const chosen = NICE_INTERVALS_MS.find((interval) => timeRangeMs / interval <= 60) ?? UNIT_MS.w;
  return formatTimeRange(chosen);
}

/** Writes milliseconds (a whole number of minutes) in the largest unit that divides it: 3_600_000 → `1h`. */
export function formatTimeRange(milliseconds: number): string {
  for (const unit of ["w", "d", "h"] as const) {
    if (milliseconds % UNIT_MS[unit] === 0) return `${milliseconds / UNIT_MS[unit]}${unit}`;
  }
  return `${Math.round(milliseconds / UNIT_MS.m)}m`;
}
