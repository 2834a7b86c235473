import { createValidator, readSnapshot } from "@pelbiot/core";
import type { Report } from "./report-generator-types";
import { readReportRecord } from "./report-record";

/** The `format` of a {@link ReportGeneratorSnapshot}. */
export const REPORT_GENERATOR_FORMAT = "pelbiot.analytics.ReportGenerator";
/** The snapshot layout `toJSON()` writes. */
export const REPORT_GENERATOR_SNAPSHOT_VERSION = 1;

const CONTEXT = "ReportGenerator.fromJSON";

/**
 * The JSON form of a `ReportGenerator`: its kept reports, oldest first. Options (the source collector, clock,
 * storage, limits) are not part of it; `fromJSON` takes them again.
 */
export interface ReportGeneratorSnapshot {
  /** Always `REPORT_GENERATOR_FORMAT`. */
  format: typeof REPORT_GENERATOR_FORMAT;
  /** The snapshot layout's version. */
  version: typeof REPORT_GENERATOR_SNAPSHOT_VERSION;
  /** The report models, oldest first, exactly as `getReport` returns them. */
  reports: Report[];
}

/**
 * Writes the kept reports as plain JSON values.
 *
 * @param reports - The kept reports, oldest first.
 * @returns The snapshot.
 */
export function toReportGeneratorSnapshot(reports: Iterable<Report>): ReportGeneratorSnapshot {
  return {
    format: REPORT_GENERATOR_FORMAT,
    version: REPORT_GENERATOR_SNAPSHOT_VERSION,
    reports: [...reports].map((report) => structuredClone(report) as Report),
  };
}

/**
 * Reads a snapshot (object or JSON text) and checks every field of every report.
 *
 * @param json - What `toJSON()` returned, or its JSON text.
 * @returns The reports, oldest first, frozen.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or a malformed field (with its path).
 * @throws {PelbiotError} UNSUPPORTED for a snapshot version this release cannot read.
 */
export function fromReportGeneratorSnapshot(json: unknown): Report[] {
  const { snapshot } = readSnapshot(json, {
    context: CONTEXT,
    format: REPORT_GENERATOR_FORMAT,
    versions: [REPORT_GENERATOR_SNAPSHOT_VERSION],
  });
  const check = createValidator(CONTEXT);
  check.knownKeys("json", snapshot, ["format", "version", "reports"]);
  const reports: Report[] = [];
  if (check.array("json.reports", snapshot.reports)) {
    const seen = new Set<string>();
    snapshot.reports.forEach((value, index) => {
      const report = readReportRecord(check, `json.reports.${index}`, value);
      if (report === undefined) return;
      if (seen.has(report.id)) {
        check.fail(`json.reports.${index}.id`, `repeats "${report.id}": each report appears once`);
        return;
      }
      seen.add(report.id);
      reports.push(report);
    });
  }
  check.done();
  return reports;
}
