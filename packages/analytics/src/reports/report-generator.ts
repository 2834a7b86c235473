import type { Writable } from "node:stream";
import { createValidator, PelbiotError, TypedEventEmitter, toPelbiotError, uuidv7 } from "@pelbiot/core";
import { aggregateInputRows, aggregateSource } from "./report-aggregate";
import { assertRowLimit, checkDestination, notFound, unreachable, wrapFailure } from "./report-failures";
import { type ReportGeneratorOptions, resolveReportGeneratorOptions } from "./report-generator-options";
import {
  fromReportGeneratorSnapshot,
  type ReportGeneratorSnapshot,
  toReportGeneratorSnapshot,
} from "./report-generator-snapshot";
import type {
  ExportReportOptions,
  GenerateReportOptions,
  Report,
  ReportExport,
  ReportFlushResult,
  ReportFormat,
  ReportGeneratorEvents,
  ReportPeriodInput,
  ScheduledReport,
  ScheduledReportSpec,
  WrittenReport,
} from "./report-generator-types";
import {
  checkExportOptions,
  checkFormat,
  checkGenerateOptions,
  checkMetrics,
  checkReportId,
  checkTitle,
  MIME_TYPES,
  type ResolvedExportOptions,
  reportFilename,
} from "./report-input";
import { pump, renderToBytes, renderToFile } from "./report-output";
import { checkPeriod, countBuckets, describePeriod } from "./report-period";
import { freezeReport } from "./report-record";
import { createReportWriter } from "./report-render";
import { checkScheduleSpec, startRepeatingTimer } from "./report-schedule";
import { ReportStore } from "./report-store";

export type { ReportGeneratorOptions } from "./report-generator-options";
export type { ReportGeneratorSnapshot } from "./report-generator-snapshot";
// Every public type of the generator, so callers can import them next to the class.
export type * from "./report-generator-types";

/**
 * Builds reports of metrics over a period (per day or hour: count, sum, mean, min, max, p50, p95, plus totals) from
 * an `AnalyticsDataCollector` or from rows the caller passes, and exports them as real files: JSON (the typed
 * model), RFC 4180 CSV (csv-stringify), Excel `.xlsx` (exceljs's streaming writer, split into further sheets past
 * Excel's row limit) and PDF (pdfkit, with an embedded font and a vector line chart per metric). String cells of CSV
 * and Excel exports are protected against formula injection by default. Reports can also be generated on a schedule
 * driven by the injectable clock.
 *
 * Each report is also saved to the `storage` adapter under `<keyPrefix>reports:<id>`, behind the synchronous calls
 * (await `flush()` to know it is written), so another generator over the same storage can export it; without a
 * `storage` option the reports stay in this generator's memory only. `toJSON()` and
 * `ReportGenerator.fromJSON()` save and restore the kept reports.
 *
 * @example
 * ```ts
 * const reports = new ReportGenerator();
 * const report = reports.generateReport("Monthly Revenue Report", ["total_revenue"], { start: "2025-09-01", end: "2025-09-30" }, "json", {
 *   rows: [{ metric: "total_revenue", timestamp: "2025-09-03T10:00:00Z", value: 120 }],
 * });
 * const csvExport = await reports.exportReport(report.id, "csv");
 * ```
 */
export class ReportGenerator extends TypedEventEmitter<ReportGeneratorEvents> {
  readonly #options: ReturnType<typeof resolveReportGeneratorOptions>;
  readonly #reports = new Map<string, Report>();
  readonly #store: ReportStore;
  /** The stop function of each running schedule, by id. */
  readonly #schedules = new Map<string, () => void>();

