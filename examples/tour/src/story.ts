/**
 * How the tour talks: numbered chapters, short indented lines, a check mark for every outcome it verified, and a
 * progress line for the longer steps. A failed check throws {@link TourFailure}, which stops the tour with a clear
 * message and a non-zero exit code.
 */

/** A check of the tour did not hold: what was expected and what happened instead. */
export class TourFailure extends Error {
  override readonly name = "TourFailure";
}

const interactive = process.stdout.isTTY === true;
let chapterCount = 0;
let passedChecks = 0;

/** How many {@link verify} checks have passed so far. */
export function checksPassed(): number {
  return passedChecks;
}

/** Starts a chapter: a blank line and a numbered heading. */
export function chapter(title: string): void {
  chapterCount += 1;
  console.log(`\n${chapterCount}. ${title}`);
}

/** One line of the story, indented under its chapter. */
export function say(text: string): void {
  console.log(`   ${text}`);
}

/**
 * Verifies an outcome: prints `✓ what` when it holds, throws {@link TourFailure} otherwise.
 *
 * @param condition - The outcome.
 * @param what - What was checked, phrased as the expected fact ("the receiver verified the signature").
 * @param actual - What was seen instead, shown only on failure.
 */
export function verify(condition: boolean, what: string, actual?: unknown): asserts condition {
  if (!condition) {
    const seen = actual === undefined ? "" : ` (got ${typeof actual === "string" ? actual : JSON.stringify(actual)})`;
    throw new TourFailure(`expected ${what}${seen}`);
  }
  passedChecks += 1;
  console.log(`   ✓ ${what}`);
}

/** A progress line for a step with several parts: redrawn in place on a terminal, one summary line in a log. */
export interface Progress {
  /** Marks one more part done, with a short note of what it was. */
  advance(note: string): void;
  /** Ends the line with a summary. */
  finish(summary: string): void;
}

/**
 * Starts a progress line.
 *
 * @param label - What is running ("training the churn classifier").
 * @param total - How many parts {@link Progress.advance} will be called for.
 * @returns The progress handle.
 */
export function progress(label: string, total: number): Progress {
  const started = performance.now();
  let done = 0;
  const draw = (note: string) => {
    const width = 20;
    const filled = Math.round((done / total) * width);
    process.stdout.write(`\r   … ${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${note}\x1b[K`);
  };
  if (interactive) draw("");
  return {
    advance(note) {
      done = Math.min(total, done + 1);
      if (interactive) draw(note);
    },
    finish(summary) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const text = `   … ${label}: ${summary} (${seconds} s)`;
      process.stdout.write(interactive ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}

/** Formats a number with a fixed number of decimals. */
export function fixed(value: number, decimals = 1): string {
  return value.toFixed(decimals);
}

/** Formats epoch milliseconds as `YYYY-MM-DD HH:mm` UTC. */
export function utc(timestamp: number): string {
  return new Date(timestamp).toISOString().slice(0, 16).replace("T", " ");
}
