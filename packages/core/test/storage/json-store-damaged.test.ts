import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { createJsonStore, type DamagedRecord } from "../../src/storage/json-store";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import { listQuarantinedRecords, QUARANTINE_PREFIX } from "../../src/storage/quarantine";
import type { StorageAdapter } from "../../src/storage/storage-adapter";

interface Item {
  name: string;
}

/** A memory adapter holding `good` as JSON records and `damaged` as text that is not JSON, all under `prefix`. */
function seeded(prefix: string, good: Record<string, Item>, damaged: Record<string, string>): StorageAdapter {
  const adapter = createMemoryStorage();
  for (const [key, value] of Object.entries(good)) adapter.setItem(prefix + key, JSON.stringify(value));
  for (const [key, text] of Object.entries(damaged)) adapter.setItem(prefix + key, text);
  return adapter;
}

describe("jsonStore.entries with damaged records", () => {
  it("skips a record that is not JSON, reports it, quarantines it and returns the rest", async () => {
    const adapter = seeded("items:", { a: { name: "A" }, c: { name: "C" } }, { b: '{"name":"B' });
    const reported: DamagedRecord[] = [];
    const store = createJsonStore<Item>(adapter, { prefix: "items:", onDamaged: (record) => reported.push(record) });

    expect(await store.entries()).toEqual([
      ["a", { name: "A" }],
      ["c", { name: "C" }],
    ]);
    expect(reported).toHaveLength(1);
    const [record] = reported;
    expect(record?.key).toBe("b");
    expect(record?.storageKey).toBe("items:b");
    expect(PelbiotError.is(record?.error, "INTEGRITY_ERROR")).toBe(true);
    expect(record?.error.cause).toBeInstanceOf(SyntaxError);
    expect(record?.quarantineKey?.startsWith(QUARANTINE_PREFIX)).toBe(true);

    // Out of the store, into quarantine with its raw text.
    expect(await adapter.getItem("items:b")).toBeNull();
    expect(await store.keys()).toEqual(["a", "c"]);
    const quarantined = await listQuarantinedRecords(adapter);
    expect(quarantined).toEqual([
      expect.objectContaining({ quarantineKey: record?.quarantineKey, storageKey: "items:b", raw: '{"name":"B' }),
    ]);

    // A second listing is clean.
    expect(await store.listEntries()).toEqual({
      entries: [
        ["a", { name: "A" }],
        ["c", { name: "C" }],
      ],
      damaged: [],
    });
    expect(reported).toHaveLength(1);
  });

  it("listEntries returns the damaged records of that call", async () => {
    const adapter = seeded("", { ok: { name: "ok" } }, { bad1: "", bad2: "not json" });
    const store = createJsonStore<Item>(adapter);
    const listing = await store.listEntries();
    expect(listing.entries).toEqual([["ok", { name: "ok" }]]);
    expect(listing.damaged.map((record) => record.key)).toEqual(["bad1", "bad2"]);
    // A store with an empty prefix does not list the quarantine as its own records.
    expect(await store.keys()).toEqual(["ok"]);
    expect(await store.entries()).toEqual([["ok", { name: "ok" }]]);
    expect((await listQuarantinedRecords(adapter)).map((record) => record.raw)).toEqual(["", "not json"]);
  });

  it("keeps going when onDamaged throws", async () => {
    const adapter = seeded("", { a: { name: "A" } }, { b: "{", c: "}" });
    let calls = 0;
    const store = createJsonStore<Item>(adapter, {
      onDamaged: () => {
        calls += 1;
        throw new Error("listener failure");
      },
    });
    expect(await store.entries()).toEqual([["a", { name: "A" }]]);
    expect(calls).toBe(2);
  });

  it("get and update on a damaged key still throw INTEGRITY_ERROR and leave it in place", async () => {
    const adapter = seeded("", {}, { b: "{" });
    const store = createJsonStore<Item>(adapter);
    await expect(store.get("b")).rejects.toSatisfy((error) => PelbiotError.is(error, "INTEGRITY_ERROR"));
    await expect(store.update("b", () => ({ name: "B" }))).rejects.toSatisfy((error) =>
      PelbiotError.is(error, "INTEGRITY_ERROR"),
    );
    expect(await adapter.getItem("b")).toBe("{");
  });

  it("does not lose a rewrite that lands between the read and the quarantine", async () => {
    const inner = seeded("", { a: { name: "A" } }, { b: "{" });
    let rewrites = 0;
    const adapter: StorageAdapter = {
      ...inner,
      compareAndSet(key, expectedVersion, value) {
        // Another writer repairs the record just before the store removes the damaged version.
        if (key === "b" && expectedVersion !== null && value === null && rewrites === 0) {
          rewrites += 1;
          inner.setItem("b", JSON.stringify({ name: "repaired" }));
        }
        return inner.compareAndSet(key, expectedVersion, value);
      },
    };
    const reported: DamagedRecord[] = [];
    const store = createJsonStore<Item>(adapter, { onDamaged: (record) => reported.push(record) });
    expect(await store.entries()).toEqual([
      ["a", { name: "A" }],
      ["b", { name: "repaired" }],
    ]);
    expect(rewrites).toBe(1);
    expect(reported).toEqual([]);
    expect(await listQuarantinedRecords(adapter)).toEqual([]);
  });

  it("quarantines a damaged record once when two listings meet it at the same time", async () => {
    const adapter = seeded("", { a: { name: "A" } }, { b: "{", c: "[" });
    const left = createJsonStore<Item>(adapter);
    const right = createJsonStore<Item>(adapter);
    const [leftListing, rightListing] = await Promise.all([left.listEntries(), right.listEntries()]);
    expect(leftListing.entries).toEqual([["a", { name: "A" }]]);
    expect(rightListing.entries).toEqual([["a", { name: "A" }]]);
    const reported = [...leftListing.damaged, ...rightListing.damaged].map((record) => record.key).sort();
    expect(reported).toEqual(["b", "c"]);
    expect((await listQuarantinedRecords(adapter)).map((record) => record.storageKey).sort()).toEqual(["b", "c"]);
  });

  it("reports a record the adapter itself finds damaged and removes it", async () => {
    const inner = seeded("", { a: { name: "A" } }, {});
    inner.setItem("b", "placeholder");
    let damaged = true;
    const adapter: StorageAdapter = {
      ...inner,
      getEntry(key) {
        if (key === "b" && damaged) throw new PelbiotError("INTEGRITY_ERROR", "checksum mismatch");
        return inner.getEntry(key);
      },
      removeItem(key) {
        if (key === "b") damaged = false;
        return inner.removeItem(key);
      },
    };
    const reported: DamagedRecord[] = [];
    const store = createJsonStore<Item>(adapter, { onDamaged: (record) => reported.push(record) });
    expect(await store.entries()).toEqual([["a", { name: "A" }]]);
    expect(reported.map((record) => [record.key, record.storageKey])).toEqual([["b", "b"]]);
    expect(PelbiotError.is(reported[0]?.error, "INTEGRITY_ERROR")).toBe(true);
    expect(await inner.getItem("b")).toBeNull();
    expect(await listQuarantinedRecords(adapter)).toEqual([
      expect.objectContaining({ storageKey: "b", raw: null, quarantineKey: reported[0]?.quarantineKey }),
    ]);
  });

  it("still throws genuine adapter failures", async () => {
    const inner = seeded("", { a: { name: "A" } }, {});
    const adapter: StorageAdapter = {
      ...inner,
      getEntry() {
        throw new PelbiotError("STORAGE_ERROR", "disk gone");
      },
    };
    const store = createJsonStore<Item>(adapter);
    await expect(store.entries()).rejects.toSatisfy((error) => PelbiotError.is(error, "STORAGE_ERROR"));
    expect(await inner.getItem("a")).toBe('{"name":"A"}');
  });

  it("returns exactly the good records of any mix of good and damaged ones", async () => {
    const recordArbitrary = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.oneof(
        fc.record({ good: fc.constant(true), name: fc.string({ maxLength: 5 }) }),
        fc.record({
          good: fc.constant(false),
          text: fc.constantFrom("", "{", "nul", "[1,", "\u0000\u00ff", "{'a':1}"),
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(recordArbitrary, fc.constantFrom("", "p:"), async (records, prefix) => {
        const adapter = createMemoryStorage();
        const expected: Array<[string, Item]> = [];
        const expectedDamaged: string[] = [];
        for (const [key, record] of Object.entries(records)) {
          if (record.good) {
            adapter.setItem(prefix + key, JSON.stringify({ name: record.name }));
            expected.push([key, { name: record.name }]);
          } else {
            adapter.setItem(prefix + key, record.text);
            expectedDamaged.push(key);
          }
        }
        const byKey = (left: [string, unknown], right: [string, unknown]) => (left[0] < right[0] ? -1 : 1);
        const reported: string[] = [];
        const store = createJsonStore<Item>(adapter, { prefix, onDamaged: (record) => reported.push(record.key) });
        expect(await store.entries()).toEqual(expected.sort(byKey));
        expect(reported.sort()).toEqual(expectedDamaged.sort());
        expect(await store.listEntries()).toEqual({ entries: expected, damaged: [] });
        expect((await listQuarantinedRecords(adapter)).length).toBe(expectedDamaged.length);
      }),
      { numRuns: 60 },
    );
  });
});
