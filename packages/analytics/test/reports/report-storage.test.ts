import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportGenerator, type ReportInputRow, type ReportStorageFailure } from "../../src/reports/report-generator";
import { failingStorage } from "../support/failing-storage";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleRows } from "./report-fixtures";

const rows: ReportInputRow[] = [
  { metric: "m", timestamp: SEPTEMBER_1 + 1000, value: 2 },
  { metric: "m", timestamp: SEPTEMBER_1 + 2000, value: 5.5 },
];
const clock = () => createManualClock(Date.UTC(2025, 9, 1, 8));

function generate(reports: ReportGenerator, title = "Revenue"): string {
  return reports.generateReport(title, ["m"], GUIDE_PERIOD, "csv", { rows }).id;
}

describe("ReportGenerator: storage", { timeout: 60_000 }, () => {
  it("saves each report as JSON under <keyPrefix>reports:<id>, and deleteReport deletes it", async () => {
    const storage = createMemoryStorage();
    const reports = new ReportGenerator({ storage, clock: clock() });
    const report = reports.generateReport("Revenue", ["m"], GUIDE_PERIOD, "pdf", { rows });

    expect(await reports.flush()).toEqual({ saved: 1, deleted: 0, failed: [] });
    const stored = JSON.parse((await storage.getItem(`analytics:reports:${report.id}`)) as string);
    expect(stored).toEqual(JSON.parse(JSON.stringify(report)));
    expect(stored).toMatchObject({ title: "Revenue", metrics: ["m"], defaultFormat: "pdf" });
    expect(stored.generatedAt).toBe("2025-10-01T08:00:00.000Z");

    expect(reports.deleteReport(report.id)).toBe(true);
    expect(await reports.flush()).toEqual({ saved: 0, deleted: 1, failed: [] });
    expect(await storage.keys()).toEqual([]);
  });

  it("copies no report into the private memory storage it makes when given none", async () => {
    const reports = new ReportGenerator({ clock: clock() });
    const report = reports.generateReport("Revenue", ["m"], GUIDE_PERIOD, "csv", { rows });
    // Nobody else can read that storage, so a copy there would only double the memory a report takes.
    expect(await reports.flush()).toEqual({ saved: 0, deleted: 0, failed: [] });
    expect(await reports.loadReport(report.id)).toBe(report);
    expect(reports.deleteReport(report.id)).toBe(true);
    expect(await reports.flush()).toEqual({ saved: 0, deleted: 0, failed: [] });
    await expectPelbiotErrorAsync(() => reports.loadReport(report.id), "NOT_FOUND");
  });

  it("uses keyPrefix, so two generators share one adapter without clashing", async () => {
    const storage = createMemoryStorage();
    const north = new ReportGenerator({ storage, keyPrefix: "north:" });
    const south = new ReportGenerator({ storage, keyPrefix: "south:" });
    const northId = generate(north);
    const southId = generate(south);
    await Promise.all([north.flush(), south.flush()]);

    expect(await storage.keys()).toEqual([`north:reports:${northId}`, `south:reports:${southId}`].sort());
    await expectPelbiotErrorAsync(() => south.loadReport(northId), "NOT_FOUND");
  });

  it("deletes the stored copy of the oldest report when maxReports evicts it", async () => {
    const storage = createMemoryStorage();
    const reports = new ReportGenerator({ storage, maxReports: 2 });
    const ids = [1, 2, 3].map((index) => generate(reports, `R${index}`));

    expect(await reports.flush()).toEqual({ saved: 3, deleted: 1, failed: [] });
    expect(await storage.keys("analytics:reports:")).toEqual(ids.slice(1).map((id) => `analytics:reports:${id}`));
  });

  it("lets another generator over the same storage load and export a report, with the same bytes", async () => {
    const storage = createMemoryStorage();
    const maker = new ReportGenerator({ storage, clock: clock() });
    const report = maker.generateReport("Monatsbericht", ["Umsatz €", "zażółć gęślą"], GUIDE_PERIOD, "csv", {
      rows: sampleRows(),
    });
    await maker.flush();

    const reader = new ReportGenerator({ storage });
    expect(await reader.loadReport(report.id)).toEqual(report);
    // getReport answers from memory only; the reader has generated nothing.
    expectPelbiotError(() => reader.getReport(report.id), "NOT_FOUND");
    const mine = await maker.exportReport(report.id);
    const theirs = await reader.exportReport(report.id);
    expect(theirs.filename).toBe(mine.filename);
    expect(Buffer.from(theirs.content).equals(Buffer.from(mine.content))).toBe(true);
    // Reading through never puts the report in the reader's memory (where its maxReports could evict it).
    expect(reader.listReports()).toEqual([]);

    expect(reader.deleteReport(report.id)).toBe(false);
    await reader.flush();
    await expectPelbiotErrorAsync(() => reader.exportReport(report.id, "csv"), "NOT_FOUND");
  });

  it("reads its own report back right after a delete without waiting for flush", async () => {
    const reports = new ReportGenerator({ storage: createMemoryStorage() });
    const id = generate(reports);
    reports.deleteReport(id);
    // The read waits for the queued deletion, so it cannot see the report it deleted.
    await expectPelbiotErrorAsync(() => reports.loadReport(id), "NOT_FOUND");
  });

  it("keeps the stored reports equal to the kept ones whatever the order of calls", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant("generate" as const), fc.nat({ max: 6 })), { maxLength: 15 }),
        async (maxReports, steps) => {
          const storage = createMemoryStorage();
          const reports = new ReportGenerator({ storage, maxReports });
          const made: string[] = [];
          for (const step of steps) {
            if (step === "generate") made.push(generate(reports));
            else if (made[step] !== undefined) reports.deleteReport(made[step]);
          }
          const { failed } = await reports.flush();
          expect(failed).toEqual([]);
          const kept = reports.listReports().map((report) => `analytics:reports:${report.id}`);
          expect(await storage.keys("analytics:reports:")).toEqual([...kept].sort());
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("ReportGenerator: file storage shared by two generators", { timeout: 60_000 }, () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "pelbiot-reports-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("finds and exports a report written by another generator through its own file storage", async () => {
    const maker = new ReportGenerator({ storage: createFileStorage({ directory, fsync: false }), clock: clock() });
    const report = maker.generateReport("Q3 sales", ["Umsatz €"], GUIDE_PERIOD, "csv", { rows: sampleRows() });
    expect((await maker.flush()).saved).toBe(1);
    expect((await readdir(directory)).length).toBeGreaterThan(0);

    const reader = new ReportGenerator({ storage: createFileStorage({ directory, fsync: false }) });
    const exported = await reader.exportReport(report.id);
    const table = parse(Buffer.from(exported.content).toString("utf8"), { columns: true }) as Record<string, string>[];
    expect(table).toHaveLength(report.rows.length);
    expect(table[0]).toMatchObject({ metric: "Umsatz €", count: "2", sum: "1500" });
    const original = await maker.exportReport(report.id);
    expect(Buffer.from(exported.content).equals(Buffer.from(original.content))).toBe(true);

    reader.deleteReport(report.id);
    await reader.flush();
    await expectPelbiotErrorAsync(
      () => new ReportGenerator({ storage: createFileStorage({ directory }) }).loadReport(report.id),
      "NOT_FOUND",
    );
  });
});

