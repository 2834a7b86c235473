import { describeType } from "../validation/describe-type";
import { createValidator } from "../validation/validator";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)";
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

// The three HTTP-date forms RFC 9110 §5.6.7 obliges recipients to accept. Matched case-insensitively because
// being lenient in what is received costs nothing here.
const IMF_FIXDATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} gmt$`, "i");
const RFC_850_DATE = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} gmt$`,
  "i",
);
const ASCTIME_DATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, "i");

interface DateParts {
  year: number;
  month: string;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function toEpoch({ year, month, day, hour, minute, second }: DateParts): number | undefined {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  // The grammar allows second 60 (a leap second); Date.UTC rolls it into the next minute, which is close enough.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // Date.UTC silently rolls 31 Feb over into March; a round trip of the date alone exposes such impossible dates.
  if (new Date(Date.UTC(year, monthIndex, day)).getUTCDate() !== day) return undefined;
  return Date.UTC(year, monthIndex, day, hour, minute, second);
}

function parseHttpDate(value: string, now: number): number | undefined {
  const fixdate = IMF_FIXDATE.exec(value);
  if (fixdate !== null) {
    const [, day = "", month = "", year = "", hour = "", minute = "", second = ""] = fixdate;
    return toEpoch({ year: +year, month, day: +day, hour: +hour, minute: +minute, second: +second });
  }
  const rfc850 = RFC_850_DATE.exec(value);
  if (rfc850 !== null) {
    const [, day = "", month = "", shortYear = "", hour = "", minute = "", second = ""] = rfc850;
    // RFC 9110: a two-digit year that looks more than 50 years ahead means the latest past year with those digits.
    const currentYear = new Date(now).getUTCFullYear();
    let year = currentYear - (currentYear % 100) + Number(shortYear);
    if (year > currentYear + 50) year -= 100;
    return toEpoch({ year, month, day: +day, hour: +hour, minute: +minute, second: +second });
  }
  const asctime = ASCTIME_DATE.exec(value);
  if (asctime !== null) {
    const [, month = "", day = "", hour = "", minute = "", second = "", year = ""] = asctime;
    return toEpoch({ year: +year, month, day: +day, hour: +hour, minute: +minute, second: +second });
  }
  return undefined;
}

/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3) into a wait in milliseconds. Accepts delay-seconds
 * (`"120"`) and all three HTTP-date forms (`"Wed, 21 Oct 2015 07:28:00 GMT"` and the obsolete RFC 850 and asctime
 * forms); a date in the past gives `0`.
 *
 * @param headerValue - The raw header value, or `null`/`undefined` when the header is absent (as `Headers.get` returns).
 * @param now - The current time in epoch milliseconds, against which dates are measured; pass `clock.now()`.
 * @returns The wait in milliseconds (≥ 0), or `undefined` when the header is absent or malformed.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `headerValue` is not a string, `null` or `undefined`, or
 * `now` is not a finite number.
 * @example
 * ```ts
 * const waitMs = parseRetryAfter(response.headers.get("retry-after"), clock.now());
 * throw new PelbiotError("PROVIDER_ERROR", "Rate limited", { details: { retryAfterMs: waitMs } });
 * ```
 */
export function parseRetryAfter(headerValue: string | null | undefined, now: number = Date.now()): number | undefined {
  const check = createValidator("parseRetryAfter");
  if (headerValue !== null && headerValue !== undefined && typeof headerValue !== "string") {
    check.fail("headerValue", `must be a string, null or undefined, got ${describeType(headerValue)}`);
  }
  check.number("now", now);
  check.done();

  if (headerValue === null || headerValue === undefined) return undefined;
  const value = headerValue.trim();
  if (/^\d+$/.test(value)) {
    const milliseconds = Number(value) * 1000;
    return Number.isFinite(milliseconds) ? milliseconds : undefined;
  }
  const date = parseHttpDate(value, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}
