import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { createFileStorage } from "../../src/node/file-storage";
import { createJsonStore, type DamagedRecord } from "../../src/storage/json-store";
import { listQuarantinedRecords } from "../../src/storage/quarantine";
import type { StorageAdapter } from "../../src/storage/storage-adapter";

const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

interface Item {
  name: string;
}

/** A file store holding items "a" … "d" under the prefix "items-", whose record files are `k-items-<key>.json`. */
async function seededFileStore() {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-damaged-"));
  directories.push(directory);
  const adapter = createFileStorage({ directory, fsync: false });
  const reported: DamagedRecord[] = [];
  const store = createJsonStore<Item>(adapter, { prefix: "items-", onDamaged: (record) => reported.push(record) });
  for (const key of ["a", "b", "c", "d"]) await store.set(key, { name: key.toUpperCase() });
  const recordFile = (key: string) => join(directory, `k-items-${key}.json`);
  return { directory, adapter, store, reported, recordFile };
}

describe("jsonStore.entries over damaged record files", () => {
  it("skips a truncated, a garbage and an empty record file, quarantines them and keeps the rest", async () => {
    const { directory, adapter, store, reported, recordFile } = await seededFileStore();
    const intact = await readFile(recordFile("b"), "utf8");
    await writeFile(recordFile("b"), intact.slice(0, Math.floor(intact.length / 2)));
    await writeFile(recordFile("c"), Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x7b, 0x22]));
    await writeFile(recordFile("d"), "");

    expect(await store.entries()).toEqual([["a", { name: "A" }]]);
    expect(reported.map((record) => record.key)).toEqual(["b", "c", "d"]);
    for (const record of reported) {
      expect(PelbiotError.is(record.error, "INTEGRITY_ERROR")).toBe(true);
      expect(record.storageKey).toBe(`items-${record.key}`);
      expect(record.quarantineKey).toBeDefined();
    }
    // Out of the store: the damaged files are gone and a second listing is clean.
    const names = await readdir(directory);
    expect(names.filter((name) => name.startsWith("k-items-")).sort()).toEqual(["k-items-a.json"]);
    expect(await store.listEntries()).toEqual({ entries: [["a", { name: "A" }]], damaged: [] });
    expect(reported).toHaveLength(3);
    // In quarantine, recorded by key; the file store cannot hand back the text of a record it finds damaged, but
    // keeps each damaged file's bytes aside in the directory.
    expect(names.filter((name) => name.endsWith(".damaged"))).toHaveLength(3);
    const quarantined = await listQuarantinedRecords(adapter, { prefix: "items-" });
    expect(quarantined.map((record) => [record.storageKey, record.raw])).toEqual([
      ["items-b", null],
      ["items-c", null],
      ["items-d", null],
    ]);
    // The store is still fully usable.
    await store.set("b", { name: "B again" });
    expect(await store.entries()).toEqual([
      ["a", { name: "A" }],
      ["b", { name: "B again" }],
    ]);
  });

  it("quarantines a valid record whose value is not JSON with its raw text", async () => {
    const { adapter, store, reported } = await seededFileStore();
    await adapter.setItem("items-b", "{not json");
    expect((await store.entries()).map(([key]) => key)).toEqual(["a", "c", "d"]);
    expect(reported.map((record) => record.key)).toEqual(["b"]);
    expect(await adapter.getItem("items-b")).toBeNull();
    expect((await listQuarantinedRecords(adapter)).map((record) => record.raw)).toEqual(["{not json"]);
  });

  it("does not lose a rewrite that lands between the read and the removal of a damaged file", async () => {
    const { adapter, store, reported, recordFile } = await seededFileStore();
    await writeFile(recordFile("b"), "garbage");
    let rewritten = false;
    const racing: StorageAdapter = {
      ...adapter,
      async removeItem(key) {
        if (key === "items-b" && !rewritten) {
          rewritten = true;
          await adapter.setItem("items-b", JSON.stringify({ name: "repaired" }));
        }
        return adapter.removeItem(key);
      },
      async compareAndSet(key, expectedVersion, value) {
        if (key === "items-b" && !rewritten) {
          rewritten = true;
          await adapter.setItem("items-b", JSON.stringify({ name: "repaired" }));
        }
        return adapter.compareAndSet(key, expectedVersion, value);
      },
    };
    const racingStore = createJsonStore<Item>(racing, {
      prefix: "items-",
      onDamaged: (record) => reported.push(record),
    });
    expect(await racingStore.entries()).toEqual([
      ["a", { name: "A" }],
      ["b", { name: "repaired" }],
      ["c", { name: "C" }],
      ["d", { name: "D" }],
    ]);
    expect(rewritten).toBe(true);
    expect(reported).toEqual([]);
    expect(await store.get("b")).toEqual({ name: "repaired" });
  });

  it("throws a record path that cannot be read (EISDIR) as a storage failure, not as damage", async () => {
    const { store, reported, recordFile } = await seededFileStore();
    await rm(recordFile("b"));
    await mkdir(recordFile("b"));
    await expect(store.entries()).rejects.toSatisfy((error) => PelbiotError.is(error, "STORAGE_ERROR"));
    expect(reported).toEqual([]);
    await rm(recordFile("b"), { recursive: true });
    expect((await store.entries()).map(([key]) => key)).toEqual(["a", "c", "d"]);
  });
});

