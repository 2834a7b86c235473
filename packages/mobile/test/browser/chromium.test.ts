import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumLaunchOptions, requireChromium } from "../../../core/test/support/chromium";
import { handleSyncRequest } from "../../src/sync/handle-sync-request";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { bundleUniversalEntry } from "./bundle-universal-entry";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pelbiot mobile</title></head>
<body><p id="text">Fluid text</p>
<script type="module">
  import * as pelbiot from "/bundle.js";
  window.pelbiot = pelbiot;
  window.pelbiotReady = true;
</script></body></html>`;

// A 1×1 transparent GIF, served for every image URL so the <picture> loads something whatever source it picks.
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

let server: Server;
// The server half of sync, mounted under /sync on the same origin as the page.
const coordinator = createSyncCoordinator();
let baseUrl: string;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const pageErrors: string[] = [];
const requestedImages: string[] = [];

beforeAll(async () => {
  requireChromium("the browser test of the universal entry");
  const bundle = await bundleUniversalEntry({ minify: true });
  server = createServer((request, response) => {
    const url = request.url ?? "/";
    if (url === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    } else if (url === "/bundle.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(bundle);
    } else if (url.startsWith("/sync/")) {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", async () => {
        const reply = await handleSyncRequest(coordinator, {
          method: request.method ?? "GET",
          path: url.slice("/sync".length),
          body: Buffer.concat(chunks).toString("utf8"),
        });
        response.writeHead(reply.status, reply.headers).end(reply.body);
      });
    } else if (url === "/favicon.ico") {
      response.writeHead(204).end();
    } else if (url.startsWith("/img/")) {
      requestedImages.push(url);
      response.writeHead(200, { "content-type": "image/gif" }).end(PIXEL);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  userDataDir = mkdtempSync(join(tmpdir(), "pelbiot-chromium-"));
  // A fresh profile is given as launchPersistentContext's directory: Playwright refuses a --user-data-dir argument.
  context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(["--disable-quic"]),
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 1,
    locale: "pt-BR",
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  await page.waitForFunction("window.pelbiotReady === true", undefined, { timeout: 10_000 });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

// In-page code is passed as source text: a function would be serialised after the test transform, which may add
// helpers the page does not have.
async function inPage<T>(body: string): Promise<T> {
  return (await page.evaluate(
    `(async () => { const { MobileAppConfig, MobileUIOptimizer, PelbiotError } = window.pelbiot; ${body} })()`,
  )) as T;
}

// Generous per-test limits: CI shares two cores between this browser and the other test workers.
describe("universal entry in headless Chromium", { timeout: 30_000 }, () => {
  it("loads with no page errors and runs in a real browser", async () => {
    expect(await page.evaluate("navigator.userAgent")).toContain("HeadlessChrome");
    expect(await page.evaluate("typeof window.pelbiot.MobileAppConfig")).toBe("function");
    expect(pageErrors).toEqual([]);
  });

  it("MobileAppConfig: the guide's call, versions, languages from navigator.languages, plural rules and remote config", async () => {
    const result = await inPage<Record<string, unknown>>(`
      const config = new MobileAppConfig({ minVersion: "1.0.0", supportedLanguages: ["en", "es", "fr", "pt", "ar"],
        offlineSyncInterval: 30000, maxOfflineRecords: 10000 });
      const codeOf = (action) => { try { action(); return "none"; } catch (error) { return PelbiotError.is(error) ? error.code : "foreign"; } };
      const statuses = ["0.9.0", "1.0.0-rc.1", "1.0.0+build.7", "2.0.0"].map((version) => config.checkVersion(version).status);
      const before = config.current;
      const rejected = codeOf(() => config.applyRemoteConfig({ schemaVersion: 1, minVersion: "nope" }));
      const keptLastGood = config.current === before;
      config.applyRemoteConfig({ schemaVersion: 1, minVersion: "1.3.0" });
      return {
        guide: new MobileAppConfig({ minVersion: "1.0.0", supportedLanguages: ["en", "es", "fr"], offlineSyncInterval: 30000,
          maxOfflineRecords: 10000 }).negotiateLanguage(["pt-BR", "fr-CA"]),
        navigatorLanguages: [...navigator.languages],
        fromNavigator: config.negotiateLanguage(navigator.languages),
        arabic: config.resolveLanguage("ar-EG"),
        statuses,
        gaps: config.checkTranslations({ en: { files: { one: "# file", other: "# files" } },
          ar: { files: { one: "ملف", other: "ملفات" } } }).gaps,
        malformedVersion: codeOf(() => config.checkVersion("1.0")),
        malformedLocale: codeOf(() => config.negotiateLanguage(["@@"])),
        badOptions: codeOf(() => new MobileAppConfig({ maxOfflineRecords: "many" })),
        tooNewSchema: codeOf(() => config.applyRemoteConfig({ schemaVersion: 2 })),
        rejected, keptLastGood,
        afterRemote: config.checkVersion("1.2.0").status,
      };
    `);
    expect(result.guide).toBe("fr");
    expect(result.navigatorLanguages).toEqual(["pt-BR"]);
    expect(result.fromNavigator).toBe("pt");
    expect(result.arabic).toMatchObject({ language: "ar", rtl: true, fallbackChain: ["ar", "en"] });
    // Chromium's own ICU supplies the plural rules: Arabic needs all six CLDR categories.
    expect((result.arabic as { pluralCategories: string[] }).pluralCategories).toEqual([
      "zero",
      "one",
      "two",
      "few",
      "many",
      "other",
    ]);
    expect(result.statuses).toEqual(["force_update", "force_update", "ok", "ok"]);
    expect(result.gaps).toEqual([{ locale: "ar", key: "files", missing: ["zero", "two", "few", "many"] }]);
    expect(result).toMatchObject({
      malformedVersion: "VALIDATION_ERROR",
      malformedLocale: "VALIDATION_ERROR",
      badOptions: "VALIDATION_ERROR",
      tooNewSchema: "UNSUPPORTED",
      rejected: "VALIDATION_ERROR",
      keptLastGood: true,
      afterRemote: "force_update",
    });
  });

  it("MobileUIOptimizer: layout follows the real window size", async () => {
    const layoutScript = "return new MobileUIOptimizer().getLayout(window.innerWidth, window.innerHeight);";
    await page.setViewportSize({ width: 412, height: 915 });
    expect(await inPage(layoutScript)).toMatchObject({
      widthClass: "compact",
      heightClass: "expanded",
      columns: 4,
      navigation: "navigation-bar",
    });
    await page.setViewportSize({ width: 915, height: 412 });
    expect(await inPage(layoutScript)).toMatchObject({
      widthClass: "expanded",
      heightClass: "compact",
      navigation: "navigation-rail",
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await inPage(layoutScript)).toMatchObject({
      widthClass: "large",
      heightClass: "medium",
      navigation: "navigation-drawer",
    });
  });

  it("MobileUIOptimizer: Chromium renders the fluid type scale's clamp() at the planned sizes", async () => {
    const measure = async (width: number): Promise<number[]> => {
      await page.setViewportSize({ width, height: 800 });
      return inPage<number[]>(`
        const scale = new MobileUIOptimizer().getTypographyScale();
        let style = document.getElementById("scale");
        if (!style) { style = document.createElement("style"); style.id = "scale"; document.head.append(style); }
        style.textContent = ":root {" + scale.css + "}";
        const element = document.getElementById("text");
        return scale.steps.map((step) => {
          element.style.fontSize = "var(--step-" + step.step + ")";
          return Number.parseFloat(getComputedStyle(element).fontSize);
        });
      `);
    };
    const narrow = await measure(320);
    const middle = await measure(780);
    const wide = await measure(1240);
    const huge = await measure(2000);
    // Step 0 (index 2): 18 px at 320 px, 20 px at 1240 px, halfway between at 780 px, capped above.
    expect(narrow[2]).toBeCloseTo(18, 1);
    expect(middle[2]).toBeCloseTo(19, 1);
    expect(wide[2]).toBeCloseTo(20, 1);
    expect(huge[2]).toBeCloseTo(20, 1);
    // Step 5: 18 × 1.2⁵ = 44.79 px up to 20 × 1.25⁵ = 61.04 px.
    expect(narrow[7]).toBeCloseTo(44.79, 0);
    expect(wide[7]).toBeCloseTo(61.04, 0);
    for (let index = 1; index < wide.length; index++) expect(wide[index]).toBeGreaterThan(wide[index - 1] as number);
  });

  it.each([
    [1, 380],
    [2, 760],
  ])("MobileUIOptimizer: at DPR %d Chromium picks AVIF and the planned width covering %d px", async (dpr, needed) => {
    // DevTools' device metrics override sets the device pixel ratio of this page without a new profile.
    const devtools = await context.newCDPSession(page);
    await devtools.send("Emulation.setDeviceMetricsOverride", {
      width: 412,
      height: 915,
      deviceScaleFactor: dpr,
      mobile: true,
    });
    const result = await inPage<{ currentSrc: string; widths: number[]; dpr: number }>(`
      const plan = new MobileUIOptimizer().optimizeImage({ src: "/img/hero.jpg", intrinsicWidth: 2400,
        sizes: [{ minWidth: 840, slot: "50vw" }, { slot: "calc(100vw - 32px)" }] });
      const picture = document.createElement("picture");
      for (const source of plan.sources) {
        const element = document.createElement("source");
        element.type = source.type; element.srcset = source.srcset; element.sizes = plan.sizes;
        picture.append(element);
      }
      const img = document.createElement("img");
      Object.assign(img, { src: plan.img.src, srcset: plan.img.srcset, sizes: plan.img.sizes, width: plan.img.width });
      picture.append(img);
      document.body.append(picture);
      await new Promise((resolve) => { img.onload = resolve; img.onerror = resolve; });
      picture.remove();
      return { currentSrc: img.currentSrc, widths: plan.widths, dpr: window.devicePixelRatio };
    `);
    await devtools.send("Emulation.clearDeviceMetricsOverride");
    await devtools.detach();
    expect(result.dpr).toBe(dpr);
    // 412 px window: the slot is 412 − 32 = 380 CSS px, so the smallest planned width covering 380 × DPR, in AVIF.
    const expectedWidth = result.widths.find((width) => width >= needed);
    expect(expectedWidth).toBeDefined();
    expect(result.currentSrc).toBe(`${baseUrl}/img/hero.jpg?w=${expectedWidth}&fm=avif&q=50`);
    expect(requestedImages).toContain(`/img/hero.jpg?w=${expectedWidth}&fm=avif&q=50`);
    expect(pageErrors).toEqual([]);
  });
});

describe("offline sync on IndexedDB in headless Chromium", { timeout: 60_000 }, () => {
  it("the IndexedDB adapter passes the core storage conformance suite in a real browser", async () => {
    const failures = await page.evaluate(`(async () => {
      const { storageAdapterContract, createIndexedDbStorage } = window.pelbiot;
      let databases = 0;
      const failures = [];
      for (const testCase of storageAdapterContract(() => createIndexedDbStorage({ databaseName: "contract-" + (databases += 1) }))) {
        try { await testCase.run(); } catch (error) { failures.push(testCase.name + ": " + error.message); }
      }
      return { failures, cases: databases };
    })()`);
    expect(failures).toMatchObject({ failures: [] });
    expect((failures as { cases: number }).cases).toBeGreaterThan(10);
  });

  it("queues offline on IndexedDB, survives a page reload, then syncs to a coordinator over HTTP", async () => {
    await page.evaluate(`(async () => {
      const { OfflineSyncManager, createIndexedDbStorage } = window.pelbiot;
      const sync = new OfflineSyncManager({ storage: createIndexedDbStorage({ databaseName: "app" }) });
      await sync.saveOfflineData("browser", { type: "create", entity: "note", recordId: "note-1", data: { text: "written offline" } });
    })()`);
    // A reload drops every JavaScript object: only IndexedDB remembers the queue.
    await page.reload();
    await page.waitForFunction("window.pelbiotReady === true", undefined, { timeout: 10_000 });
    const outcome = (await page.evaluate(`(async () => {
      const { OfflineSyncManager, createIndexedDbStorage, createHttpSyncTransport } = window.pelbiot;
      const sync = new OfflineSyncManager({ storage: createIndexedDbStorage({ databaseName: "app" }) });
      const queued = (await sync.getPendingChanges("browser")).length;
      const report = await sync.sync("browser", createHttpSyncTransport({ baseUrl: location.origin + "/sync" }));
      return { queued, pushed: report.pushed, pending: report.pending };
    })()`)) as { queued: number; pushed: number; pending: number };
    expect(outcome).toEqual({ queued: 1, pushed: 1, pending: 0 });
    expect(await coordinator.getRecord("note-1")).toEqual({ version: 1, data: { text: "written offline" } });
    expect(pageErrors).toEqual([]);
  });
});
