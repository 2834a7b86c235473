import { createManualClock } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { createInfluxDbSink, type InfluxDbSinkOptions, type InfluxPoint } from "../../src/influxdb/influxdb-sink";
import { nameProblem } from "../../src/influxdb/line-protocol";
import {
  findInfluxdProgram,
  type InfluxDbTestServer,
  type InfluxQueryAnswer,
  serverUnavailable,
  startInfluxDb,
} from "../support/influxdb-server";

const program = findInfluxdProgram();
const unavailable = serverUnavailable(program, "InfluxDB sink");
const T0 = Date.UTC(2026, 0, 1);

/** Rows of `SELECT *`, one object per row keyed by column, grouped by measurement. */
function rowsByMeasurement(answer: InfluxQueryAnswer): Map<string, Record<string, unknown>[]> {
  const result = answer.results[0];
  if (result?.error !== undefined) throw new Error(result.error);
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const series of result?.series ?? []) {
    const list = series.values.map((values) => {
      const row: Record<string, unknown> = {};
      series.columns.forEach((column, index) => {
        if (values[index] !== null) row[column] = values[index];
      });
      return row;
    });
    rows.set(series.name, list);
  }
  return rows;
}

describe.skipIf(unavailable)("createInfluxDbSink on a real InfluxDB server", () => {
  let server: InfluxDbTestServer;
  let databases = 0;

  async function freshDatabase(): Promise<string> {
    databases += 1;
    const name = `test_${databases}`;
    await server.query("", `CREATE DATABASE ${name}`);
    return name;
  }

  async function selectAll(database: string, from = "/.*/"): Promise<Map<string, Record<string, unknown>[]>> {
    return rowsByMeasurement(await server.query(database, `SELECT * FROM ${from}`));
  }

  function sinkFor(database: string, options: Partial<InfluxDbSinkOptions> = {}) {
    return createInfluxDbSink({ url: server.url, database, retry: { maxAttempts: 1 }, ...options });
  }

  beforeAll(async () => {
    if (!("found" in program)) return;
    server = await startInfluxDb(program.found);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("writes every escaping case and reads each name and value back unchanged", async () => {
    const database = await freshDatabase();
    const cases: InfluxPoint[] = [
      { measurement: "plain", tags: { host: "a" }, fields: { value: 1 }, timestamp: T0 },
      { measurement: "cpu load,avg", tags: { host: "b" }, fields: { value: 2 }, timestamp: T0 },
      { measurement: 'a=b"c', fields: { value: 3 }, timestamp: T0 },
      { measurement: "tags", tags: { "host name,=x": "web 1,=2", q: 'say "hi"' }, fields: { value: 4 }, timestamp: T0 },
      { measurement: "paths", tags: { dir: "C:\\Program Files\\app" }, fields: { value: 5 }, timestamp: T0 },
      { measurement: "keys", fields: { "resp time,ms=": 6, 'quo"te': 7 }, timestamp: T0 },
      {
        measurement: "strings",
        fields: { text: 'he said "hi" \\ then\nleft\\', empty: "", comma: "a,b=c d" },
        timestamp: T0,
      },
      { measurement: "温度 🌡", tags: { ciudad: "São Paulo 🌧" }, fields: { ñandú: "über 😀" }, timestamp: T0 },
      {
        measurement: "types",
        fields: { float: 0.1, whole: 3, big: 9007199254740993n, yes: true, no: false },
        timestamp: T0,
      },
      { measurement: "edges", fields: { huge: 1.7976931348623157e308, tiny: 5e-324, negative: -2.5 }, timestamp: T0 },
      {
        measurement: "empty_tag",
        tags: { kept: "k", gone: "", absent: undefined },
        fields: { value: 8 },
        timestamp: T0,
      },
    ];

    const result = await sinkFor(database).write(cases);

    expect(result).toEqual({ points: cases.length, requests: 1 });
    const rows = await selectAll(database);
    expect(rows.get("plain")).toEqual([{ time: T0, host: "a", value: 1 }]);
    expect(rows.get("cpu load,avg")).toEqual([{ time: T0, host: "b", value: 2 }]);
    expect(rows.get('a=b"c')).toEqual([{ time: T0, value: 3 }]);
    expect(rows.get("tags")).toEqual([{ time: T0, "host name,=x": "web 1,=2", q: 'say "hi"', value: 4 }]);
    expect(rows.get("paths")).toEqual([{ time: T0, dir: "C:\\Program Files\\app", value: 5 }]);
    expect(rows.get("keys")).toEqual([{ time: T0, "resp time,ms=": 6, 'quo"te': 7 }]);
    expect(rows.get("strings")).toEqual([
      { time: T0, text: 'he said "hi" \\ then\nleft\\', empty: "", comma: "a,b=c d" },
    ]);
    expect(rows.get("温度 🌡")).toEqual([{ time: T0, ciudad: "São Paulo 🌧", ñandú: "über 😀" }]);
    expect(rows.get("edges")).toEqual([{ time: T0, huge: 1.7976931348623157e308, tiny: 5e-324, negative: -2.5 }]);
    expect(rows.get("empty_tag")).toEqual([{ time: T0, kept: "k", value: 8 }]);
    // JSON numbers cannot hold 2^53 + 1, so the integer field's type and exact value are checked in InfluxQL.
    const types = await server.query(database, 'SHOW FIELD KEYS FROM "types"');
    expect(types.results[0]?.series?.[0]?.values).toEqual([
      ["big", "integer"],
      ["float", "float"],
      ["no", "boolean"],
      ["whole", "float"],
      ["yes", "boolean"],
    ]);
    const exact = await server.query(database, 'SELECT count(*) FROM "types" WHERE "big" = 9007199254740993');
    expect(exact.results[0]?.series?.[0]?.values[0]?.[1]).toBe(1);
  });

  it("round-trips random names and values built from the characters line protocol escapes", async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database);
    const text = fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", "=", '"', "\\", "é", "🌧", "\t"), minLength: 1 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text, text), { minLength: 1, maxLength: 20 }), async (entries) => {
        run += 1;
        const measurement = `prop ${run}`;
        const usable = entries.filter(
          ([key, value]) =>
            nameProblem(key, "tag key") === undefined &&
            nameProblem(value, "tag value") === undefined &&
            nameProblem(key, "field key") === undefined,
        );
        const points = usable.map(([key, value, stringValue], index) => ({
          measurement,
          tags: { index: String(index), [`t ${key}`]: value },
          fields: { [key === "index" ? "k" : key]: stringValue },
          timestamp: T0 + index,
        }));
        if (points.length === 0) return;
        await sink.write(points);
        const rows = (await selectAll(database, `"prop ${run}"`)).get(measurement) ?? [];
        expect(rows).toHaveLength(points.length);
        for (const [index, [key, value, stringValue]] of usable.entries()) {
          const row = rows.find((candidate) => candidate.index === String(index));
          expect(row?.[`t ${key}`]).toBe(value);
          expect(row?.[key === "index" ? "k" : key]).toBe(stringValue);
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  // A database per run, so the test gets time for a loaded machine.
  it("round-trips random measurement names", async () => {
    const unit = fc.constantFrom("a", " ", ",", "=", '"', "\\", "#", "é", "🌧");
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ unit, minLength: 1, maxLength: 8 }), { maxLength: 15 }),
        async (names) => {
          const usable = names.filter((name) => nameProblem(name, "measurement") === undefined);
          if (usable.length === 0) return;
          const database = await freshDatabase();
          await sinkFor(database).write(
            usable.map((measurement) => ({ measurement, fields: { value: 1 }, timestamp: T0 })),
          );
          const answer = await server.query(database, "SHOW MEASUREMENTS");
          const stored = (answer.results[0]?.series?.[0]?.values ?? []).map((row) => row[0]);
          expect(new Set(stored)).toEqual(new Set(usable));
        },
      ),
      { numRuns: 20 },
    );
  }, 60_000);

  it("refuses names line protocol cannot carry before sending anything", async () => {
    const database = await freshDatabase();
    const requests: string[] = [];
    const sink = sinkFor(database, {
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(input, init);
      },
    });
    const bad: InfluxPoint[] = [
      { measurement: "ok", tags: { line: "one\ntwo" }, fields: { value: 1 } },
      { measurement: "ok", tags: { trailing: "slash\\" }, fields: { value: 1 } },
      { measurement: "ok", tags: { before: "a\\,b" }, fields: { value: 1 } },
      { measurement: "#comment", fields: { value: 1 } },
      { measurement: "ok", tags: { time: "x" }, fields: { value: 1 } },
      { measurement: "ok", fields: { time: 1 } },
      { measurement: "ok", fields: { value: Number.NaN } },
      { measurement: "ok", fields: { nothing: null } },
      { measurement: "", fields: { value: 1 } },
    ];
    for (const point of bad) {
      await expectPelbiotErrorAsync(() => sink.write(point), "VALIDATION_ERROR");
    }
    await expectPelbiotErrorAsync(() => sink.write([{ measurement: "ok", fields: { value: 1 } }, ...bad]));
    expect(requests).toEqual([]);
    expect((await selectAll(database)).size).toBe(0);
  });

  it("stores events and metric points flushed by the collector", async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database, { eventMeasurement: "app events" });
    const clock = createManualClock(T0);
    const collector = new AnalyticsDataCollector({ clock, sinks: [sink], trackingIntervalMs: 0 });
    collector.trackEvent(
      "user_login",
      { platform: "web", duration: 1500, premium: true, cart: { items: 2 }, coupon: null },
      "user-1",
      { id: "evt-1", context: { app: "1.2.0" } },
    );
    clock.advance(5);
    collector.trackEvent("page view", {}, null, { id: "evt-2" });
    collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });

    const flushed = await collector.flush();
    await collector.shutdown();

    expect(flushed).toEqual({ delivered: 3, failed: 0 });
    const rows = await selectAll(database);
    expect(rows.get("api_response_time")).toEqual([
      { time: T0 + 5, endpoint: "/api/users", method: "GET", value: 45.2 },
    ]);
    expect(rows.get("app events")).toEqual([
      {
        time: T0,
        eventName: "user_login",
        userId: "user-1",
        eventId: "evt-1",
        platform: "web",
        duration: 1500,
        premium: true,
        cart: '{"items":2}',
        context: '{"app":"1.2.0"}',
      },
      { time: T0 + 5, eventName: "page view", eventId: "evt-2" },
    ]);
  });

  it("converts timestamps to each precision, keeping sub-millisecond digits in ns and u", async () => {
    const database = await freshDatabase();
    const at = T0 + 0.125;
    await sinkFor(database, { precision: "ns" }).write({ measurement: "ns", fields: { value: 1 }, timestamp: at });
    await sinkFor(database, { precision: "u" }).write({ measurement: "u", fields: { value: 1 }, timestamp: at });
    await sinkFor(database, { precision: "s" }).write({ measurement: "s", fields: { value: 1 }, timestamp: T0 + 1999 });
    await sinkFor(database, { precision: "h" }).write({
      measurement: "h",
      fields: { value: 1 },
      timestamp: new Date(T0 + 3_599_999),
    });
    // Nanoseconds pass 2^53, so the exact times are compared by InfluxQL, not through JSON numbers.
    const countAt = async (measurement: string, nanoseconds: string) => {
      const answer = await server.query(
        database,
        `SELECT count("value") FROM "${measurement}" WHERE time = ${nanoseconds}`,
      );
      return answer.results[0]?.series?.[0]?.values[0]?.[1];
    };
    expect(await countAt("ns", `${T0}125000`)).toBe(1);
    expect(await countAt("u", `${T0}125000`)).toBe(1);
    expect(await countAt("s", `${T0 + 1000}000000`)).toBe(1);
    expect(await countAt("h", `${T0}000000`)).toBe(1);
  });

  it("writes to the retention policy it is given", async () => {
    const database = await freshDatabase();
    await server.query(database, `CREATE RETENTION POLICY "short term" ON ${database} DURATION 1h REPLICATION 1`);
    const now = Date.now();
    await sinkFor(database, { retentionPolicy: "short term" }).write({
      measurement: "kept",
      fields: { value: 1 },
      timestamp: now,
    });
    expect((await selectAll(database)).size).toBe(0);
    const inPolicy = await selectAll(database, `"${database}"."short term"."kept"`);
    expect(inPolicy.get("kept")).toEqual([{ time: now, value: 1 }]);
  });

  it("splits large writes into requests of maxPointsPerRequest points", async () => {
    const database = await freshDatabase();
    const sink = sinkFor(database, { maxPointsPerRequest: 400 });
    const points = Array.from({ length: 1000 }, (_, index) => ({
      measurement: "many",
      tags: { shard: String(index % 7) },
      fields: { value: index },
      timestamp: T0 + index,
    }));
    expect(await sink.write(points)).toEqual({ points: 1000, requests: 3 });
    const count = await server.query(database, 'SELECT count("value"), sum("value") FROM "many"');
    expect(count.results[0]?.series?.[0]?.values[0]?.slice(1)).toEqual([1000, (999 * 1000) / 2]);
  });

  it("gives up at once on a field type conflict (HTTP 400) and on a missing database (404)", async () => {
    const database = await freshDatabase();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const sink = sinkFor(database, { fetch: counting, retry: { maxAttempts: 4, initialDelayMs: 0 } });
    await sink.write({ measurement: "typed", fields: { value: 1 }, timestamp: T0 });
    calls = 0;
    const conflict = await expectPelbiotErrorAsync(
      () => sink.write({ measurement: "typed", fields: { value: "text" }, timestamp: T0 + 1 }),
      "PROVIDER_ERROR",
    );
    expect(conflict.details).toMatchObject({ status: 400, retryable: false, partialWrite: true });
    expect(calls).toBe(1);

    calls = 0;
    const missing = sinkFor("no_such_database", { fetch: counting, retry: { maxAttempts: 4, initialDelayMs: 0 } });
    const notFound = await expectPelbiotErrorAsync(
      () => missing.write({ measurement: "m", fields: { value: 1 } }),
      "PROVIDER_ERROR",
    );
    expect(notFound.details).toMatchObject({ status: 404, retryable: false });
    expect(calls).toBe(1);
  });
});
