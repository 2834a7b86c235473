import { toEpochMillis, type Validator } from "@pelbiot/core";
import type { ReportInterval, ReportPeriod } from "./report-generator-types";

/** A checked period in epoch milliseconds, `end` exclusive. */
export interface PeriodRange {
  readonly start: number;
  readonly end: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds in one bucket of the interval. */
export function intervalMs(interval: ReportInterval): number {
  return interval === "day" ? DAY_MS : HOUR_MS;
}

/**
 * Checks a period argument: `start` and `end` as date-only strings (whole UTC days, `end` inclusive), ISO-8601
 * date-times, epoch milliseconds or `Date`s (instants, `end` exclusive); `end` after `start`.
 */
export function checkPeriod(check: Validator, path: string, period: unknown): PeriodRange | undefined {
  if (!check.object(path, period)) return undefined;
  check.knownKeys(path, period, ["start", "end"]);
  const start = readBound(check, `${path}.start`, period.start, false);
  const end = readBound(check, `${path}.end`, period.end, true);
  if (start === undefined || end === undefined) return undefined;
  if (!check.check(end > start, path, "is empty or reversed: end must come after start")) return undefined;
  return { start, end };
}

function readBound(check: Validator, path: string, value: unknown, isEnd: boolean): number | undefined {
  if (value === undefined) {
    check.fail(path, "is required: a date (YYYY-MM-DD), an ISO-8601 date-time, epoch milliseconds or a Date");
    return undefined;
  }
  if (!check.timestamp(path, value)) return undefined;
  const time = toEpochMillis(value) as number;
  // A date-only end names the whole day: the period runs to the next midnight (UTC).
  return isEnd && typeof value === "string" && DATE_ONLY.test(value) ? time + DAY_MS : time;
}

/** The stored form of a period, with a label that shows an inclusive end date for whole-day periods. */
export function describePeriod(range: PeriodRange): ReportPeriod {
  const start = new Date(range.start).toISOString();
  const end = new Date(range.end).toISOString();
  const wholeDays = range.start % DAY_MS === 0 && range.end % DAY_MS === 0;
  const label = wholeDays
    ? `${start.slice(0, 10)} – ${new Date(range.end - DAY_MS).toISOString().slice(0, 10)}`
    : `${start.slice(0, 16).replace("T", " ")} – ${end.slice(0, 16).replace("T", " ")} UTC`;
  return { start, end, label };
}

/** Bucket starts covering the period: aligned to the interval in UTC, the first one at or before `start`. */
export function bucketStarts(range: PeriodRange, interval: ReportInterval): number[] {
  const size = intervalMs(interval);
  const starts: number[] = [];
  for (let time = Math.floor(range.start / size) * size; time < range.end; time += size) starts.push(time);
  return starts;
}

/** How many buckets the period spans, without building them (for the row limit check). */
export function countBuckets(range: PeriodRange, interval: ReportInterval): number {
  const size = intervalMs(interval);
  return Math.ceil((range.end - Math.floor(range.start / size) * size) / size);
}
