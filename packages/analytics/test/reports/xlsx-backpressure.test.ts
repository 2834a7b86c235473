import { PassThrough, Writable } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/reports/report-generator";
import { ReportGenerator } from "../../src/reports/report-generator";
import { needsDrain, sheetEntryStream, whenWritable } from "../../src/reports/xlsx-backpressure";
import { writeXlsxReport } from "../../src/reports/xlsx-report-writer";
import { SEPTEMBER_1 } from "./report-fixtures";

function sink(onChunk: (chunk: Buffer) => void = () => {}): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback();
    },
  });
}

describe("exceljs backpressure", { timeout: 60_000 }, () => {
  it("finds the archive's entry stream of an exceljs streaming worksheet, which fills up until the archive reads it", async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink(), useStyles: true });
    const sheet = workbook.addWorksheet("Data");
    const entry = sheetEntryStream(sheet);
    // An exceljs upgrade that changes this shape must fail here, not silently lose the backpressure.
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    expect(needsDrain(entry)).toBe(false);
    for (let index = 0; index < 5_000; index += 1)
      sheet.addRow([index, `row ${index}`, new Date(SEPTEMBER_1)]).commit();
    expect(needsDrain(entry)).toBe(true);
    await whenWritable(entry);
    expect(needsDrain(entry)).toBe(false);
    sheet.commit();
    await workbook.commit();
  });

  it("finds no entry stream on anything else", () => {
    expect(sheetEntryStream({})).toBeUndefined();
    expect(sheetEntryStream({ stream: { pipes: [] } })).toBeUndefined();
    expect(sheetEntryStream({ stream: { pipes: [{}] } })).toBeUndefined();
    expect(sheetEntryStream({ stream: { pipes: [new PassThrough(), new PassThrough()] } })).toBeUndefined();
    expect(sheetEntryStream({ stream: { pipes: [new PassThrough()] } })).toBeInstanceOf(PassThrough);
  });

  it("waits for drain, and stops waiting when the stream is destroyed instead", async () => {
    const stream = new PassThrough({ highWaterMark: 4 });
    expect(stream.write("0123456789")).toBe(false);
    expect(needsDrain(stream)).toBe(true);
    let settled = false;
    const drained = whenWritable(stream).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    stream.read();
    await drained;
    expect(needsDrain(stream)).toBe(false);

    const stuck = new Writable({ highWaterMark: 1, write() {} });
    stuck.write("x");
    expect(needsDrain(stuck)).toBe(true);
    const released = whenWritable(stuck);
    stuck.destroy();
    await released;
    await whenWritable(stuck);
  });

  it("waits for the entry itself, not for a drain of the destination, and stops waiting when the destination ends", async () => {
    const entry = new PassThrough({ highWaterMark: 4 });
    entry.write("0123456789");
    const destination = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        setImmediate(callback);
      },
    });
    let settled = false;
    const waited = whenWritable(entry, destination).then(() => {
      settled = true;
    });
    expect(destination.write("x")).toBe(false);
    await new Promise((resolve) => destination.once("drain", resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    entry.read();
    await waited;

    entry.write("0123456789");
    const ended = whenWritable(entry, destination);
    destination.destroy();
    await ended;
    expect(needsDrain(entry)).toBe(true);
  });

  it("hands the data sheet to the archive while the rows are still being written (about 1 MB of XML is never held at once)", async () => {
    const reports = new ReportGenerator();
    const metrics = Array.from({ length: 10 }, (_, index) => `metric_${index}`);
    const hours = 500;
    const rows = metrics.flatMap((metric, index) =>
      Array.from({ length: hours }, (_, hour) => ({
        metric,
        timestamp: SEPTEMBER_1 + hour * 3_600_000,
        value: hour + index,
      })),
    );
    const report = reports.generateReport(
      "Large",
      metrics,
      { start: SEPTEMBER_1, end: SEPTEMBER_1 + hours * 3_600_000 },
      "excel",
      {
        rows,
        interval: "hour",
      },
    );
    // Counts the rows the writer has read, to see how much of the file had reached the destination by then.
    let rowsRead = 0;
    const observed = new Proxy(report.rows, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) rowsRead += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    let bytes = 0;
    let bytesBeforeLastRow = 0;
    await writeXlsxReport(
      { ...report, rows: observed } as Report,
      sink((chunk) => {
        bytes += chunk.length;
        if (rowsRead < report.rows.length) bytesBeforeLastRow = bytes;
      }),
      { escapeFormulas: true, maxRowsPerSheet: 1_048_576 },
    );
    expect(report.rows).toHaveLength(5_000);
    // Without backpressure nothing reaches the destination before the loop over the rows ends.
    expect(bytesBeforeLastRow).toBeGreaterThan(bytes / 4);
  });

  it("stops with an error when the destination closes midway instead of waiting for the archive for ever", async () => {
    const reports = new ReportGenerator();
    const metrics = Array.from({ length: 10 }, (_, index) => `metric_${index}`);
    const hours = 500;
    const rows = metrics.flatMap((metric, index) =>
      Array.from({ length: hours }, (_, hour) => ({ metric, timestamp: SEPTEMBER_1 + hour * 3_600_000, value: index })),
    );
    const report = reports.generateReport(
      "Large",
      metrics,
      { start: SEPTEMBER_1, end: SEPTEMBER_1 + hours * 3_600_000 },
      "excel",
      {
        rows,
        interval: "hour",
      },
    );
    // Takes the first chunk, then is gone (as a closed socket or a failed disk would be).
    const destination: Writable = new Writable({
      write(_chunk, _encoding, callback) {
        callback();
        destination.destroy();
      },
    });
    await expect(
      writeXlsxReport(report, destination, { escapeFormulas: true, maxRowsPerSheet: 1_048_576 }),
    ).rejects.toThrow(/destination closed before the workbook was complete/);
  });
});
