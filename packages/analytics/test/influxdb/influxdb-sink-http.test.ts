import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { createInfluxDbSink, type InfluxDbSinkOptions } from "../../src/influxdb/influxdb-sink";

/** One request as the server saw it. */
interface SeenRequest {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/** A scripted stand-in for InfluxDB's `/write`: answers with the queued responses in turn, then 204. */
let server: Server;
let baseUrl = "";
const seen: SeenRequest[] = [];
const script: Array<{ status: number; body?: string; headers?: Record<string, string>; hang?: boolean }> = [];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    seen.push({ url: request.url ?? "", authorization: request.headers.authorization, body: await readBody(request) });
    const next = script.shift() ?? { status: 204 };
    if (next.hang) return; // Never answers; afterAll closes the connection.
    response.writeHead(next.status, { "content-type": "application/json", ...next.headers });
    response.end(next.body ?? "");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

beforeEach(() => {
  seen.length = 0;
  script.length = 0;
});

function sink(options: Partial<InfluxDbSinkOptions> = {}) {
  return createInfluxDbSink({
    url: `${baseUrl}/influx/`,
    database: "app metrics",
    retry: { maxAttempts: 3, initialDelayMs: 0 },
    ...options,
  });
}

describe("createInfluxDbSink over HTTP", () => {
  it("posts line protocol to /write with the database, precision, retention policy and Basic credentials", async () => {
    await sink({ retentionPolicy: "one week", username: "writer", password: "pässword", precision: "s" }).write({
      measurement: "m",
      tags: { host: "a" },
      fields: { value: 1.5 },
      timestamp: 1_000_999,
    });

    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]?.url ?? "", baseUrl);
    expect(url.pathname).toBe("/influx/write");
    expect(Object.fromEntries(url.searchParams)).toEqual({ db: "app metrics", precision: "s", rp: "one week" });
    const credentials = Buffer.from((seen[0]?.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
    expect(credentials).toBe("writer:pässword");
    expect(seen[0]?.body).toBe("m,host=a value=1.5 1000");
  });

  it("retries 5xx and 429 (waiting as Retry-After asks) and then succeeds", async () => {
    script.push({ status: 503, body: '{"error":"overloaded"}' }, { status: 429, headers: { "retry-after": "0" } });
    const result = await sink().write({ measurement: "m", fields: { value: 1 } });
    expect(result).toEqual({ points: 1, requests: 1 });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((request) => request.body))).toEqual(new Set(["m value=1"]));
  });

  it("stops after maxAttempts with RETRY_EXHAUSTED holding the last answer", async () => {
    script.push({ status: 500 }, { status: 502 }, { status: 500, body: '{"error":"timeout"}' });
    const error = await expectPelbiotErrorAsync(() => sink().write({ measurement: "m", fields: { value: 1 } }));
    expect(error.code).toBe("RETRY_EXHAUSTED");
    expect(String((error.cause as Error).message)).toContain("HTTP 500: timeout");
    expect(seen).toHaveLength(3);
  });

  it("never retries 4xx other than 429, nor a missing retention policy", async () => {
    script.push({ status: 401, body: '{"error":"authorization failed"}' });
    const unauthorized = await expectPelbiotErrorAsync(
      () => sink().write({ measurement: "m", fields: { value: 1 } }),
      "PROVIDER_ERROR",
    );
    expect(unauthorized.details).toMatchObject({ status: 401, retryable: false, error: "authorization failed" });
    script.push({ status: 500, body: '{"error":"retention policy not found: week"}' });
    await expectPelbiotErrorAsync(() => sink().write({ measurement: "m", fields: { value: 1 } }), "PROVIDER_ERROR");
    expect(seen).toHaveLength(2);
  });

