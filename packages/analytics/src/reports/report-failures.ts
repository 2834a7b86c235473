/** Small helpers of ReportGenerator's methods: the destination check, the row limit and the errors they throw. */
import { PelbiotError, type Validator } from "@pelbiot/core";

/** Checks `writeReport`'s destination: a file path or a Node.js writable stream. */
export function checkDestination(check: Validator, destination: unknown): void {
  if (typeof destination === "string") {
    check.string("destination", destination, { maxLength: 4096 });
    return;
  }
  const stream = destination as { write?: unknown; end?: unknown; on?: unknown } | null;
  check.check(
    typeof stream === "object" &&
      stream !== null &&
      typeof stream.write === "function" &&
      typeof stream.end === "function" &&
      typeof stream.on === "function",
    "destination",
    "must be a file path or a writable stream",
  );
}

/** Wraps a failure that is not a PelbiotError, naming the method and what it was doing. */
export function wrapFailure(
  method: string,
  what: string,
  error: unknown,
  code: "STORAGE_ERROR" | "INTERNAL_ERROR" = "INTERNAL_ERROR",
): PelbiotError {
  if (PelbiotError.is(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PelbiotError(code, `ReportGenerator.${method}: ${what}: ${reason}`, { cause: error });
}

/** `check.done()` has thrown whenever a check failed; this only narrows types after it. */
export function unreachable(): never {
  throw new PelbiotError("INTERNAL_ERROR", "ReportGenerator: validation passed without a checked value");
}

/** The NOT_FOUND error of a report id that neither memory nor storage holds. */
export function notFound(method: string, id: string): PelbiotError {
  return new PelbiotError(
    "NOT_FOUND",
    `ReportGenerator.${method}: no report with id "${id}" is kept or stored (generate it first, or it was forgotten past maxReports)`,
    { details: { id } },
  );
}

/** Throws LIMIT_EXCEEDED when a report would hold more rows (buckets × metrics) than `maxRows`. */
export function assertRowLimit(got: number, limit: number): void {
  if (got > limit) {
    throw new PelbiotError(
      "LIMIT_EXCEEDED",
      `ReportGenerator.generateReport: the report would hold ${got} rows (buckets × metrics), more than maxRows (${limit}); shorten the period, use interval "day" or raise maxRows`,
      { details: { limit, got } },
    );
  }
}
