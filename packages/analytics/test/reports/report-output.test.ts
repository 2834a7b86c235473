import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_FORMATS } from "../../src/reports/report-input";
import { sampleReport } from "./report-fixtures";

let directory = "";
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "pelbiot-report-output-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A stream that accepts `limit` bytes, then fails every write. */
function failingAfter(limit: number): Writable {
  let received = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > limit ? new Error("disk full") : null);
    },
  });
}

describe("ReportGenerator.writeReport", { timeout: 60_000 }, () => {
  it.each(REPORT_FORMATS)("streams %s into a writable stream with the same bytes as exportReport", async (format) => {
    const { reports, report } = sampleReport();
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on("data", (chunk: Buffer) => chunks.push(chunk));
    const written = await reports.writeReport(report.id, format, sink, { maxPdfRows: 5 });
    const exported = await reports.exportReport(report.id, format, { maxPdfRows: 5 });

    expect(written.bytes).toBe(Buffer.concat(chunks).length);
    expect(written.filename).toBe(exported.filename);
    // Zip archives and PDFs embed times and ids, so compare their kind; text formats compare byte for byte.
    if (format === "csv" || format === "json") expect(Buffer.concat(chunks)).toEqual(Buffer.from(exported.content));
    else expect(Buffer.concat(chunks).subarray(0, 2)).toEqual(Buffer.from(exported.content).subarray(0, 2));
  });

  it.each(REPORT_FORMATS)("rejects with STORAGE_ERROR when the stream fails midway through %s", async (format) => {
    const { reports, report } = sampleReport();
    const error = await expectPelbiotErrorAsync(
      () => reports.writeReport(report.id, format, failingAfter(format === "json" ? 0 : 512)),
      "STORAGE_ERROR",
    );
    expect(error.message).toContain(`ReportGenerator.writeReport: writing the ${format} export failed: disk full`);
  });

  it("writes a file under its final name only when complete, replacing an older one", async () => {
    const { reports, report } = sampleReport();
    const path = join(directory, "report.csv");
    await writeFile(path, "old");
    const written = await reports.writeReport(report.id, "csv", path, { bom: true });
    const content = await readFile(path);
    expect(content.length).toBe(written.bytes);
    expect(content.subarray(3, 15).toString()).toBe("period_start");
    expect((await readdir(directory)).filter((name) => name.includes("partial"))).toEqual([]);
  });

  it("leaves nothing behind when the file cannot be written or renamed", async () => {
    const { reports, report } = sampleReport();
    await expectPelbiotErrorAsync(
      () => reports.writeReport(report.id, "excel", join(directory, "missing", "report.xlsx")),
      "STORAGE_ERROR",
    );
    // A non-empty directory under the final name makes the last step (rename) fail after the whole file was written.
    const occupied = join(directory, "occupied.pdf");
    await mkdir(occupied);
    await writeFile(join(occupied, "keep.txt"), "keep");
    await expectPelbiotErrorAsync(() => reports.writeReport(report.id, "pdf", occupied), "STORAGE_ERROR");
    expect(await readdir(occupied)).toEqual(["keep.txt"]);
    expect((await readdir(directory)).filter((name) => name.includes("partial"))).toEqual([]);
  });
});
