// The sink against a real InfluxDB 1.x started with `auth-enabled = true`: an admin user is created through the
// HTTP API (allowed without credentials while no user exists), the sink writes with username and password, and the
// points are read back; wrong or missing credentials are a clear error that is not retried.
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInfluxDbSink, type InfluxDbSinkOptions } from "../../src/influxdb/influxdb-sink";
import {
  findInfluxdProgram,
  type InfluxCredentials,
  type InfluxDbTestServer,
  serverUnavailable,
  startInfluxDb,
} from "../support/influxdb-server";

const program = findInfluxdProgram();
const unavailable = serverUnavailable(program, "InfluxDB sink with authentication");
const T0 = Date.UTC(2026, 0, 1);
// A password with characters that would need escaping in a URL or in InfluxQL's quoting.
const ADMIN: InfluxCredentials = { username: "pelbiot_admin", password: "s3cret:pa ss/word" };
const DATABASE = "secured";

describe.skipIf(unavailable)("createInfluxDbSink on an InfluxDB server with authentication", () => {
  let server: InfluxDbTestServer;

  beforeAll(async () => {
    if (!("found" in program)) return;
    server = await startInfluxDb(program.found, { authEnabled: true });
    const quoted = ADMIN.password.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
    const created = await server.query(
      "",
      `CREATE USER ${ADMIN.username} WITH PASSWORD '${quoted}' WITH ALL PRIVILEGES`,
    );
    expect(created.results[0]?.error).toBeUndefined();
    const database = await server.query("", `CREATE DATABASE ${DATABASE}`, "ms", ADMIN);
    expect(database.results[0]?.error).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** A sink that counts the HTTP requests it makes. */
  function countingSink(options: Partial<InfluxDbSinkOptions>) {
    let requests = 0;
    const sink = createInfluxDbSink({
      url: server.url,
      database: DATABASE,
      retry: { maxAttempts: 4, initialDelayMs: 0 },
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
      ...options,
    });
    return { sink, requests: () => requests };
  }

  it("refuses to answer queries without credentials (the server really enforces authentication)", async () => {
    const answer = await server.query(DATABASE, "SHOW MEASUREMENTS");
    expect(answer.error ?? answer.results[0]?.error).toMatch(/auth/i);
  });

  it("writes with username and password, and the points read back", async () => {
    const { sink, requests } = countingSink({ username: ADMIN.username, password: ADMIN.password });
    const result = await sink.write([
      { measurement: "orders", tags: { region: "north" }, fields: { value: 12.5 }, timestamp: T0 },
      { measurement: "orders", tags: { region: "south" }, fields: { value: 7 }, timestamp: T0 + 1_000 },
    ]);
    expect(result).toMatchObject({ points: 2 });
    expect(requests()).toBe(1);
    const answer = await server.query(DATABASE, "SELECT value, region FROM orders ORDER BY time", "ms", ADMIN);
    expect(answer.results[0]?.error).toBeUndefined();
    expect(answer.results[0]?.series?.[0]?.values).toEqual([
      [T0, 12.5, "north"],
      [T0 + 1_000, 7, "south"],
    ]);
  });

  it("gives up at once on a wrong password with a clear error that does not hold the password", async () => {
    const wrong = "not-the-password";
    const { sink, requests } = countingSink({ username: ADMIN.username, password: wrong });
    const error = await expectPelbiotErrorAsync(
      () => sink.write({ measurement: "orders", fields: { value: 1 }, timestamp: T0 + 5_000 }),
      "PROVIDER_ERROR",
    );
    expect(requests()).toBe(1);
    expect(error.details).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toContain("HTTP 401");
    expect(error.message).toMatch(/authorization failed/i);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(wrong);
    const answer = await server.query(DATABASE, "SELECT count(value) FROM orders", "ms", ADMIN);
    expect(answer.results[0]?.series?.[0]?.values).toEqual([[0, 2]]);
  });

  it("gives up at once without credentials", async () => {
    const { sink, requests } = countingSink({});
    const error = await expectPelbiotErrorAsync(
      () => sink.write({ measurement: "orders", fields: { value: 1 }, timestamp: T0 + 6_000 }),
      "PROVIDER_ERROR",
    );
    expect(requests()).toBe(1);
    expect(error.details).toMatchObject({ status: 401, retryable: false });
  });
});
