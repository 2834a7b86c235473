import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createJsonStore } from "../../src/storage/json-store";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import type { StorageAdapter } from "../../src/storage/storage-adapter";
import type { MaybePromise } from "../../src/types";

interface Device {
  name: string;
  tags: string[];
  readings?: number;
}

/** A memory store whose every method answers asynchronously, a tick later, and which counts lost races. */
function asyncStorage(): StorageAdapter & { readonly lostRaces: () => number } {
  const inner = createMemoryStorage();
  let lost = 0;
  const later = async <T>(compute: () => MaybePromise<T>): Promise<T> => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return compute();
  };
  return {
    specificationVersion: "v1",
    name: "async-memory",
    getItem: (key) => later(() => inner.getItem(key)),
    getEntry: (key) => later(() => inner.getEntry(key)),
    setItem: (key, value) => later(() => inner.setItem(key, value)),
    removeItem: (key) => later(() => inner.removeItem(key)),
    compareAndSet: (key, expectedVersion, value) =>
      later(() => {
        const written = inner.compareAndSet(key, expectedVersion, value) as boolean;
        if (!written) lost += 1;
        return written;
      }),
    keys: (prefix) => later(() => inner.keys(prefix)),
    lostRaces: () => lost,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("createJsonStore", () => {
  it("round-trips JSON values and returns undefined for absent keys", async () => {
    const store = createJsonStore<Device>(createMemoryStorage());
    expect(await store.get("boiler")).toBeUndefined();
    await store.set("boiler", { name: "Boiler", tags: ["heating", "ü🚀"], readings: 3 });
    expect(await store.get("boiler")).toEqual({ name: "Boiler", tags: ["heating", "ü🚀"], readings: 3 });
    await store.delete("boiler");
    expect(await store.get("boiler")).toBeUndefined();
    await store.delete("boiler");
  });

  it("stores JSON scalars, including null, as they are", async () => {
    const store = createJsonStore<unknown>(createMemoryStorage());
    for (const value of [null, 0, false, "", "text", [1, [2]], { nested: { deep: true } }]) {
      await store.set("value", value);
      expect(await store.get("value")).toEqual(value);
    }
  });

  it("writes plain JSON text to the adapter under the prefixed key", async () => {
    const adapter = createMemoryStorage();
    const store = createJsonStore<Device>(adapter, { prefix: "devices:" });
    await store.set("boiler", { name: "Boiler", tags: [] });
    expect(adapter.keys()).toEqual(["devices:boiler"]);
    expect(adapter.getItem("devices:boiler")).toBe('{"name":"Boiler","tags":[]}');
  });

  it("keeps stores with different prefixes apart and lists keys without the prefix", async () => {
    const adapter = createMemoryStorage();
    const devices = createJsonStore<Device>(adapter, { prefix: "devices:" });
    const sessions = createJsonStore<{ user: string }>(adapter, { prefix: "sessions:" });
    await devices.set("b", { name: "B", tags: [] });
    await devices.set("a", { name: "A", tags: ["x"] });
    await sessions.set("a", { user: "ada" });
    expect(await devices.keys()).toEqual(["a", "b"]);
    expect(await sessions.keys()).toEqual(["a"]);
    expect(await devices.entries()).toEqual([
      ["a", { name: "A", tags: ["x"] }],
      ["b", { name: "B", tags: [] }],
    ]);
    expect(await sessions.get("a")).toEqual({ user: "ada" });
    expect(devices.prefix).toBe("devices:");
    expect(devices.adapter).toBe(adapter);
  });

  it("setIfAbsent writes only the first time", async () => {
    const store = createJsonStore<number>(createMemoryStorage());
    expect(await store.setIfAbsent("counter", 1)).toBe(true);
    expect(await store.setIfAbsent("counter", 2)).toBe(false);
    expect(await store.get("counter")).toBe(1);
  });

  it("update creates, changes and deletes a record and returns the value written", async () => {
    const store = createJsonStore<{ count: number }>(createMemoryStorage());
    const seen: Array<{ count: number } | undefined> = [];
    const increment = (current: { count: number } | undefined) => {
      seen.push(current);
      return { count: (current?.count ?? 0) + 1 };
    };
    expect(await store.update("visits", increment)).toEqual({ count: 1 });
    expect(await store.update("visits", increment)).toEqual({ count: 2 });
    expect(seen).toEqual([undefined, { count: 1 }]);
    expect(await store.update("visits", () => undefined)).toBeUndefined();
    expect(await store.get("visits")).toBeUndefined();
    expect(await store.update("visits", () => undefined)).toBeUndefined();
    expect(await store.keys()).toEqual([]);
  });

  it("update accepts an async updater", async () => {
    const store = createJsonStore<string[]>(createMemoryStorage());
    await store.update("list", async (current) => [...(current ?? []), "a"]);
    expect(await store.get("list")).toEqual(["a"]);
  });

  it("lands every one of 20 parallel updates, retrying the ones that lose a race", async () => {
    const adapter = asyncStorage();
    const store = createJsonStore<{ count: number; writers: number[] }>(adapter);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        store.update("counter", (current) => ({
          count: (current?.count ?? 0) + 1,
          writers: [...(current?.writers ?? []), writer],
        })),
      ),
    );
    const final = await store.get("counter");
    expect(final?.count).toBe(20);
    expect([...(final?.writers ?? [])].sort((left, right) => left - right)).toEqual(
      Array.from({ length: 20 }, (_, writer) => writer),
    );
    // Each update returned the value it wrote, so the counts seen are exactly 1..20.
    expect(results.map((result) => result?.count).sort((left, right) => (left ?? 0) - (right ?? 0))).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
    // The race really happened: without lost compareAndSet rounds this test would prove nothing about retries.
    expect(adapter.lostRaces()).toBeGreaterThan(0);
  });

  it("throws CONFLICT after maxAttempts lost rounds, and runs the updater once per round", async () => {
    const adapter = createMemoryStorage();
    const store = createJsonStore<number>(adapter);
    await store.set("hot", 0);
    let calls = 0;
    const error = await rejection(
      store.update(
        "hot",
        (current) => {
          calls += 1;
          // Another writer sneaks in between this read and the compareAndSet, every single time.
          adapter.setItem("hot", String(1000 + calls));
          return (current ?? 0) + 1;
        },
        { maxAttempts: 3 },
      ),
    );
    expect(PelbiotError.is(error, "CONFLICT")).toBe(true);
    expect((error as Error).message).toContain('"hot"');
    expect((error as Error).message).toContain("3 attempts");
    expect(calls).toBe(3);
    expect(await store.get("hot")).toBe(1003);
  });

  it("reports corrupt JSON as INTEGRITY_ERROR naming the key", async () => {
    const adapter = createMemoryStorage();
    const store = createJsonStore<Device>(adapter, { prefix: "devices:" });
    adapter.setItem("devices:broken", '{"name": "half');
    // Explicit reads throw; listings skip and quarantine instead (json-store-damaged.test.ts).
    for (const operation of [
      () => store.get("broken"),
      () => store.update("broken", () => ({ name: "fixed", tags: [] })),
    ]) {
      const error = await rejection(operation());
      expect(PelbiotError.is(error, "INTEGRITY_ERROR")).toBe(true);
      expect((error as Error).message).toContain('"devices:broken"');
      expect((error as PelbiotError).details).toEqual({ key: "devices:broken" });
    }
    // Overwriting and deleting still work, so a corrupt record can be repaired.
    await store.set("broken", { name: "fixed", tags: [] });
    expect(await store.get("broken")).toEqual({ name: "fixed", tags: [] });
  });

  it("rejects values JSON cannot represent and writes nothing", async () => {
    const adapter = createMemoryStorage();
    const store = createJsonStore<unknown>(adapter);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const value of [undefined, () => 1, 10n, circular]) {
      const error = await rejection(store.set("key", value));
      expect(PelbiotValidationError.isValidationError(error)).toBe(true);
      expect((error as PelbiotValidationError).issues[0]?.path).toBe("value");
      expect(await rejection(store.setIfAbsent("key", value))).toBeInstanceOf(PelbiotValidationError);
    }
    expect(adapter.keys()).toEqual([]);
  });

  it("validates keys against the room the prefix leaves", async () => {
    const store = createJsonStore<number>(createMemoryStorage(), { prefix: "p".repeat(24) });
    await store.set("k".repeat(1000), 1);
    const tooLong = await rejection(store.set("k".repeat(1001), 1));
    expect(PelbiotValidationError.isValidationError(tooLong)).toBe(true);
    expect((tooLong as Error).message).toContain("at most 1000 characters with this store's prefix");
    const empty = await rejection(store.get(""));
    expect(PelbiotValidationError.isValidationError(empty)).toBe(true);
  });

  it("reports every malformed update argument together", async () => {
    const store = createJsonStore<number>(createMemoryStorage());
    const error = await rejection(store.update("", "not a function" as unknown as () => number, { maxAttempts: 0 }));
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "key",
      "updater",
      "options.maxAttempts",
    ]);
  });

  it("rejects a missing adapter or a malformed prefix at creation", () => {
    expect(() => createJsonStore(undefined as unknown as StorageAdapter)).toThrow(PelbiotValidationError);
    expect(() => createJsonStore({ name: "half" } as unknown as StorageAdapter)).toThrow(/adapter\.getItem/);
    expect(() => createJsonStore(createMemoryStorage(), { prefix: 7 as unknown as string })).toThrow(/options\.prefix/);
  });
});
