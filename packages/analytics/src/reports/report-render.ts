import { writeCsvReport } from "./csv-report-writer";
import { writeJsonReport } from "./json-report-writer";
import { writePdfReport } from "./pdf-report-writer";
import type { Report, ReportFormat } from "./report-generator-types";
import type { ResolvedExportOptions } from "./report-input";
import type { ReportWriter } from "./report-output";
import { writeXlsxReport } from "./xlsx-report-writer";

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
