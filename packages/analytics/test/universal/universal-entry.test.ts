// The universal entry is the main entry without the report exports: the same objects, so code written against one
// works with the other, and nothing universal can be added to the main entry and forgotten here.
import { describe, expect, it } from "vitest";
import * as main from "../../src/index";
import * as universal from "../../src/universal/index";

// The main entry's runtime exports that need Node (files, streams, fonts): everything from src/reports.
const NODE_ONLY = [
  "REPORT_GENERATOR_FORMAT",
  "REPORT_GENERATOR_OPTION_KEYS",
  "REPORT_JSON_FORMAT",
  "REPORT_JSON_VERSION",
  "ReportGenerator",
  "escapeFormula",
  "resolveReportGeneratorOptions",
];

describe("@pelbiot/analytics/universal", () => {
  it("exports the same objects as the main entry", () => {
    const mainExports = main as Record<string, unknown>;
    for (const [name, value] of Object.entries(universal)) expect(mainExports[name], name).toBe(value);
  });

  it("leaves out only the report exports", () => {
    const missing = Object.keys(main).filter((name) => !(name in universal));
    expect(missing.sort()).toEqual([...NODE_ONLY].sort());
  });

  it("runs the collector from the universal entry", async () => {
    const collector = new universal.AnalyticsDataCollector({ trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
    collector.recordMetric("fps", 58, { device: "pixel-8" });
    expect(collector.getMetricStats("fps")).toMatchObject([{ count: 1, sum: 58 }]);
    await collector.shutdown();
  });
});