describe("ReportGenerator: a storage that fails", { timeout: 60_000 }, () => {
  it("keeps the report, emits report_storage_failed and lists the failure in flush()", async () => {
    const { storage, fail } = failingStorage();
    const reports = new ReportGenerator({ storage });
    const events: ReportStorageFailure[] = [];
    reports.on("report_storage_failed", (failure) => events.push(failure));
    fail.setItem = true;
    const id = generate(reports);

    const { saved, failed } = await reports.flush();
    expect(saved).toBe(0);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ operation: "save", reportId: id, key: `analytics:reports:${id}` });
    expect(failed[0]?.error.code).toBe("STORAGE_ERROR");
    expect(failed[0]?.error.message).toContain("disk full");
    expect(events).toEqual(failed);
    expect(reports.getReport(id).id).toBe(id);

    // Later writes still go through, and a failed deletion is reported the same way.
    fail.setItem = false;
    const next = generate(reports);
    fail.removeItem = true;
    reports.deleteReport(next);
    const second = await reports.flush();
    expect(second.saved).toBe(1);
    expect(second.failed.map((failure) => failure.operation)).toEqual(["delete"]);
    expect(await storage.getItem(`analytics:reports:${next}`)).not.toBeNull();
    // flush() reports each failure once.
    expect((await reports.flush()).failed).toEqual([]);
  });

  it("reports a failed read as STORAGE_ERROR and a damaged record as INTEGRITY_ERROR", async () => {
    const { storage, fail } = failingStorage();
    const reports = new ReportGenerator({ storage });
    fail.getItem = true;
    const failed = await expectPelbiotErrorAsync(() => reports.loadReport("elsewhere"), "STORAGE_ERROR");
    expect(failed.message).toContain("disk unplugged");
    fail.getItem = false;

    await storage.setItem("analytics:reports:broken", "{not json");
    await expectPelbiotErrorAsync(() => reports.exportReport("broken", "csv"), "INTEGRITY_ERROR");
    const other = new ReportGenerator({ storage, keyPrefix: "x:" });
    const id = generate(other);
    await other.flush();
    const tampered = JSON.parse((await storage.getItem(`x:reports:${id}`)) as string);
    tampered.rows[0].count = -1;
    await storage.setItem(`analytics:reports:${id}`, JSON.stringify(tampered));
    const damaged = await expectPelbiotErrorAsync(() => reports.loadReport(id), "INTEGRITY_ERROR");
    expect(damaged.message).toContain("report.rows.0.count: must be at least 0");
    // A record stored under another report's id is not that report.
    await storage.setItem("analytics:reports:other", JSON.stringify({ ...tampered, rows: tampered.rows.slice(1) }));
    await expectPelbiotErrorAsync(() => reports.loadReport("other"), "INTEGRITY_ERROR");
  });
});

describe("ReportGenerator: storage options and arguments", () => {
  it("rejects a storage that is not an adapter and a keyPrefix that is not a string", () => {
    expect(captureValidationIssues(() => new ReportGenerator({ storage: {} as never, keyPrefix: 7 as never }))).toEqual(
      [expect.stringMatching(/^options\.storage: /), "options.keyPrefix: must be a string, got number 7"],
    );
    const typo = expectPelbiotError(() => new ReportGenerator({ keyprefix: "a:" } as never), "VALIDATION_ERROR");
    expect(typo.message).toContain("keyPrefix");
  });

  it("validates loadReport's id", async () => {
    const reports = new ReportGenerator();
    await expectPelbiotErrorAsync(() => reports.loadReport("" as never), "VALIDATION_ERROR");
    await expectPelbiotErrorAsync(() => reports.loadReport(42 as never), "VALIDATION_ERROR");
  });
});
