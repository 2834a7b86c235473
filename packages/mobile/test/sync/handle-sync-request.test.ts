import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createManualClock } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { handleSyncRequest } from "../../src/sync/handle-sync-request";
import { createHybridLogicalClock } from "../../src/sync/hybrid-logical-clock";
import { createSyncCoordinator, type SyncCoordinator } from "../../src/sync/sync-coordinator";
import { createHttpSyncTransport } from "../../src/sync/sync-transports";
import type { QueuedMutation } from "../../src/sync/sync-types";

const NOW = Date.UTC(2026, 5, 1);
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

// A real HTTP server on 127.0.0.1 that hands every request to handleSyncRequest.
async function serve(coordinator: SyncCoordinator): Promise<string> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = await handleSyncRequest(coordinator, {
      method: request.method ?? "GET",
      path: request.url ?? "",
      body: Buffer.concat(chunks).toString("utf8"),
    });
    response.writeHead(reply.status, reply.headers).end(reply.body);
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("handleSyncRequest limits", () => {
  it("answers 400 VALIDATION_ERROR for a lone surrogate in a client id, over real HTTP", async () => {
    const coordinator = createSyncCoordinator({ clock: createManualClock(NOW) });
    const url = await serve(coordinator);
    // JSON escapes the lone half as \ud800, so it reaches the server intact.
    const response = await fetch(`${url}/pull`, {
      method: "POST",
      body: JSON.stringify({ clientId: "\uD800", cursor: 0 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("VALIDATION_ERROR");
    expect(body.message).toMatch(/request.clientId: must be well-formed/);
    const transport = createHttpSyncTransport({ baseUrl: url });
    const error = await expectPelbiotErrorAsync(transport.push({ clientId: "a\uDC00", mutations: [] }));
    expect(error.details).toMatchObject({ status: 400, retryable: false });
  });

  it("answers 413 LIMIT_EXCEEDED for a push over maxPushBytes, which is not retried", async () => {
    const coordinator = createSyncCoordinator({
      clock: createManualClock(NOW),
      maxPushBytes: 20_000,
      maxMutationSize: 2000,
    });
    const url = await serve(coordinator);
    const hlc = createHybridLogicalClock({ nodeId: "phone", clock: createManualClock(NOW) });
    const mutations: QueuedMutation[] = Array.from({ length: 20 }, (_, index) => ({
      mutationId: `m${index}`,
      clientId: "phone",
      recordId: `r${index}`,
      entity: "note",
      type: "create",
      data: { text: "€".repeat(600) },
      baseVersion: null,
      hlc: hlc.now(),
      replace: false,
    }));
    const transport = createHttpSyncTransport({ baseUrl: url });
    const error = await expectPelbiotErrorAsync(transport.push({ clientId: "phone", mutations }));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toMatchObject({ status: 413, retryable: false });
    expect(error.message).toMatch(/LIMIT_EXCEEDED/);
    expect((await coordinator.pull({ clientId: "audit", cursor: 0 })).changes).toEqual([]);
  });
});