  it("retries a refused connection and reports how many points earlier requests stored", async () => {
    const closed = createInfluxDbSink({
      url: "http://127.0.0.1:1",
      database: "d",
      retry: { maxAttempts: 2, initialDelayMs: 0 },
    });
    const refused = await expectPelbiotErrorAsync(() => closed.write({ measurement: "m", fields: { value: 1 } }));
    expect(refused.code).toBe("RETRY_EXHAUSTED");
    expect(refused.details).toMatchObject({ attempts: 2 });

    script.push({ status: 204 }, { status: 400, body: '{"error":"bad"}' });
    const points = [1, 2, 3].map((value) => ({ measurement: "m", fields: { value } }));
    const partial = await expectPelbiotErrorAsync(() => sink({ maxPointsPerRequest: 2 }).write(points));
    expect(partial.details).toMatchObject({ written: 2, status: 400 });
  });

  it("fails a request the server does not answer within timeoutMs with TIMEOUT, and retries it", async () => {
    script.push({ status: 0, hang: true }, { status: 0, hang: true });
    const error = await expectPelbiotErrorAsync(() =>
      sink({ timeoutMs: 50, retry: { maxAttempts: 2, initialDelayMs: 0 } }).write({
        measurement: "m",
        fields: { v: 1 },
      }),
    );
    expect(error.code).toBe("RETRY_EXHAUSTED");
    expect((error.cause as { code?: string }).code).toBe("TIMEOUT");
    expect(seen).toHaveLength(2);
  });

  it("does not multiply its retries with the collector's, and the collector never resends a 4xx batch", async () => {
    const collector = new AnalyticsDataCollector({
      sinks: [sink({ retry: { maxAttempts: 2, initialDelayMs: 0 } })],
      trackingIntervalMs: 0,
      retry: { maxAttempts: 3, initialDelayMs: 0 },
    });
    script.push({ status: 500 }, { status: 500 });
    collector.recordMetric("fps", 58);
    expect(await collector.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(seen).toHaveLength(2);

    script.push({ status: 400, body: '{"error":"partial write: field type conflict"}' });
    collector.recordMetric("fps", 59);
    expect(await collector.flush()).toEqual({ delivered: 0, failed: 1 });
    expect(seen).toHaveLength(3);
    expect(collector.getDropCounters().sinkFailed).toBe(2);
    await collector.shutdown();
  });

  it("tells the collector not to resend a batch it cannot write", async () => {
    const error = await expectPelbiotErrorAsync(
      () =>
        sink().send({
          events: [],
          metrics: [{ name: "bad\\", value: 1, tags: {}, timestamp: 0 }],
        }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("batch.metrics.0.measurement");
    expect(seen).toHaveLength(0);
  });

  it("validates its options, naming each problem", () => {
    const issues = captureValidationIssues(() =>
      createInfluxDbSink({
        url: "ftp://host",
        database: "",
        precision: "us",
        username: "only",
        maxPointsPerRequest: 0,
        retry: { maxAttempts: 0, jitter: "some" },
        databse: "x",
      } as never),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringContaining("options.url"),
        expect.stringContaining("options.database"),
        expect.stringContaining("options.precision"),
        expect.stringContaining("options.password"),
        expect.stringContaining("options.maxPointsPerRequest"),
        expect.stringContaining("options.retry.maxAttempts"),
        expect.stringContaining("options.retry.jitter"),
        expect.stringContaining("databse"),
      ]),
    );
    expectPelbiotError(
      () => createInfluxDbSink({ url: "http://user:secret@host:8086", database: "d" }),
      "VALIDATION_ERROR",
    );
    const withSecret = expectPelbiotError(() =>
      createInfluxDbSink({ url: "http://h", database: "d", username: "u", password: 42 } as never),
    );
    expect(withSecret.message).not.toContain("42");
  });

  it("validates write input with dot-paths and sends nothing", async () => {
    const issues = await expectPelbiotErrorAsync(
      () =>
        sink().write([
          { measurement: "m", fields: { value: 1 } },
          { measurement: "m", tags: { host: 7 }, fields: { value: Symbol("x") }, timestamp: "yesterday", extra: 1 },
        ] as never),
      "VALIDATION_ERROR",
    );
    const message = issues.message;
    for (const path of ["points.1.tags.host", "points.1.fields.value", "points.1.timestamp", "extra"]) {
      expect(message).toContain(path);
    }
    await expectPelbiotErrorAsync(() => sink().write("m value=1" as never), "VALIDATION_ERROR");
    expect(seen).toHaveLength(0);
  });
});