describe("fileStorage with a damaged record file", () => {
  async function damagedFileStorage(content: Uint8Array | string) {
    const directory = await mkdtemp(join(tmpdir(), "pelbiot-damaged-"));
    directories.push(directory);
    const storage = createFileStorage({ directory, fsync: false });
    await storage.setItem("item", "intact");
    await writeFile(join(directory, "k-item.json"), content);
    return { directory, storage };
  }

  async function integrityError(promise: Promise<unknown>): Promise<PelbiotError> {
    const error = await promise.then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    if (!PelbiotError.is(error, "INTEGRITY_ERROR")) throw new Error(`expected INTEGRITY_ERROR, got ${String(error)}`);
    return error;
  }

  it("reports it with a damagedVersion that removes exactly that file, keeping its bytes aside", async () => {
    const garbage = Buffer.from([0xff, 0x00, 0x7b, 0x80]);
    const { directory, storage } = await damagedFileStorage(garbage);
    const error = await integrityError(Promise.resolve(storage.getEntry("item")));
    const damagedVersion = error.details?.damagedVersion;
    expect(typeof damagedVersion).toBe("string");

    // Neither a wrong version nor set-if-absent touches a damaged file.
    await integrityError(Promise.resolve(storage.compareAndSet("item", "some-version", null)));
    await integrityError(Promise.resolve(storage.compareAndSet("item", null, "new")));

    expect(await storage.compareAndSet("item", damagedVersion as string, null)).toBe(true);
    expect(await storage.getItem("item")).toBeNull();
    expect(await storage.keys()).toEqual([]);
    const aside = (await readdir(directory)).filter((name) => name.endsWith(".damaged"));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^d-[0-9a-f-]{36}-k-item\.damaged$/);
    expect(await readFile(join(directory, aside[0] as string))).toEqual(garbage);
  });

  it("replaces a damaged file through its damagedVersion, and refuses a version of older damage", async () => {
    const { directory, storage } = await damagedFileStorage("");
    const first = await integrityError(Promise.resolve(storage.getItem("item")));
    await writeFile(join(directory, "k-item.json"), "other garbage");
    await integrityError(Promise.resolve(storage.compareAndSet("item", first.details?.damagedVersion as string, null)));
    const second = await integrityError(Promise.resolve(storage.getItem("item")));
    expect(second.details?.damagedVersion).not.toBe(first.details?.damagedVersion);
    expect(await storage.compareAndSet("item", second.details?.damagedVersion as string, "repaired")).toBe(true);
    expect(await storage.getItem("item")).toBe("repaired");
  });
});
