import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createJsonStore } from "../../src/storage/json-store";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import {
  discardQuarantinedRecord,
  listQuarantinedRecords,
  QUARANTINE_PREFIX,
  restoreQuarantinedRecord,
} from "../../src/storage/quarantine";
import type { StorageAdapter } from "../../src/storage/storage-adapter";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";

interface Item {
  name: string;
}

/** A memory adapter holding each of `damaged` as text that is not JSON. */
function seeded(prefix: string, damaged: Record<string, string>): StorageAdapter {
  const adapter = createMemoryStorage();
  for (const [key, text] of Object.entries(damaged)) adapter.setItem(prefix + key, text);
  return adapter;
}

describe("quarantine operations", () => {
  it("restores a repaired record and discards another", async () => {
    const adapter = seeded("items:", { a: "{broken", b: "gone" });
    const store = createJsonStore<Item>(adapter, { prefix: "items:" });
    const { damaged } = await store.listEntries();
    const [first, second] = damaged;
    if (first?.quarantineKey === undefined || second?.quarantineKey === undefined) throw new Error("not quarantined");

    expect(await restoreQuarantinedRecord(adapter, first.quarantineKey, '{"name":"A"}')).toBe(true);
    expect(await store.get("a")).toEqual({ name: "A" });
    await discardQuarantinedRecord(adapter, second.quarantineKey);
    expect(await listQuarantinedRecords(adapter)).toEqual([]);
    expect(await store.entries()).toEqual([["a", { name: "A" }]]);
  });

  it("does not restore over a record written since", async () => {
    const adapter = seeded("", { a: "{" });
    const store = createJsonStore<Item>(adapter);
    const [record] = (await store.listEntries()).damaged;
    if (record?.quarantineKey === undefined) throw new Error("not quarantined");
    await store.set("a", { name: "new" });
    expect(await restoreQuarantinedRecord(adapter, record.quarantineKey)).toBe(false);
    expect(await store.get("a")).toEqual({ name: "new" });
    expect(await listQuarantinedRecords(adapter)).toHaveLength(1);
  });

  it("names quarantine keys within the storage key limit, even for the longest keys", async () => {
    const longKey = "k".repeat(1024);
    const adapter = seeded("", { [longKey]: "{" });
    const [record] = (await createJsonStore<Item>(adapter).listEntries()).damaged;
    expect(record?.quarantineKey?.length).toBeLessThanOrEqual(1024);
    expect(await listQuarantinedRecords(adapter)).toEqual([expect.objectContaining({ storageKey: longKey, raw: "{" })]);
  });

  it("lists only the records under a storage prefix, and keeps an unreadable quarantine entry visible", async () => {
    const adapter = createMemoryStorage();
    await createJsonStore<Item>(seededInto(adapter, "a:", { x: "{" }), { prefix: "a:" }).entries();
    await createJsonStore<Item>(seededInto(adapter, "b:", { y: "[" }), { prefix: "b:" }).entries();
    expect((await listQuarantinedRecords(adapter, { prefix: "b:" })).map((record) => record.storageKey)).toEqual([
      "b:y",
    ]);
    const [first] = await listQuarantinedRecords(adapter);
    if (first === undefined) throw new Error("not quarantined");
    adapter.setItem(first.quarantineKey, "overwritten by hand");
    expect((await listQuarantinedRecords(adapter))[0]).toEqual(
      expect.objectContaining({ storageKey: "a:x", raw: "overwritten by hand" }),
    );
  });

  it("reports a missing quarantined record as NOT_FOUND with the shared details key { id }", async () => {
    const quarantineKey = `${QUARANTINE_PREFIX}missing`;
    const error = await expectPelbiotErrorAsync(
      () => restoreQuarantinedRecord(createMemoryStorage(), quarantineKey),
      "NOT_FOUND",
    );
    expect(error.details).toEqual(expect.objectContaining({ id: quarantineKey }));
  });

  it("rejects keys outside the quarantine and restoring a record without text", async () => {
    const adapter = createMemoryStorage();
    await expect(discardQuarantinedRecord(adapter, "devices:1")).rejects.toBeInstanceOf(PelbiotValidationError);
    await expect(restoreQuarantinedRecord(adapter, "devices:1")).rejects.toBeInstanceOf(PelbiotValidationError);
    await expect(restoreQuarantinedRecord(adapter, `${QUARANTINE_PREFIX}missing`)).rejects.toSatisfy((error) =>
      PelbiotError.is(error, "NOT_FOUND"),
    );
    const quarantineKey = `${QUARANTINE_PREFIX}0-0:devices:1`;
    adapter.setItem(
      quarantineKey,
      JSON.stringify({ format: "pelbiot-quarantine/1", storageKey: "devices:1", raw: null, reason: "damaged file" }),
    );
    await expect(restoreQuarantinedRecord(adapter, quarantineKey)).rejects.toBeInstanceOf(PelbiotValidationError);
    expect(await restoreQuarantinedRecord(adapter, quarantineKey, '{"name":"one"}')).toBe(true);
    expect(adapter.getItem("devices:1")).toBe('{"name":"one"}');
    expect(adapter.keys(QUARANTINE_PREFIX)).toEqual([]);
  });
});

function seededInto(adapter: StorageAdapter, prefix: string, damaged: Record<string, string>): StorageAdapter {
  for (const [key, text] of Object.entries(damaged)) adapter.setItem(prefix + key, text);
  return adapter;
}
