import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStorage, escapeGlobPattern } from "../../src/redis/redis-storage";
import type { RedisCommandClient, RedisStorageOptions } from "../../src/redis/redis-storage-options";
import { createJsonStore } from "../../src/storage/json-store";
import { listQuarantinedRecords } from "../../src/storage/quarantine";
import { captureValidationIssues, captureValidationIssuesAsync } from "../../src/testing/capture-validation-issues";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";
import { expectAtomicIncrements } from "../support/racing-increments";
import { findRedisProgram, serverUnavailable, startRedis, type TestServer } from "../support/test-servers";

const program = findRedisProgram();
const unavailable = serverUnavailable(program, "Redis storage");

/** Every command the adapter sends, so tests can tell that a rejected call never reached the server. */
function recordingClient(client: Redis) {
  const commands: Array<Array<string | number>> = [];
  const recording: RedisCommandClient & { commands: typeof commands } = {
    commands,
    call(command, ...args) {
      commands.push([command, ...args]);
      return client.call(command, ...args);
    },
  };
  return recording;
}

describe.skipIf(unavailable)("createRedisStorage on a real Redis server", () => {
  let server: TestServer;
  let client: Redis;
  let prefixes = 0;
  const freshPrefix = () => {
    prefixes += 1;
    return `test:${prefixes}:`;
  };
  const freshStorage = (options: Partial<RedisStorageOptions> = {}) =>
    createRedisStorage({ client, keyPrefix: freshPrefix(), ...options });

  beforeAll(async () => {
    if (!("found" in program)) return;
    server = await startRedis(program.found);
    client = new Redis({ host: "127.0.0.1", port: server.port });
  }, 60_000);

  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  }, 60_000);

  describe("conformance", () => {
    for (const testCase of storageAdapterContract(() => freshStorage())) it(testCase.name, testCase.run);
  });

  describe("conformance with a hash-tagged key prefix", () => {
    for (const testCase of storageAdapterContract(() => freshStorage({ keyPrefix: `{${freshPrefix()}}` }))) {
      it(testCase.name, testCase.run);
    }
  });

  it("compareAndSet stays atomic for writers on separate connections", async () => {
    const second = new Redis({ host: "127.0.0.1", port: server.port });
    try {
      const keyPrefix = freshPrefix();
      await expectAtomicIncrements([
        createRedisStorage({ client, keyPrefix }),
        createRedisStorage({ client: second, keyPrefix }),
      ] as const);
    } finally {
      await second.quit();
    }
  });

  it("keeps each key in one hash with its value and version, under the key prefix", async () => {
    const storage = createRedisStorage({ client, keyPrefix: "{layout}:" });
    await storage.setItem("device:42", "boiler");
    const entry = await storage.getEntry("device:42");
    expect(await client.hgetall("{layout}:device:42")).toEqual({ value: "boiler", version: entry?.version });
  });

  it("stores keys full of glob characters, quotes and backslashes, and keys(prefix) matches them literally", async () => {
    const storage = freshStorage();
    const keys = ["a*", "a*b", "ab", "a?", "a?b", "axb", "a[b]", "a[", "a\\", "a\\b", "a'b", 'a"b', "a{x}b", "a\0b"];
    for (const key of keys) await storage.setItem(key, `value of ${key}`);
    for (const key of keys) expect(await storage.getItem(key)).toBe(`value of ${key}`);
    expect(await storage.keys("a*")).toEqual(["a*", "a*b"]);
    expect(await storage.keys("a?")).toEqual(["a?", "a?b"]);
    expect(await storage.keys("a[")).toEqual(["a[", "a[b]"]);
    expect(await storage.keys("a\\")).toEqual(["a\\", "a\\b"]);
    expect(await storage.keys()).toEqual([...keys].sort());
  });

  it("keys(prefix) returns exactly the stored keys that start with the prefix (property)", async () => {
    const alphabet = fc.constantFrom("a", "b", "*", "?", "[", "]", "\\", "^", "é", "😀");
    const key = fc.string({ unit: alphabet, minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 12 }),
        fc.string({ unit: alphabet, maxLength: 3 }),
        async (stored, prefix) => {
          const storage = freshStorage();
          for (const item of stored) await storage.setItem(item, "v");
          expect(await storage.keys(prefix)).toEqual(stored.filter((item) => item.startsWith(prefix)).sort());
        },
      ),
      { numRuns: 50 },
    );
  });

  it("lists and clears more keys than one SCAN step returns, and leaves other prefixes alone", async () => {
    const storage = freshStorage();
    const neighbour = freshStorage();
    await neighbour.setItem("kept", "v");
    const pipeline = client.pipeline();
    const keyPrefix = `test:${prefixes - 1}:`;
    for (let index = 0; index < 2_500; index += 1) {
      pipeline.hset(`${keyPrefix}item:${String(index).padStart(4, "0")}`, "value", "v", "version", `v${index}`);
    }
    await pipeline.exec();
    const keys = await storage.keys("item:");
    expect(keys).toHaveLength(2_500);
    expect(keys[0]).toBe("item:0000");
    await storage.clear?.();
    expect(await storage.keys()).toEqual([]);
    expect(await neighbour.keys()).toEqual(["kept"]);
  });

  it("pages listRange through more keys than one SCAN step returns, in order, with their values and versions", async () => {
    const storage = freshStorage();
    const keyPrefix = `test:${prefixes}:`;
    const neighbour = freshStorage();
    await neighbour.setItem("item:0001", "a neighbour's key");
    const pipeline = client.pipeline();
    for (let index = 0; index < 2_500; index += 1) {
      pipeline.hset(`${keyPrefix}item:${String(index).padStart(4, "0")}`, "value", `v${index}`, "version", `r${index}`);
    }
    await pipeline.exec();
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await storage.listRange?.("item:", { after, limit: 1000 });
      if (page === undefined) throw new Error("the Redis store has listRange");
      for (const entry of page) {
        expect([entry.value, entry.version]).toEqual([`v${seen.length}`, `r${seen.length}`]);
        seen.push(entry.key);
      }
      if (page.length < 1000) break;
      after = page.at(-1)?.key;
    }
    expect(seen).toEqual(Array.from({ length: 2_500 }, (_, index) => `item:${String(index).padStart(4, "0")}`));
    // Later tests count SCAN steps over the whole database.
    await storage.clear?.();
    await neighbour.clear?.();
  });

  it("refuses a listRange cursor Redis cannot hold before any command", async () => {
    const storage = freshStorage();
    expect(
      await captureValidationIssuesAsync(async () => storage.listRange?.("p", { after: "lone\ud800", limit: 1 })),
    ).toEqual(["options.after: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)"]);
  });

  it("uses a cached Lua script for compareAndSet, and reloads it after SCRIPT FLUSH", async () => {
    const recorded = recordingClient(client);
    const storage = createRedisStorage({ client: recorded, keyPrefix: freshPrefix() });
    await client.call("SCRIPT", "FLUSH");
    expect(await storage.compareAndSet("key", null, "a")).toBe(true);
    const entry = await storage.getEntry("key");
    expect(await storage.compareAndSet("key", entry?.version ?? null, "b")).toBe(true);
    expect(await storage.getItem("key")).toBe("b");
    const scripts = recorded.commands
      .map(([command]) => command)
      .filter((command) => String(command).startsWith("EVAL"));
    expect(scripts).toEqual(["EVALSHA", "EVAL", "EVALSHA"]);
  });

  it("never sends KEYS", async () => {
    const recorded = recordingClient(client);
    const storage = createRedisStorage({ client: recorded, keyPrefix: freshPrefix() });
    await storage.setItem("a", "v");
    await storage.keys();
    await storage.keys("a");
    await storage.clear?.();
    expect(recorded.commands.map(([command]) => command)).toEqual(["HSET", "SCAN", "SCAN", "SCAN", "UNLINK"]);
  });

  it("reports a hash without a version as INTEGRITY_ERROR, which a JSON store quarantines", async () => {
    const storage = createRedisStorage({ client, keyPrefix: "foreign:" });
    await client.hset("foreign:bad", "value", "written by someone else");
    await storage.setItem("good", JSON.stringify({ name: "ok" }));
    await expectPelbiotErrorAsync(() => storage.getEntry("bad"), "INTEGRITY_ERROR");
    const listing = await createJsonStore<{ name: string }>(storage).listEntries();
    expect(listing.entries).toEqual([["good", { name: "ok" }]]);
    expect(listing.damaged.map((record) => record.key)).toEqual(["bad"]);
    expect(await client.exists("foreign:bad")).toBe(0);
    expect((await listQuarantinedRecords(storage)).map((record) => record.storageKey)).toEqual(["bad"]);
  });

  it("rejects keys and values it cannot store faithfully with VALIDATION_ERROR before any command", async () => {
    const recorded = recordingClient(client);
    const storage = createRedisStorage({ client: recorded, keyPrefix: freshPrefix(), maxValueBytes: 100 });
    const cases: Array<[() => unknown, string]> = [
      [() => storage.getItem("lone\ud800"), "key: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)"],
      [() => storage.setItem("key", "é".repeat(51)), "value: must be at most 100 bytes in UTF-8, got 102"],
      [() => storage.compareAndSet("key", null, "x".repeat(101)), "value: must be at most 100 bytes in UTF-8, got 101"],
      [
        () => storage.setItem("key", "\udc00"),
        "value: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)",
      ],
      [() => storage.keys("\ud800"), "prefix: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)"],
    ];
    for (const [call, issue] of cases) {
      expect(await captureValidationIssuesAsync(async () => call())).toEqual([issue]);
    }
    expect(recorded.commands).toEqual([]);
  });

  it("refuses over-long keys in every method with VALIDATION_ERROR before any command", async () => {
    const recorded = recordingClient(client);
    const storage = createRedisStorage({ client: recorded, keyPrefix: freshPrefix() });
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
    expect(recorded.commands).toEqual([]);
  });

  it("round-trips keys and values holding NUL, glob characters, quotes and backslashes (property)", async () => {
    const storage = freshStorage();
    const unit = fc.constantFrom("\0", "*", "?", "[", "]", "\\", "'", '"', "{", "}", "a", "é");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit, minLength: 1, maxLength: 12 }),
        fc.string({ unit, maxLength: 12 }),
        async (key, value) => {
          await storage.setItem(key, value);
          expect(await storage.getItem(key)).toBe(value);
          const entry = await storage.getEntry(key);
          expect(await storage.compareAndSet(key, entry?.version ?? null, `${value}!`)).toBe(true);
          expect(await storage.keys(key)).toContain(key);
          await storage.removeItem(key);
          expect(await storage.getItem(key)).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });

  it("maps an unreachable server to STORAGE_ERROR with the client's error as cause", async () => {
    const closed = new Redis({
      host: "127.0.0.1",
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const storage = createRedisStorage({ client: closed });
    const error = await expectPelbiotErrorAsync(() => storage.getItem("key"), "STORAGE_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^redisStorage\.getItem failed for key "key"/);
    closed.disconnect();
  });

  it("does not close the client it was given", async () => {
    const storage = freshStorage();
    await storage.setItem("key", "value");
    await storage.dispose?.();
    await expectPelbiotErrorAsync(() => storage.getItem("key"), "STORAGE_ERROR");
    expect(await client.ping()).toBe("PONG");
  });
});

describe("createRedisStorage options", () => {
  const client = { call: async () => null };

  it("rejects unsafe key prefixes, unknown keys and a missing client", () => {
    for (const keyPrefix of ["", "a b", "a*", "{}", "{a}{b}", "a}", "pelbiot:\0", "x".repeat(129)]) {
      expect(captureValidationIssues(() => createRedisStorage({ client, keyPrefix }))).toHaveLength(1);
    }
    expect(captureValidationIssues(() => createRedisStorage({ client, keyPrefix: "a*" }))).toEqual([
      "options.keyPrefix: must be letters, digits, _ . : / and -, with at most one non-empty hash tag in braces " +
        "(such as {app}), so that no key pattern or slot surprises arise",
    ]);
    expect(captureValidationIssues(() => createRedisStorage({ client, prefix: "x" } as never))).toEqual([
      'options.prefix: "prefix" is not a known option; accepted: client, keyPrefix, maxValueBytes',
    ]);
    expect(captureValidationIssues(() => createRedisStorage({} as never))).toEqual([
      "options.client: must be an ioredis client (an object with a call method)",
    ]);
    for (const keyPrefix of ["pelbiot:", "{app}:", "app:{tenant-1}:", "a/b.c_d-e"]) {
      expect(createRedisStorage({ client, keyPrefix }).name).toBe("redis");
    }
  });

  it("escapes glob characters so a prefix matches only itself", () => {
    expect(escapeGlobPattern("user:[1]*?\\")).toBe("user:\\[1\\]\\*\\?\\\\");
    expect(escapeGlobPattern("plain:key")).toBe("plain:key");
  });
});
