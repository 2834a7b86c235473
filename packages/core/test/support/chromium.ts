/**
 * Debian's headless Chromium for the browser tests of every package: where it is, a loud failure when it is missing
 * (browser tests never skip), and the launch options that keep it off the network. Playwright's own browser download
 * cannot work on machines without internet access; `PELBIOT_CHROMIUM` points elsewhere (e.g. a developer's Chrome).
 */
import { existsSync } from "node:fs";

/** The browser the tests drive. */
export const CHROMIUM = process.env.PELBIOT_CHROMIUM ?? "/usr/bin/chromium";

/** Throws, naming the test and the install command, when the browser is missing. */
export function requireChromium(what: string): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Headless Chromium is required at ${CHROMIUM} for ${what}. Install it with: apt-get update && apt-get install -y chromium`,
    );
  }
}

/**
 * The core of the options for playwright-core's `chromium.launchPersistentContext(userDataDir, …)`: headless, no
 * sandbox (tests run as root in CI), and no background networking, component updates or sync, whose connections a
 * closed network refuses. Spread it and add what a test needs (viewport, locale).
 */
export function chromiumLaunchOptions(extraArgs: readonly string[] = []): {
  executablePath: string;
  headless: true;
  args: string[];
} {
  return {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...extraArgs,
    ],
  };
}
