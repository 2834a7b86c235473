// PDF exports read back with poppler's pdftotext and rendered with pdftoppm: readers independent of pdfkit.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureValidationIssuesAsync } from "@pelbiot/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportGenerator } from "../../src/reports/report-generator";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleReport } from "./report-fixtures";

/**
 * Like the server tests: without poppler-utils the file is skipped with a loud warning on a developer's machine and
 * fails in CI (the `CI` variable set), so CI never skips these checks silently.
 */
function popplerUnavailable(): boolean {
  try {
    for (const program of ["pdftotext", "pdftoppm", "pdffonts", "pdfinfo"])
      execFileSync(program, ["-v"], { stdio: "ignore" });
    return false;
  } catch {
    const message =
      "The PDF read-back tests need poppler-utils (pdftotext, pdftoppm, pdffonts, pdfinfo); apt-get install poppler-utils.";
    const ci = process.env.CI;
    if (ci !== undefined && ci !== "" && ci !== "0" && ci !== "false")
      throw new Error(`${message} CI never skips them.`);
    console.warn(`\n⚠ SKIPPING the PDF read-back tests: ${message}\n`);
    return true;
  }
}

const skip = popplerUnavailable();
let directory = "";

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "pelbiot-pdf-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function savePdf(name: string, content: Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

function pdfText(path: string, page?: number): string {
  const pages = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
  return execFileSync("pdftotext", ["-layout", ...pages, path, "-"]).toString("utf8");
}

function pageCount(path: string): number {
  const info = execFileSync("pdfinfo", [path]).toString("utf8");
  return Number(info.match(/^Pages:\s+(\d+)/m)?.[1]);
}

/** Renders the first page in grey at 40 dpi (PGM) and returns the share of pixels that are not white. */
function inkedShare(path: string): number {
  const pgm = execFileSync("pdftoppm", ["-gray", "-r", "40", "-f", "1", "-l", "1", path]);
  const header = pgm
    .subarray(0, 40)
    .toString("latin1")
    .match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  expect(header).not.toBeNull();
  const [, width, height] = header as RegExpMatchArray;
  const pixels = pgm.subarray(pgm.length - Number(width) * Number(height));
  let inked = 0;
  for (const value of pixels) if (value < 200) inked += 1;
  return inked / pixels.length;
}

describe.skipIf(skip)("PDF export", { timeout: 60_000 }, () => {
  it("holds the title, period, totals and accented text in an embedded font, and its first page is drawn", async () => {
    const { reports, report } = sampleReport();
    const exported = await reports.exportReport(report.id, "pdf");
    const path = await savePdf("sample.pdf", exported.content);
    const text = pdfText(path);

    expect(exported.mimeType).toBe("application/pdf");
    expect(text).toContain("Monatsbericht Straße – Łódź");
    expect(text).toContain("Period: 2025-09-01 – 2025-09-30");
    expect(text).toContain("zażółć gęślą");
    expect(text).toContain("Umsatz €");
    // Totals: Umsatz € sums 30 days of 1000 + 10.25·day and 500; zażółć sums day % 7.
    expect(text).toMatch(/Umsatz €\s+60\s+49,458\.75\s+824\.31\s+500\s+1,297\.25/);
    expect(text).toMatch(/zażółć gęślą\s+30\s+85\s+2\.83\s+0\s+6/);
    expect(text).toContain("Umsatz €: sum per day");
    const fonts = execFileSync("pdffonts", [path]).toString("utf8");
    expect(fonts).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    expect(inkedShare(path)).toBeGreaterThan(0.01);
  });

  it("breaks the row table across pages and repeats its header on each", async () => {
    const reports = new ReportGenerator();
    const metrics = ["a", "b", "c", "d"];
    const rows = metrics.map((metric) => ({ metric, timestamp: SEPTEMBER_1, value: 1 }));
    const report = reports.generateReport("Long", metrics, GUIDE_PERIOD, "pdf", { rows });
    const path = await savePdf("long.pdf", (await reports.exportReport(report.id)).content);
    const pages = pageCount(path);

    expect(pages).toBeGreaterThanOrEqual(4);
    for (let page = 2; page <= pages; page += 1) {
      expect(pdfText(path, page)).toMatch(/Day\s+Metric\s+Count\s+Sum\s+Mean\s+Min\s+Max\s+P95/);
    }
    expect(pdfText(path, pages)).toMatch(/2025-09-30\s+d\s+0\s+0/);
  });

  it("charts the statistic chartStatistic names per metric (sum for the rest), with its name and its own scale", async () => {
    const { reports, report } = sampleReport();
    const chart = async (chartStatistic: Parameters<typeof reports.exportReport>[2]) => {
      const path = await savePdf(
        "statistic.pdf",
        (await reports.exportReport(report.id, "pdf", chartStatistic)).content,
      );
      const text = pdfText(path, 1);
      return text.slice(text.indexOf("Umsatz €:"), text.indexOf("zażółć gęślą:", text.indexOf("Umsatz €:")));
    };
    // Umsatz € has two values a day: their sums run 1,510–1,807 (axis to 2,000), their means 755–904 (axis to 1,000).
    const sums = await chart({});
    const means = await chart({ chartStatistic: { "Umsatz €": "mean" } });
    expect(sums).toMatch(/^Umsatz €: sum per day\s+2,000/);
    expect(means).toMatch(/^Umsatz €: mean per day\s+1,000/);
    expect(means).not.toContain("2,000");
    const text = pdfText(
      await savePdf("p95.pdf", (await reports.exportReport(report.id, "pdf", { chartStatistic: "p95" })).content),
    );
    expect(text).toContain("Umsatz €: 95th percentile per day");
    expect(text).toContain("zażółć gęślą: 95th percentile per day");
  });

  it("refuses a chartStatistic that names no statistic, and exports nothing", async () => {
    const { reports, report } = sampleReport();
    const issues = await captureValidationIssuesAsync(() =>
      reports.exportReport(report.id, "pdf", { chartStatistic: { "Umsatz €": "average" as "mean" } }),
    );
    expect(issues).toEqual([
      'options.chartStatistic.Umsatz €: must be one of "count", "sum", "mean", "min", "max", "p50", "p95"',
    ]);
    expect(
      await captureValidationIssuesAsync(() => reports.exportReport(report.id, "pdf", { chartStatistic: 95 as never })),
    ).toEqual([expect.stringContaining("options.chartStatistic: must be an object")]);
  });

  it("caps the detail table at maxPdfRows and says where the rest is", async () => {
    const { reports, report } = sampleReport();
    const path = await savePdf("capped.pdf", (await reports.exportReport(report.id, "pdf", { maxPdfRows: 3 })).content);
    const text = pdfText(path);
    expect(text).toContain("57 more rows are in the CSV and Excel exports.");
    expect(text).not.toContain("2025-09-03");
  });
});
