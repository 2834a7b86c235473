import type { Writable } from "node:stream";
import { writeCsvReport } from "./csv-report-writer";
import { writePdfReport } from "./pdf-report-writer";
import type { Report, ReportFormat } from "./report-generator-types";
import type { ResolvedExportOptions } from "./report-input";
import type { ReportWriter } from "./report-output";
import { writeXlsxReport } from "./xlsx-report-writer";

/** The `format` field of the JSON export, naming the model it holds. */
export const REPORT_JSON_FORMAT = "pelbiot.analytics.Report";
/** The `version` field of the JSON export; raised only when the model changes incompatibly. */
export const REPORT_JSON_VERSION = 1;

/** The writer that renders `report` in `format` into a stream. */
export function createReportWriter(report: Report, format: ReportFormat, options: ResolvedExportOptions): ReportWriter {
  switch (format) {
    case "json":
      return (destination) => writeJsonReport(report, destination, options.indent);
    case "csv":
      return (destination) => writeCsvReport(report, destination, options);
    case "excel":
      return (destination) => writeXlsxReport(report, destination, options);
    case "pdf":
      return (destination) => writePdfReport(report, destination, options);
  }
}

async function writeJsonReport(report: Report, destination: Writable, indent: number): Promise<void> {
  const text = JSON.stringify({ format: REPORT_JSON_FORMAT, version: REPORT_JSON_VERSION, ...report }, null, indent);
  await new Promise<void>((resolve, reject) => {
    destination.once("error", reject);
    destination.end(`${text}\n`, () => resolve());
  });
}
