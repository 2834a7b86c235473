// The universal entries in a real browser: each is bundled the way an app bundler would (esbuild, browser platform,
// so a Node built-in fails the build), loaded into Debian's headless Chromium, and put through a small scenario
// whose results are computed in the page and checked here.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Message } from "esbuild";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumLaunchOptions, requireChromium } from "../../packages/core/test/support/chromium";

/** The entry each bundle starts from: `entries/<name>.ts`, which imports only the package's public entry. */
const ENTRIES = ["core", "mobile", "ml", "analytics"] as const;
type EntryName = (typeof ENTRIES)[number];
/** The source file of each package's universal entry, which the bundle must contain. */
const UNIVERSAL_SOURCE: Record<EntryName, string> = {
  core: "packages/core/src/index.ts",
  mobile: "packages/mobile/src/index.ts",
  ml: "packages/ml/src/index.ts",
  analytics: "packages/analytics/src/universal/index.ts",
};

interface Bundle {
  readonly code: string;
  /** Every module esbuild read for the bundle. */
  readonly inputs: readonly string[];
}

function describeMessages(messages: readonly Message[]): string {
  return messages
    .map((message) => `${message.text}${message.location ? ` (${message.location.file})` : ""}`)
    .join("\n  ");
}

async function bundle(name: EntryName | "analytics-with-reports"): Promise<Bundle> {
  const entry = fileURLToPath(new URL(`./entries/${name}.ts`, import.meta.url));
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      conditions: ["@pelbiot/source"],
      minify: true,
      metafile: true,
      write: false,
      logLevel: "silent",
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error(`esbuild produced no output for ${name}`);
    return { code: output.text, inputs: Object.keys(result.metafile.inputs) };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (errors === undefined) throw error;
    throw new Error(`@pelbiot/${name} does not bundle for the browser:\n  ${describeMessages(errors)}`);
  }
}

// Each entry is bundled once, when a test first needs it, so one entry that fails to bundle fails its own tests only.
const bundling = new Map<EntryName, Promise<Bundle>>();
const bundles = new Map<EntryName, Bundle>();
async function bundleFor(name: EntryName): Promise<Bundle> {
  let pending = bundling.get(name);
  if (pending === undefined) {
    pending = bundle(name);
    bundling.set(name, pending);
  }
  const built = await pending;
  bundles.set(name, built);
  return built;
}
const pageErrors: string[] = [];
const outsideRequests: string[] = [];
let server: Server;
let baseUrl: string;
let context: BrowserContext;
let page: Page;
let userDataDir: string;

beforeAll(async () => {
  requireChromium("the browser smoke test of the universal entries");
  server = createServer((request, response) => {
    const name = /^\/(\w+)\.js$/.exec(request.url ?? "")?.[1] as EntryName | undefined;
    const code = name === undefined ? undefined : bundles.get(name)?.code;
    if (request.url === "/") {
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end("<!doctype html><title>pelbiot</title>");
    } else if (code !== undefined) {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(code);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = mkdtempSync(join(tmpdir(), "pelbiot-universal-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, chromiumLaunchOptions());
  page = context.pages()[0] ?? (await context.newPage());
  // The bundles must need nothing but themselves: any request elsewhere is recorded and refused.
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(baseUrl)) return route.continue();
    outsideRequests.push(url);
    return route.abort();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Imports the entry's bundle in the page and returns what its `smoke()` computed there. */
async function runInPage(name: EntryName): Promise<unknown> {
  await bundleFor(name);
  // A string, not a function: the test runner rewrites `import()` inside functions it transforms.
  return page.evaluate(`import(${JSON.stringify(`${baseUrl}/${name}.js`)}).then((module) => module.smoke())`);
}

// Generous limits: CI shares two cores between this browser and the other test workers.
describe("the universal entries in headless Chromium", { timeout: 60_000 }, () => {
  it.each(ENTRIES)("@pelbiot/%s bundles for the browser without a Node built-in", async (name) => {
    const { inputs, code } = await bundleFor(name);
    expect(inputs).toContain(UNIVERSAL_SOURCE[name]);
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(code).not.toMatch(/["']node:[a-z]/);
  });

  it("refuses @pelbiot/analytics with its reports, which need Node built-ins (the reason for /universal)", async () => {
    await expect(bundle("analytics-with-reports")).rejects.toThrow(/does not bundle for the browser:[\s\S]*"node:/);
  });

  it("@pelbiot/core: ids, typed events, memory storage and retry", async () => {
    expect(await runInPage("core")).toEqual({
      uuidV7: true,
      timestampNow: true,
      idsSorted: true,
      idsPrefixed: true,
      events: ["o-1×2"],
      visits: 20,
      staleWrite: false,
      retried: "recovered",
      attempts: 3,
      validation: "VALIDATION_ERROR",
    });
  });

  it("@pelbiot/mobile: MobileAppConfig and OfflineSyncManager on a memory store", async () => {
    expect(await runInPage("mobile")).toEqual({
      oldApp: "force_update",
      currentApp: "ok",
      language: "fr",
      createdRecord: { name: "John" },
      applied: 1,
      conflicts: ["record-1"],
      resolved: { name: "Annie" },
      queued: ["create:user", "update:user"],
    });
  });

  it("@pelbiot/ml: an anomaly detector, a classifier and k-means trained in the page, and a forecast", async () => {
    const result = (await runInPage("ml")) as {
      clusterSizes: number[];
      silhouette: number;
      spikes: { value: number; severity: string }[];
      accuracy: number;
      leaving: string;
      staying: string;
      forecastSteps: number;
      firstForecastTimestamp: number;
      lastTimestamp: number;
      forecastFinite: boolean;
    };
    expect(result.spikes).toContainEqual({ value: 98, severity: "critical" });
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect([result.leaving, result.staying]).toEqual(["yes", "no"]);
    expect(result.forecastSteps).toBe(12);
    expect(result.forecastFinite).toBe(true);
    expect(result.firstForecastTimestamp).toBe(result.lastTimestamp + 3_600_000);
    expect(result.clusterSizes).toEqual([30, 30]);
    expect(result.silhouette).toBeGreaterThan(0.8);
  });

  it("@pelbiot/analytics/universal: the collector, a dashboard widget over it and a trend", async () => {
    const result = (await runInPage("analytics")) as {
      fps: { count: number; min: number; max: number; p50: number; p99: number };
    };
    expect(result).toMatchObject({
      batch: { events: 1, duplicates: 0, metrics: 100 },
      totalEvents: 3,
      distinctUsers: 3,
      byEndpoint: [
        { endpoint: "/api/orders", count: 1, sum: 61.8 },
        { endpoint: "/api/users", count: 2, sum: 95.2 },
      ],
      fps: { count: 100, min: 1, max: 100 },
      sinkBatches: 1,
      widgetValue: 3,
      renderedTitle: true,
      trend: { direction: "increasing", senSlope: 2 },
    });
    // Quantiles come from a DDSketch with 1 % relative accuracy: within 1 % of the exact values 50 and 99
    // (ranks of 1…100), give or take one rank.
    expect(result.fps.p50).toBeGreaterThanOrEqual(49 * 0.99);
    expect(result.fps.p50).toBeLessThanOrEqual(51 * 1.01);
    expect(result.fps.p99).toBeGreaterThanOrEqual(98 * 0.99);
    expect(result.fps.p99).toBeLessThanOrEqual(100);
  });

  it("ran without page errors or requests outside the test server", () => {
    expect(pageErrors).toEqual([]);
    expect(outsideRequests).toEqual([]);
  });
});
