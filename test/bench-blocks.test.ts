// `pnpm bench` rewrites only its own blocks of BENCHMARKS.md and keeps the hand-written prose around them.
import { describe, expect, it } from "vitest";
import { applyBenchBlocks, type BenchOutput } from "../scripts/bench-blocks.ts";

const output = (key: string, text: string): BenchOutput => ({
  key,
  packageName: key.split("/")[0] ?? "",
  header: "Node v20, 2 × CPU",
  text,
});

const page = [
  "# Benchmarks",
  "",
  "## @pelbiot/core",
  "",
  "Prose about core.",
  "<!-- bench:core/server-storage -->",
  "old table",
  "<!-- /bench -->",
  "More prose.",
  "",
  "## @pelbiot/ml",
  "",
  "ML prose.",
  "",
].join("\n");

describe("applyBenchBlocks", () => {
  it("replaces an existing block and keeps the prose around it", () => {
    const next = applyBenchBlocks(page, [output("core/server-storage", "| a | b |\n| 1 | 2 |\n")]);
    expect(next).not.toContain("old table");
    expect(next).toContain("| a | b |\n| 1 | 2 |\n```\n<!-- /bench -->\nMore prose.");
    expect(next).toContain("Prose about core.\n<!-- bench:core/server-storage -->");
    expect(next.match(/<!-- bench:/g)).toHaveLength(1);
  });

  it("adds a missing block at the end of its package's section, before the next package", () => {
    const next = applyBenchBlocks(page, [output("core/new-thing", "figures")]);
    const block = next.indexOf("<!-- bench:core/new-thing -->");
    expect(block).toBeGreaterThan(next.indexOf("More prose."));
    expect(block).toBeLessThan(next.indexOf("## @pelbiot/ml"));
  });

  it("adds a block at the end when the package has no section, and is idempotent on a second run", () => {
    const once = applyBenchBlocks(page, [output("analytics/reports", "x")]);
    expect(once.trimEnd().endsWith("<!-- /bench -->")).toBe(true);
    expect(applyBenchBlocks(once, [output("analytics/reports", "x")])).toBe(once);
  });

  it("gathers new blocks before the end marker when the page has one, in the order they ran", () => {
    const gathered = `${page}\n## Latest run\n\n<!-- bench:end -->\n\n## Notes\n`;
    const next = applyBenchBlocks(gathered, [output("ml/a", "1"), output("core/b", "2")]);
    const [a, b, end] = ["<!-- bench:ml/a -->", "<!-- bench:core/b -->", "<!-- bench:end -->"].map((m) =>
      next.indexOf(m),
    );
    expect(next.indexOf("## Latest run")).toBeLessThan(a ?? -1);
    expect(a).toBeLessThan(b ?? -1);
    expect(b).toBeLessThan(end ?? -1);
    expect(next.endsWith("## Notes\n")).toBe(true);
  });

  it("treats replacement text literally (no $& expansion) and keeps fences closed", () => {
    const next = applyBenchBlocks(page, [output("core/server-storage", "cost $& and ```code```")]);
    expect(next).toContain("cost $& and '''code'''");
    expect(next.match(/```/g)).toHaveLength(2);
  });
});