  /**
   * Creates a generator.
   *
   * @param options - `source` (an `AnalyticsDataCollector`), `clock`, `logger`, `storage`, `keyPrefix`,
   * `maxReports` and `maxRows`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
   */
  constructor(options: ReportGeneratorOptions = {}) {
    super();
    this.#options = resolveReportGeneratorOptions(options);
    const storage = this.#options.sharedStorage ? this.#options.storage : undefined;
    this.#store = new ReportStore(storage, this.#options.keyPrefix, (failure) => {
      this.#options.logger.warn("storing a report failed", {
        operation: failure.operation,
        reportId: failure.reportId,
        message: failure.error.message,
      });
      this.emit("report_storage_failed", failure);
    });
  }

  /**
   * Aggregates the metrics over the period into a report and keeps it for `exportReport` (the oldest report is
   * forgotten past `maxReports`). Synchronous: it reads the collector's in-memory aggregates or the given rows; the
   * report is saved to the `storage` option (when given) in the background (await `flush()` to know it is written).
   *
   * @param title - Shown at the top of every export and used for the file name.
   * @param metrics - Metric names, each once (at most 50).
   * @param period - `{ start, end }`: dates (`"2025-09-30"`, whole UTC days, end included) or instants (end excluded).
   * @param format - The format `exportReport(id)` uses when none is given: `json`, `csv`, `excel` or `pdf`.
   * @param options - `rows` to aggregate instead of the source, and `interval` (`day` or `hour`).
   * @returns The report; its `rows` hold one entry per bucket and metric, empty buckets included.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad title, metric list, format, an empty or reversed
   * period, malformed rows, or a metric neither the rows nor the source know.
   * @throws {PelbiotError} CONFIGURATION_ERROR without `rows` when the generator has no `source`; LIMIT_EXCEEDED when
   * buckets × metrics exceed `maxRows`.
   * @example
   * ```ts
   * const report = reports.generateReport("Revenue", ["total_revenue"], { start: "2025-09-01", end: "2025-09-30" });
   * ```
   */
  generateReport(
    title: string,
    metrics: readonly string[],
    period: ReportPeriodInput,
    format: ReportFormat = "json",
    options?: GenerateReportOptions,
  ): Report {
    const check = createValidator("ReportGenerator.generateReport");
    const titleOk = checkTitle(check, title);
    const metricsOk = checkMetrics(check, metrics);
    const range = checkPeriod(check, "period", period);
    checkFormat(check, "format", format);
    const generate = checkGenerateOptions(check, options);
    check.done();
    if (!titleOk || !metricsOk || range === undefined || generate === undefined) return unreachable();
    assertRowLimit(countBuckets(range, generate.interval) * metrics.length, this.#options.maxRows);
    const source = generate.rows === undefined ? this.#requireSource() : undefined;
    let aggregated: ReturnType<typeof aggregateSource>;
    try {
      aggregated =
        source === undefined
          ? aggregateInputRows(check, generate.rows ?? [], metrics, range, generate.interval)
          : aggregateSource(check, source, metrics, range, generate.interval);
    } catch (error) {
      // A custom source or a rows iterable that throws: only PelbiotErrors leave the method.
      throw wrapFailure("generateReport", "reading the metrics failed", error);
    }
    check.done();
    if (aggregated === undefined) return unreachable();
    const report = freezeReport({
      id: uuidv7({ clock: this.#options.clock }),
      title,
      metrics: [...metrics],
      period: describePeriod(range),
      interval: generate.interval,
      defaultFormat: format,
      generatedAt: new Date(this.#options.clock.now()).toISOString(),
      rows: aggregated.rows,
      totals: aggregated.totals,
    });
    this.#keep(report);
    return report;
  }

  /**
   * A report this generator keeps in memory. Use {@link ReportGenerator.loadReport} to also find reports that only
   * the storage holds (made by another generator, or before a restart).
   *
   * @param id - The report's id.
   * @returns The report.
   * @throws {PelbiotError} NOT_FOUND (`details.id`) when no kept report has this id.
   * @example
   * ```ts
   * const again = reports.getReport(report.id);
   * ```
   */
  getReport(id: string): Report {
    const check = createValidator("ReportGenerator.getReport");
    checkReportId(check, id);
    check.done();
    return this.#find("getReport", id);
  }

  /**
   * The kept reports, oldest first.
   *
   * @returns A new array of the reports.
   * @example
   * ```ts
   * const titles = reports.listReports().map((report) => report.title);
   * ```
   */
  listReports(): Report[] {
    return [...this.#reports.values()];
  }

  /**
   * A report kept in memory or, failing that, read from `storage` (a report another generator over the same
   * storage made, or one saved before a restart), checked field by field.
   *
   * @param id - The report's id.
   * @returns The report.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `id` is not a non-empty string.
   * @throws {PelbiotError} NOT_FOUND (`details.id`) when neither memory nor storage holds it; STORAGE_ERROR when the
   * storage fails; INTEGRITY_ERROR when the stored record is not a report.
   * @example
   * ```ts
   * const elsewhere = await new ReportGenerator({ storage }).loadReport(report.id);
   * ```
   */
  async loadReport(id: string): Promise<Report> {
    const check = createValidator("ReportGenerator.loadReport");
    checkReportId(check, id);
    check.done();
    return this.#findAnywhere("loadReport", id);
  }

  /**
   * Forgets a report and deletes its stored copy (in the background; await `flush()` to know it is deleted). A report
   * only the storage holds is deleted from it too.
   *
   * @param id - The report's id.
   * @returns `true` when a report kept in memory was removed, `false` when none had this id.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `id` is not a non-empty string.
   * @example
   * ```ts
   * reports.deleteReport(report.id);
   * ```
   */
  deleteReport(id: string): boolean {
    const check = createValidator("ReportGenerator.deleteReport");
    checkReportId(check, id);
    check.done();
    this.#store.remove(id);
    return this.#reports.delete(id);
  }

  /**
   * Renders a report into memory; a report not kept in memory is read from `storage`. Use
   * {@link ReportGenerator.writeReport} for large reports.
   *
   * @param id - The report's id.
   * @param format - `json`, `csv`, `excel` or `pdf`; the report's own format when absent.
   * @param options - Formula escaping, CSV byte order mark and delimiter, Excel rows per sheet, PDF row cap, JSON
   * indentation.
   * @returns `{ filename, mimeType, content }` with the file's bytes.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad id, format or option.
   * @throws {PelbiotError} NOT_FOUND (`details.id`) for an unknown report id; STORAGE_ERROR or INTEGRITY_ERROR when
   * reading it from storage fails.
   * @example
   * ```ts
   * const { filename, content } = await reports.exportReport(report.id, "excel");
   * ```
   */
  async exportReport(id: string, format?: ReportFormat, options?: ExportReportOptions): Promise<ReportExport> {
    const { report, resolvedFormat, resolved } = await this.#checkExport("exportReport", id, format, options);
    try {
      const content = await renderToBytes(createReportWriter(report, resolvedFormat, resolved));
      return {
        filename: reportFilename(report.title, report.period.label, resolvedFormat),
        mimeType: MIME_TYPES[resolvedFormat],
        content,
      };
    } catch (error) {
      throw wrapFailure("exportReport", `rendering the ${resolvedFormat} export failed`, error);
    }
  }

  /**
   * Streams a report (kept in memory, or read from `storage`) into a file or a writable stream, without holding the file in memory (Excel and CSV rows
   * are written as they are produced). A file path gets the complete file or nothing: the report is written to a
   * temporary file beside it and renamed once complete. A stream is ended when the report is written.
   *
   * @param id - The report's id.
   * @param format - `json`, `csv`, `excel` or `pdf`.
   * @param destination - A file path (replaced if it exists) or a Node.js writable stream.
   * @param options - As for {@link ReportGenerator.exportReport}.
   * @returns The file name the format suggests, its media type and the bytes written.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad id, format, destination or option.
   * @throws {PelbiotError} NOT_FOUND for an unknown report id; STORAGE_ERROR when the file or stream fails (the
   * target file is then left as it was).
   * @example
   * ```ts
   * await reports.writeReport(report.id, "csv", "/tmp/revenue.csv", { bom: true });
   * ```
   */
  async writeReport(
    id: string,
    format: ReportFormat,
    destination: string | Writable,
    options?: ExportReportOptions,
  ): Promise<WrittenReport> {
    const { report, resolvedFormat, resolved } = await this.#checkExport(
      "writeReport",
      id,
      format,
      options,
      destination,
    );
    const writer = createReportWriter(report, resolvedFormat, resolved);
    let bytes: number;
    try {
      bytes =
        typeof destination === "string" ? await renderToFile(writer, destination) : await pump(writer, destination);
    } catch (error) {
      throw wrapFailure("writeReport", `writing the ${resolvedFormat} export failed`, error, "STORAGE_ERROR");
    }
    return {
      filename: reportFilename(report.title, report.period.label, resolvedFormat),
      mimeType: MIME_TYPES[resolvedFormat],
      bytes,
    };
  }

  /**
   * Generates a report from the `source` every `every` milliseconds on the generator's clock, over the
   * `lookbackMs` before each run, and emits `report_generated` (or `report_failed`, and the schedule goes on).
   *
   * @param spec - `title`, `metrics`, and optionally `format`, `interval` and `lookbackMs` (default `every`).
   * @param every - Milliseconds between runs, at least 1000.
   * @returns The schedule, with `cancel()`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad spec or interval.
   * @throws {PelbiotError} CONFIGURATION_ERROR when the generator has no `source`.
   * @example
   * ```ts
   * const daily = reports.scheduleReport({ title: "Daily revenue", metrics: ["total_revenue"], format: "pdf" }, 86_400_000);
   * reports.on("report_generated", ({ report }) => console.log(report.title));
   * ```
   */
  scheduleReport(spec: ScheduledReportSpec, every: number): ScheduledReport {
    const check = createValidator("ReportGenerator.scheduleReport");
    const checked = checkScheduleSpec(check, spec, every);
    check.done();
    if (checked === undefined) return unreachable();
    this.#requireSource();
    const id = uuidv7({ clock: this.#options.clock });
    const stop = startRepeatingTimer(this.#options.clock, every, () =>
      this.#runSchedule(id, checked.spec, checked.lookbackMs),
    );
    this.#schedules.set(id, stop);
    return {
      id,
      everyMs: every,
      cancel: () => {
        stop();
        this.#schedules.delete(id);
      },
    };
  }

  /**
   * Stops every schedule. Kept reports stay available.
   *
   * @example
   * ```ts
   * reports.close();
   * ```
   */
  close(): void {
    for (const stop of this.#schedules.values()) stop();
    this.#schedules.clear();
  }

  /**
   * Waits until every storage write queued so far (saves after `generateReport`, deletions after `deleteReport` and
   * evictions) has finished, e.g. before a script ends or before another generator reads the storage.
   *
   * @returns How many reports were saved and deleted since the previous flush, and the writes that failed (each
   * also emitted as `report_storage_failed`; the reports stay in memory).
   * @example
   * ```ts
   * const { failed } = await reports.flush();
   * if (failed.length > 0) console.warn(failed[0].error.message);
   * ```
   */
  async flush(): Promise<ReportFlushResult> {
    return this.#store.flush();
  }

  /**
   * The kept reports as a plain JSON snapshot (`format: "pelbiot.analytics.ReportGenerator"`, `version: 1`), oldest
   * first. The options (the source collector, clock, storage) are not part of it.
   *
   * @returns The snapshot; `JSON.stringify(reports)` gives its text.
   * @example
   * ```ts
   * const saved = JSON.stringify(reports.toJSON());
   * ```
   */
  toJSON(): ReportGeneratorSnapshot {
    return toReportGeneratorSnapshot(this.#reports.values());
  }

  /**
   * Creates a generator holding the reports of a snapshot, each checked field by field and saved to the new
   * generator's `storage` when one is given (in the background). Past `maxReports`, only the newest are kept.
   *
   * @param json - What `toJSON()` returned, or its JSON text.
   * @param options - The constructor's options (the source, clock, storage, …), which the snapshot does not hold.
   * @returns A working generator.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a snapshot of another class, a malformed field (with its
   * path) or a bad option.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot written by a newer release.
   * @example
   * ```ts
   * const restored = ReportGenerator.fromJSON(saved, { source: collector });
   * ```
   */
  static fromJSON(json: unknown, options: ReportGeneratorOptions = {}): ReportGenerator {
    const reports = fromReportGeneratorSnapshot(json);
    const generator = new ReportGenerator(options);
    const newest = reports.slice(Math.max(0, reports.length - generator.#options.maxReports));
    for (const report of newest) generator.#keep(report);
    return generator;
  }

  #runSchedule(scheduleId: string, spec: ScheduledReportSpec, lookbackMs: number): void {
    const now = this.#options.clock.now();
    try {
      const report = this.generateReport(
        spec.title,
        spec.metrics,
        { start: now - lookbackMs, end: now },
        spec.format ?? "json",
        { interval: spec.interval ?? "day" },
      );
      this.emit("report_generated", { scheduleId, report });
    } catch (error) {
      const failure = toPelbiotError(error);
      this.#options.logger.warn("scheduled report failed", {
        scheduleId,
        code: failure.code,
        message: failure.message,
      });
      this.emit("report_failed", { scheduleId, error: failure });
    }
  }

  async #checkExport(
    method: string,
    id: unknown,
    format: unknown,
    options: unknown,
    destination?: unknown,
  ): Promise<{ report: Report; resolvedFormat: ReportFormat; resolved: ResolvedExportOptions }> {
    const check = createValidator(`ReportGenerator.${method}`);
    checkReportId(check, id);
    if (format !== undefined || method === "writeReport") checkFormat(check, "format", format);
    if (method === "writeReport") checkDestination(check, destination);
    const resolved = checkExportOptions(check, options);
    check.done();
    const report = await this.#findAnywhere(method, id as string);
    return {
      report,
      resolvedFormat: (format as ReportFormat | undefined) ?? report.defaultFormat,
      resolved: resolved as ResolvedExportOptions,
    };
  }

  #find(method: string, id: string): Report {
    const report = this.#reports.get(id);
    if (report === undefined) throw notFound(method, id);
    return report;
  }

  // Memory first; a report read from storage is not kept in memory, so reading never evicts (and deletes) another.
  async #findAnywhere(method: string, id: string): Promise<Report> {
    const kept = this.#reports.get(id);
    if (kept !== undefined) return kept;
    const stored = await this.#store.read(method, id);
    if (stored === undefined) throw notFound(method, id);
    return stored;
  }

  #keep(report: Report): void {
    this.#reports.set(report.id, report);
    this.#store.save(report);
    while (this.#reports.size > this.#options.maxReports) {
      const oldest = this.#reports.keys().next().value as string;
      this.#reports.delete(oldest);
      this.#store.remove(oldest);
    }
  }

  #requireSource() {
    if (this.#options.source === undefined) {
      throw new PelbiotError(
        "CONFIGURATION_ERROR",
        "ReportGenerator: this generator has no source; pass { source: collector } to the constructor or give options.rows to generateReport",
      );
    }
    return this.#options.source;
  }
}
