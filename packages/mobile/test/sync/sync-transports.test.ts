import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createManualClock, PelbiotError } from "@pelbiot/core";
import { afterEach, describe, expect, it } from "vitest";
import { handleSyncRequest } from "../../src/sync/handle-sync-request";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator, type SyncCoordinator } from "../../src/sync/sync-coordinator";
import { createHttpSyncTransport, createInMemorySyncTransport } from "../../src/sync/sync-transports";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

// A real HTTP server on 127.0.0.1 mounting the coordinator under /sync, with optional injected failures.
async function serve(
  coordinator: SyncCoordinator,
  failures: number[] = [],
): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer(async (request, response) => {
    hits += 1;
    const failure = failures.shift();
    if (failure !== undefined) {
      response.writeHead(failure, { "retry-after": "0" }).end("unavailable");
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = await handleSyncRequest(coordinator, {
      method: request.method ?? "GET",
      path: (request.url ?? "").replace(/^\/sync/, ""),
      body: Buffer.concat(chunks).toString("utf8"),
    });
    response.writeHead(reply.status, reply.headers).end(reply.body);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sync`, hits: () => hits };
}

describe("HTTP sync transport", () => {
  it("syncs two devices through a real HTTP server", async () => {
    const coordinator = createSyncCoordinator();
    const { url } = await serve(coordinator);
    const transport = createHttpSyncTransport({ baseUrl: url });
    const phone = new OfflineSyncManager();
    const tablet = new OfflineSyncManager();
    const note = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "über ✓" } });
    expect(await phone.sync("phone", transport)).toMatchObject({ pushed: 1, pending: 0 });
    expect(await tablet.sync("tablet", transport)).toMatchObject({ pulled: 1, applied: 1 });
    expect(await tablet.getRecord("tablet", note.recordId)).toEqual({ text: "über ✓" });
  });

  it("maps HTTP failures to PROVIDER_ERROR with status and retry hints, and bad requests to 400", async () => {
    const coordinator = createSyncCoordinator();
    const { url } = await serve(coordinator, [503]);
    const transport = createHttpSyncTransport({ baseUrl: url });
    const failure = await transport.pull({ clientId: "a", cursor: 0 }).catch((error: unknown) => error);
    expect(PelbiotError.is(failure, "PROVIDER_ERROR")).toBe(true);
    expect((failure as PelbiotError).details).toMatchObject({ status: 503, retryable: true, retryAfterMs: 0 });
    const invalid = await transport.pull({ clientId: "", cursor: 0 }).catch((error: unknown) => error);
    expect((invalid as PelbiotError).details).toMatchObject({ status: 400, retryable: false });
    expect((invalid as PelbiotError).message).toMatch(/request.clientId/);
  });

  it("handleSyncRequest answers unknown routes, wrong methods and bad JSON", async () => {
    const coordinator = createSyncCoordinator();
    expect((await handleSyncRequest(coordinator, { method: "POST", path: "/nope", body: "{}" })).status).toBe(404);
    expect((await handleSyncRequest(coordinator, { method: "GET", path: "/pull", body: "" })).status).toBe(405);
    expect((await handleSyncRequest(coordinator, { method: "POST", path: "/pull", body: "{" })).status).toBe(400);
  });

  it("refuses a base URL that is not http(s)", () => {
    expect(() => createHttpSyncTransport({ baseUrl: "ftp://example.com" })).toThrow(/options.baseUrl/);
  });
});

describe("automatic sync", () => {
  it("syncs every interval on the manager's clock and retries transient failures", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const coordinator = createSyncCoordinator();
    const { url, hits } = await serve(coordinator, [503]);
    const phone = new OfflineSyncManager({ clock });
    await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "queued offline" } });
    const completed: number[] = [];
    phone.on("sync_completed", () => completed.push(clock.now()));
    const auto = phone.startAutoSync("phone", createHttpSyncTransport({ baseUrl: url }), {
      intervalMs: 30_000,
      maxAttempts: 3,
      backoff: { initialDelayMs: 1_000, jitter: "none" },
    });
    expect(hits()).toBe(0);
    // First round at 30 s: the pull hits a 503, the retry (after Retry-After: 0) succeeds and pushes the note.
    for (let step = 0; step < 50 && (await phone.getOfflineData("phone")).length > 0; step += 1) {
      await clock.advanceAsync(1_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await phone.getOfflineData("phone")).toEqual([]);
    expect(hits()).toBeGreaterThanOrEqual(3);
    expect(completed[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1) + 30_000);
    await auto.stop();
  });

  it("syncNow runs a round on demand", async () => {
    const coordinator = createSyncCoordinator();
    const phone = new OfflineSyncManager({ clock: createManualClock(0) });
    await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "now" } });
    const auto = phone.startAutoSync("phone", createInMemorySyncTransport(coordinator));
    const report = await auto.syncNow();
    expect(report).toMatchObject({ pushed: 1, pending: 0 });
    await auto.stop();
  });
});

describe("automatic sync failures", () => {
  it("backs off on transient errors, then reports sync_failed and resumes the regular interval", async () => {
    const clock = createManualClock(0);
    const phone = new OfflineSyncManager({ clock });
    const attempts: number[] = [];
    const failing = {
      pull: async () => {
        attempts.push(clock.now());
        throw new PelbiotError("PROVIDER_ERROR", "offline", { details: { retryable: true } });
      },
      push: async () => ({ results: [] }),
    };
    const failures: string[] = [];
    phone.on("sync_failed", ({ error }) => failures.push(error.code));
    const auto = phone.startAutoSync("phone", failing, {
      intervalMs: 10_000,
      maxAttempts: 3,
      backoff: { initialDelayMs: 1_000, jitter: "none" },
    });
    for (let step = 0; step < 60; step += 1) await clock.advanceAsync(500);
    // 10 s interval, then 1 s and 2 s backoffs, then sync_failed and the interval again, twice over.
    expect(attempts).toEqual([10_000, 11_000, 13_000, 23_000, 24_000, 26_000]);
    expect(failures).toEqual(["PROVIDER_ERROR", "PROVIDER_ERROR"]);
    await auto.stop();
    const after = attempts.length;
    await clock.advanceAsync(60_000);
    expect(attempts.length).toBe(after);
  });

  it("does not retry permanent errors before the next interval", async () => {
    const clock = createManualClock(0);
    const phone = new OfflineSyncManager({ clock });
    const attempts: number[] = [];
    const rejecting = {
      pull: async () => {
        attempts.push(clock.now());
        throw new PelbiotError("VALIDATION_ERROR", "bad request");
      },
      push: async () => ({ results: [] }),
    };
    const auto = phone.startAutoSync("phone", rejecting, { intervalMs: 10_000 });
    for (let step = 0; step < 50; step += 1) await clock.advanceAsync(500);
    expect(attempts).toEqual([10_000, 20_000]);
    await auto.stop();
  });
});
