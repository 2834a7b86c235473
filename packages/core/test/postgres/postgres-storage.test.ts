import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStorage, escapeLikePattern } from "../../src/postgres/postgres-storage";
import type { PostgresStorageOptions } from "../../src/postgres/postgres-storage-options";
import { captureValidationIssues, captureValidationIssuesAsync } from "../../src/testing/capture-validation-issues";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";
import { expectAtomicIncrements } from "../support/racing-increments";
import { findPostgresPrograms, serverUnavailable, startPostgres, type TestServer } from "../support/test-servers";

const programs = findPostgresPrograms();
const unavailable = serverUnavailable(programs, "PostgreSQL storage");

/** Every statement the adapter sends, so tests can tell that a rejected call never reached the server. */
function recordingPool(pool: pg.Pool) {
  const statements: Array<{ text: string; values: unknown[] | undefined }> = [];
  return {
    statements,
    query(text: string, values?: unknown[]) {
      statements.push({ text, values });
      return pool.query(text, values);
    },
  };
}

describe.skipIf(unavailable)("createPostgresStorage on a real PostgreSQL server", () => {
  let server: TestServer;
  let pool: pg.Pool;
  let tables = 0;
  const freshTable = () => {
    tables += 1;
    return `t_${process.pid}_${tables}`;
  };
  const freshStorage = (options: Partial<PostgresStorageOptions> = {}) =>
    createPostgresStorage({ pool, table: freshTable(), ...options });

  beforeAll(async () => {
    if (!("found" in programs)) return;
    server = await startPostgres(programs.found);
    pool = new pg.Pool({ host: "127.0.0.1", port: server.port, user: "postgres", database: "postgres", max: 10 });
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  }, 60_000);

  describe("conformance", () => {
    for (const testCase of storageAdapterContract(() => freshStorage())) it(testCase.name, testCase.run);
  });

  it("compareAndSet stays atomic for writers in separate pools", async () => {
    const second = new pg.Pool({
      host: "127.0.0.1",
      port: server.port,
      user: "postgres",
      database: "postgres",
      max: 5,
    });
    try {
      const table = freshTable();
      await expectAtomicIncrements([
        createPostgresStorage({ pool, table }),
        createPostgresStorage({ pool: second, table }),
      ] as const);
    } finally {
      await second.end();
    }
  });

  it("creates its table idempotently: two adapters and a second migration share one table", async () => {
    const table = freshTable();
    const first = createPostgresStorage({ pool, table });
    const second = createPostgresStorage({ pool, table });
    await Promise.all([first.setItem("a", "1"), second.setItem("b", "2")]);
    const third = createPostgresStorage({ pool, table });
    expect(await third.keys()).toEqual(["a", "b"]);
    const columns = await pool.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
      [table],
    );
    expect(columns.rows).toEqual([
      { column_name: "key", data_type: "text" },
      { column_name: "value", data_type: "bytea" },
      { column_name: "version", data_type: "bigint" },
      { column_name: "updated_at", data_type: "timestamp with time zone" },
    ]);
  });

  it("works in another schema, and two tables keep their keys apart", async () => {
    await pool.query("CREATE SCHEMA IF NOT EXISTS pelbiot_other");
    const table = freshTable();
    const inPublic = createPostgresStorage({ pool, table });
    const inOther = createPostgresStorage({ pool, table, schema: "pelbiot_other" });
    await inPublic.setItem("key", "public");
    await inOther.setItem("key", "other");
    expect(await inPublic.getItem("key")).toBe("public");
    expect(await inOther.getItem("key")).toBe("other");
  });

  it("stores keys full of quotes, LIKE metacharacters and backslashes, and keys(prefix) matches them literally", async () => {
    const storage = freshStorage();
    const keys = ["a%", "a%b", "ab", "a_", "a_b", "axb", "a\\", "a\\b", "a'b", 'a"b', "a'; DROP TABLE x; --", "a%'\\_"];
    for (const key of keys) await storage.setItem(key, `value of ${key}`);
    for (const key of keys) expect(await storage.getItem(key)).toBe(`value of ${key}`);
    expect(await storage.keys("a%")).toEqual(["a%", "a%'\\_", "a%b"]);
    expect(await storage.keys("a_")).toEqual(["a_", "a_b"]);
    expect(await storage.keys("a\\")).toEqual(["a\\", "a\\b"]);
    expect(await storage.keys("a'")).toEqual(["a'; DROP TABLE x; --", "a'b"]);
    expect(await storage.keys()).toEqual([...keys].sort());
  });

  it("keys(prefix) returns exactly the stored keys that start with the prefix (property)", async () => {
    const alphabet = fc.constantFrom("a", "b", "%", "_", "\\", "'", "é", "😀");
    const key = fc.string({ unit: alphabet, minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 12 }),
        fc.string({ unit: alphabet, maxLength: 3 }),
        async (stored, prefix) => {
          const storage = freshStorage();
          for (const item of stored) await storage.setItem(item, "v");
          expect(await storage.keys(prefix)).toEqual(stored.filter((item) => item.startsWith(prefix)).sort());
          await storage.dispose?.();
        },
      ),
      { numRuns: 25 },
    );
  });

  it("answers keys(prefix) from the primary key index", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable() });
    await storage.setItem("user:%1", "v");
    expect(await storage.keys("user:%")).toEqual(["user:%1"]);
    const statement = recorded.statements.at(-1);
    expect(statement?.values).toEqual(["user:%", "user:\\%%"]);
    const client = await pool.connect();
    try {
      // A tiny table is cheaper to scan than to look up, so sequential scans are ruled out to see the index plan.
      await client.query("SET enable_seqscan = off");
      const plan = await client.query(`EXPLAIN ${statement?.text}`, statement?.values);
      const text = plan.rows.map((row: Record<string, unknown>) => row["QUERY PLAN"]).join("\n");
      // The LIKE prefix becomes a bounded range on the primary key: from "user:%" up to, not including, "user:&".
      expect(text).toMatch(/Index Cond: .*key >= 'user:%'::text.*key < 'user:&'::text/);
    } finally {
      client.release();
    }
  });

  it("answers a listRange page with one statement that walks the primary key index from the cursor", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable() });
    for (let index = 0; index < 50; index += 1) await storage.setItem(`q_%:${String(index).padStart(2, "0")}`, "v");
    await storage.setItem("qx%:00", "outside: _ is not a wildcard");
    const before = recorded.statements.length;
    const page = (await storage.listRange?.("q_%:", { after: "q_%:09", limit: 3 })) ?? [];
    expect(page.map((entry) => entry.key)).toEqual(["q_%:10", "q_%:11", "q_%:12"]);
    expect(recorded.statements.length - before).toBe(1);
    const statement = recorded.statements.at(-1);
    expect(statement?.values).toEqual(["q_%:09", "q\\_\\%:%", 3]);
    const client = await pool.connect();
    try {
      // On a tiny table a scan of everything, or of a bitmap, is cheapest; ruling them out shows the plan of a
      // large table: an index scan already in key order, which the limit stops early.
      await client.query("SET enable_seqscan = off");
      await client.query("SET enable_bitmapscan = off");
      const plan = await client.query(`EXPLAIN ${statement?.text}`, statement?.values);
      const text = plan.rows.map((row: Record<string, unknown>) => row["QUERY PLAN"]).join("\n");
      // A limit over an index scan whose condition starts at the cursor: the page reads only its own rows.
      expect(text).toMatch(/Limit/);
      expect(text).toMatch(/Index Scan using \S+_pkey/);
      expect(text).toMatch(/Index Cond: .*key > 'q_%:09'::text/);
      expect(text).not.toMatch(/Sort/);
    } finally {
      await client.query("RESET enable_seqscan; RESET enable_bitmapscan");
      client.release();
    }
  });

  it("refuses a listRange prefix or cursor PostgreSQL cannot hold, before any query", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable() });
    expect(await captureValidationIssuesAsync(async () => storage.listRange?.("nul\0", { limit: 1 }))).toEqual([
      "prefix: must not contain a NUL character (U+0000)",
    ]);
    expect(
      await captureValidationIssuesAsync(async () => storage.listRange?.("p", { after: "lone\ud800", limit: 1 })),
    ).toEqual(["options.after: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)"]);
    expect(recorded.statements).toEqual([]);
  });

  it("sends every value as a parameter: no key, value or prefix appears in the SQL text", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable() });
    const key = "k'ey%_\\";
    await storage.setItem(key, "va'lue");
    const entry = await storage.getEntry(key);
    await storage.compareAndSet(key, entry?.version ?? null, "ne'w");
    await storage.keys("k'");
    await storage.removeItem(key);
    for (const { text } of recorded.statements) {
      expect(text).not.toContain("k'ey");
      expect(text).not.toContain("va'lue");
      expect(text).not.toContain("ne'w");
    }
  });

  it("versions are numbers from one sequence, and a foreign version never matches", async () => {
    const storage = freshStorage();
    await storage.setItem("key", "a");
    const entry = await storage.getEntry("key");
    expect(entry?.version).toMatch(/^[1-9][0-9]*$/);
    for (const foreign of ["not-a-number", "0", "-1", "1.5", "99999999999999999999", `${entry?.version} `]) {
      expect(await storage.compareAndSet("key", foreign, "b")).toBe(false);
    }
    expect(await storage.getItem("key")).toBe("a");
  });

  it("rejects keys and values the server cannot store with VALIDATION_ERROR before any query", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable(), maxValueBytes: 100 });
    const cases: Array<[string, () => unknown, string]> = [
      ["key", () => storage.setItem("nul\0key", "v"), "must not contain a NUL character (U+0000)"],
      [
        "key",
        () => storage.getItem("lone\ud800"),
        "must be well-formed Unicode text (it holds a lone UTF-16 surrogate)",
      ],
      ["key", () => storage.getEntry("日".repeat(700)), "must be at most 2048 bytes in UTF-8, got 2100"],
      ["value", () => storage.setItem("key", "é".repeat(51)), "must be at most 100 bytes in UTF-8, got 102"],
      [
        "value",
        () => storage.compareAndSet("key", null, "x".repeat(101)),
        "must be at most 100 bytes in UTF-8, got 101",
      ],
      [
        "value",
        () => storage.setItem("key", "lone\udc00"),
        "must be well-formed Unicode text (it holds a lone UTF-16 surrogate)",
      ],
      ["prefix", () => storage.keys("nul\0"), "must not contain a NUL character (U+0000)"],
    ];
    for (const [path, call, message] of cases) {
      expect(await captureValidationIssuesAsync(async () => call())).toEqual([`${path}: ${message}`]);
    }
    expect(recorded.statements).toEqual([]);
    // A value of exactly the limit, with NUL characters, is stored.
    await storage.setItem("key", `${"\0".repeat(50)}${"x".repeat(50)}`);
    expect(await storage.getItem("key")).toBe(`${"\0".repeat(50)}${"x".repeat(50)}`);
  });

  it("refuses over-long keys in every method with VALIDATION_ERROR before any query", async () => {
    const recorded = recordingPool(pool);
    const storage = createPostgresStorage({ pool: recorded, table: freshTable() });
    const long = "k".repeat(1025);
    const calls: Array<() => unknown> = [
      () => storage.getItem(long),
      () => storage.getEntry(long),
      () => storage.setItem(long, "v"),
      () => storage.removeItem(long),
      () => storage.compareAndSet(long, null, "v"),
      () => storage.keys(long),
    ];
    for (const call of calls) {
      const issues = await captureValidationIssuesAsync(async () => call());
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^(key|prefix): must be at most 1024 characters/);
    }
    expect(recorded.statements).toEqual([]);
  });

  it("round-trips any key made of quotes, LIKE metacharacters, backslashes and SQL (property)", async () => {
    const storage = freshStorage();
    const unit = fc.constantFrom("'", '"', "%", "_", "\\", ";", "-", " ", "a", "$1", "E'", "é");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit, minLength: 1, maxLength: 12 }),
        fc.string({ unit, maxLength: 12 }),
        async (key, value) => {
          await storage.setItem(key, value);
          expect(await storage.getItem(key)).toBe(value);
          const entry = await storage.getEntry(key);
          expect(await storage.compareAndSet(key, entry?.version ?? null, `${value}!`)).toBe(true);
          expect(await storage.getItem(key)).toBe(`${value}!`);
          expect(await storage.keys(key)).toContain(key);
          await storage.removeItem(key);
          expect(await storage.getItem(key)).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });

  it("maps an unreachable server to STORAGE_ERROR with the driver's error as cause, and recovers", async () => {
    const closed = new pg.Pool({ host: "127.0.0.1", port: 1, user: "postgres", connectionTimeoutMillis: 5_000 });
    const storage = createPostgresStorage({ pool: closed, table: freshTable() });
    const error = await expectPelbiotErrorAsync(() => storage.getItem("key"), "STORAGE_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toMatch(/postgresStorage\.getItem failed for key "key"/);
    await closed.end();
  });

  it("opens its own pool from a connectionString and ends it on dispose", async () => {
    const storage = createPostgresStorage({
      connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
      table: freshTable(),
    });
    await storage.setItem("key", "value");
    expect(await storage.getItem("key")).toBe("value");
    await storage.dispose?.();
    await expectPelbiotErrorAsync(() => storage.getItem("key"), "STORAGE_ERROR");
  });

  it("does not end a pool it was given", async () => {
    const storage = freshStorage();
    await storage.setItem("key", "value");
    await storage.dispose?.();
    expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});

describe("createPostgresStorage options", () => {
  const pool = { query: async () => ({ rows: [], rowCount: 0 }) };

  it("rejects unsafe table and schema names, unknown keys and a missing or doubled connection", () => {
    expect(captureValidationIssues(() => createPostgresStorage({ pool, table: 'x"; DROP TABLE y; --' }))).toEqual([
      `options.table: must be 1–48 lower-case letters, digits or _, not starting with a digit`,
    ]);
    expect(captureValidationIssues(() => createPostgresStorage({ pool, schema: "Public" }))).toEqual([
      `options.schema: must be 1–48 lower-case letters, digits or _, not starting with a digit`,
    ]);
    expect(
      captureValidationIssues(() => createPostgresStorage({ pool, tabel: "x" } as PostgresStorageOptions)),
    ).toEqual([
      'options.tabel: "tabel" is not a known option; accepted: pool, connectionString, table, schema, maxValueBytes',
    ]);
    expect(captureValidationIssues(() => createPostgresStorage({}))).toEqual([
      `options: must have a pool or a connectionString`,
    ]);
    expect(captureValidationIssues(() => createPostgresStorage({ pool, connectionString: "postgres://x" }))).toEqual([
      `options: must have a pool or a connectionString, not both`,
    ]);
    expect(captureValidationIssues(() => createPostgresStorage({ pool, maxValueBytes: 0 }))).toEqual([
      `options.maxValueBytes: must be greater than 0, got 0`,
    ]);
  });

  it("refuses every unsafe table or schema name without sending a query", () => {
    const statements: string[] = [];
    const recording = {
      query: async (text: string) => {
        statements.push(text);
        return { rows: [], rowCount: 0 };
      },
    };
    const unsafe = ["", "1abc", "a-b", "a b", "T", 't"', "t;drop", "é", "x".repeat(49), "public.t", "t\0"];
    for (const name of unsafe) {
      expect(captureValidationIssues(() => createPostgresStorage({ pool: recording, table: name }))).toHaveLength(1);
      expect(captureValidationIssues(() => createPostgresStorage({ pool: recording, schema: name }))).toHaveLength(1);
    }
    expect(statements).toEqual([]);
  });

  it("escapes LIKE metacharacters so a prefix matches only itself", () => {
    expect(escapeLikePattern("50%_off\\")).toBe("50\\%\\_off\\\\");
    expect(escapeLikePattern("plain:key")).toBe("plain:key");
  });
});
