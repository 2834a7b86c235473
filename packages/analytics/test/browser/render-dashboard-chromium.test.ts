// The rendered dashboard in a real browser: Debian's headless Chromium opens the page with every network request
// refused, and the screenshot, the text and the SVG geometry are checked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumLaunchOptions, requireChromium } from "../../../core/test/support/chromium";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";
import type { DashboardDataSource } from "../../src/dashboard/dashboard-manager-types";
import { createDashboardFixture, type DashboardFixture, WIDGET_TITLES } from "../dashboard/dashboard-fixture";

let fixture: DashboardFixture;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  requireChromium("the dashboard rendering test");
  fixture = await createDashboardFixture();
  userDataDir = mkdtempSync(join(tmpdir(), "pelbiot-dashboard-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    ...chromiumLaunchOptions(),
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  page = context.pages()[0] ?? (await context.newPage());
  // The page must need nothing from outside: every request it makes is recorded and refused.
  await page.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.setContent(await fixture.dashboards.renderDashboard(fixture.dashboardId), { waitUntil: "load" });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await fixture?.collector.shutdown();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

// Generous per-test limits: CI shares two cores between this browser and the other test workers.
describe("renderDashboard in headless Chromium", { timeout: 30_000 }, () => {
  it("loads without requests, errors or scripts", async () => {
    expect(await page.evaluate("navigator.userAgent")).toContain("HeadlessChrome");
    expect(requests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate("document.scripts.length")).toBe(0);
    expect(await page.title()).toBe("Sales Dashboard");
  });

  it("shows every widget title as text", async () => {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees, unlike textContent.
    const text = await page.innerText("body");
    for (const title of WIDGET_TITLES) expect(text).toContain(title);
    expect(text).toContain("Real-time sales metrics");
    expect(await page.locator("section.widget").count()).toBe(WIDGET_TITLES.length);
  });

  it("draws the charts: lines and the gauge arc have real size inside their plots", async () => {
    const boxes = (await page.evaluate(`[...document.querySelectorAll("svg path")].map((path) => {
      const box = path.getBBox();
      return { width: box.width, height: box.height, fill: path.getAttribute("fill") };
    })`)) as { width: number; height: number; fill: string }[];
    const lines = boxes.filter((box) => box.fill === "none");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.width).toBeGreaterThan(300);
    const arcs = boxes.filter((box) => box.fill !== "none");
    expect(arcs).toHaveLength(2); // the gauge's track and its value
    for (const arc of arcs) expect(arc.width * arc.height).toBeGreaterThan(100);
  });

  it("takes a screenshot that is not blank", async () => {
    const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
    let nonWhite = 0;
    let coloured = 0;
    for (let offset = 0; offset < png.data.length; offset += 4) {
      const [red, green, blue] = [png.data[offset]!, png.data[offset + 1]!, png.data[offset + 2]!];
      if (red < 235 || green < 235 || blue < 235) nonWhite += 1;
      // Saturated pixels come from the chart lines, the gauge and the stat tile, never from grey text or borders.
      if (Math.max(red, green, blue) - Math.min(red, green, blue) > 80) coloured += 1;
    }
    const pixels = png.width * png.height;
    console.log(
      `dashboard screenshot: ${((nonWhite / pixels) * 100).toFixed(1)} % non-white, ${((coloured / pixels) * 100).toFixed(1)} % coloured`,
    );
    expect(png.width).toBe(1280);
    // The grey page background counts as white here: what remains is text, axes, lines, the gauge and the stat.
    expect(nonWhite / pixels).toBeGreaterThan(0.04);
    expect(coloured / pixels).toBeGreaterThan(0.01);
  });

  // Last, because it replaces the page's content.
  it("shows a widget that cannot be computed as a visible error panel, without script", async () => {
    const hostile = "<script>document.title='owned'</script> source down";
    const source: DashboardDataSource = {
      getMetricStats(name, query) {
        if (name === "broken") throw new Error(hostile);
        return fixture.collector.getMetricStats(name, query);
      },
    };
    const dashboards = new DashboardManager({ collector: source });
    const { id } = await dashboards.createDashboard("Partly broken");
    await dashboards.addWidgetToDashboard(id, "chart", { title: "Broken", metric: "broken", timeRange: "24h" });
    await dashboards.addWidgetToDashboard(id, "stat", { title: "Orders", metric: "orders", timeRange: "7d" });
    await page.setContent(await dashboards.renderDashboard(id), { waitUntil: "load" });
    expect(await page.evaluate("document.scripts.length")).toBe(0);
    expect(await page.title()).toBe("Partly broken");
    const alert = page.locator('section[data-widget-error] [role="alert"]');
    expect(await alert.count()).toBe(1);
    expect(await alert.isVisible()).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees.
    expect(await alert.innerText()).toContain(hostile);
    expect(await page.locator("section.widget .stat").count()).toBe(1);
    expect(requests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
