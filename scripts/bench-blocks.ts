// Rewrites the generated blocks of BENCHMARKS.md (see bench-all.ts). Pure, so the test can pin its behaviour.

/** What one benchmark file printed, with the machine line it ran on. */
export interface BenchOutput {
  /** `<package>/<bench name>`, e.g. `ml/anomaly-corpus`. */
  key: string;
  /** The package folder name, e.g. `ml`. */
  packageName: string;
  /** Machine, load and date of the run. */
  header: string;
  /** Everything the benchmark printed on stdout. */
  text: string;
}

const blockPattern = (key: string) =>
  new RegExp(`<!-- bench:${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} -->[\\s\\S]*?<!-- /bench -->`);

/** The block as it appears in BENCHMARKS.md: markers, machine line and the output in a text fence. */
export function renderBenchBlock(output: BenchOutput): string {
  const body = output.text.replace(/\s+$/, "").replaceAll("```", "'''");
  return [
    `<!-- bench:${output.key} -->`,
    `_Written by \`pnpm bench ${output.key}\` — ${output.header}._`,
    "",
    "```text",
    body,
    "```",
    "<!-- /bench -->",
  ].join("\n");
}

/** Where new blocks go when the page has it; without it they go to their package's section. */
export const END_MARKER = "<!-- bench:end -->";

/**
 * Replaces each output's block, or adds one before {@link END_MARKER}, or else at the end of its package's
 * `## @pelbiot/<name>` section.
 */
export function applyBenchBlocks(markdown: string, outputs: readonly BenchOutput[]): string {
  let result = markdown;
  for (const output of outputs) {
    const block = renderBenchBlock(output);
    const pattern = blockPattern(output.key);
    if (pattern.test(result)) {
      result = result.replace(pattern, () => block);
      continue;
    }
    const section = `\n### \`pnpm bench ${output.key}\`\n\n${block}\n`;
    // The page may gather new blocks in one place, before an end marker.
    const end = result.indexOf(END_MARKER);
    if (end !== -1) {
      result = `${result.slice(0, end).replace(/\s*$/, "\n")}${section}\n${result.slice(end)}`;
      continue;
    }
    const heading = result.indexOf(`\n## @pelbiot/${output.packageName}\n`);
    if (heading === -1) {
      result = `${result.replace(/\s*$/, "\n")}${section}`;
      continue;
    }
    const next = result.indexOf("\n## ", heading + 1);
    const at = next === -1 ? result.length : next;
    result = `${result.slice(0, at).replace(/\s*$/, "\n")}${section}${result.slice(at)}`;
  }
  return result;
}
