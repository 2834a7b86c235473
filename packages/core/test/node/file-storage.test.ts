import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createFileStorage } from "../../src/node/file-storage";
import type { FileStorageOptions } from "../../src/node/file-storage-options";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";

const directories: string[] = [];

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-file-storage-"));
  directories.push(directory);
  return directory;
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function freshStorage(options: Partial<FileStorageOptions> = {}) {
  const directory = await freshDirectory();
  return { directory, storage: createFileStorage({ directory, ...options }) };
}

/** The id of a process that has exited, so no lock or temporary file it names can still be in use. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("the helper process did not start");
  return child.pid;
}

// The lock of a key made of lower-case letters only: its file name is the key, prefixed and suffixed.
function lockPath(directory: string, key: string): string {
  return join(directory, `k-${key}.json.lock`);
}

async function writeLock(path: string, owner: { pid: number; start: string | null }): Promise<void> {
  await writeFile(path, JSON.stringify({ ...owner, id: "lock-of-someone-else", acquiredAt: new Date().toISOString() }));
}

async function backdate(path: string, ageMs: number): Promise<void> {
  const time = new Date(Date.now() - ageMs);
  await utimes(path, time, time);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function rejection(promise: unknown): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("createFileStorage: storage adapter contract", () => {
  for (const testCase of storageAdapterContract(async () => createFileStorage({ directory: await freshDirectory() }))) {
    it(testCase.name, testCase.run, 30_000);
  }
});

describe("createFileStorage", () => {
  it("keeps values and versions across store instances", async () => {
    const { directory, storage } = await freshStorage();
    await storage.setItem("device:42", "boiler");
    const written = await storage.getEntry("device:42");
    await storage.dispose?.();

    const reopened = createFileStorage({ directory });
    expect(await reopened.getEntry("device:42")).toEqual(written);
    expect(await reopened.keys()).toEqual(["device:42"]);
    expect(await reopened.compareAndSet("device:42", written?.version ?? null, "heater")).toBe(true);
    await reopened.dispose?.();
  });

  it("serialises writers of one key across two instances sharing a directory", async () => {
    const directory = await freshDirectory();
    const stores = [createFileStorage({ directory }), createFileStorage({ directory })];
    const increment = async (store: (typeof stores)[number]): Promise<void> => {
      for (;;) {
        const entry = await store.getEntry("counter");
        if (await store.compareAndSet("counter", entry?.version ?? null, String(Number(entry?.value ?? 0) + 1))) return;
      }
    };
    await Promise.all(Array.from({ length: 30 }, (_, index) => increment(stores[index % 2]!)));
    expect(await stores[0]!.getItem("counter")).toBe("30");
  });

  it("names files with portable, lower-case ASCII only and leaves no lock or temporary file behind", async () => {
    const { directory, storage } = await freshStorage();
    const keys = ["Key", "key", "KEY", "a/b", "..", "CON", "日本", "🚀", "e\u0301", "é", "x".repeat(1024)];
    for (const key of keys) await storage.setItem(key, key);
    const names = await readdir(directory);
    expect(names).toHaveLength(keys.length);
    for (const name of names) {
      expect(name).toMatch(/^[hk]-[a-z0-9._%^-]+\.json$/);
      expect(name.length).toBeLessThanOrEqual(255 - ".lock".length);
    }
    // Case variants and the two Unicode normalisations of "é" stay distinct keys.
    expect(await storage.keys()).toEqual([...keys].sort());
    for (const key of keys) expect(await storage.getItem(key)).toBe(key);
  });

  it("writes each record as one self-checking JSON document", async () => {
    const { directory, storage } = await freshStorage();
    await storage.setItem("key", "value");
    const record = JSON.parse(await readFile(join(directory, "k-key.json"), "utf8"));
    expect(record).toMatchObject({ format: "pelbiot-file-storage/1", key: "key", value: "value" });
    expect(record.version).toBe((await storage.getEntry("key"))?.version);
    expect(record.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores files that are not its canonical records", async () => {
    const { directory, storage } = await freshStorage();
    await storage.setItem("A", "upper");
    // "%41" also decodes to "A", but only "^a" is A's name; the hashed file is not named after its record's key.
    await writeFile(join(directory, "k-%41.json"), "{}");
    await writeFile(join(directory, "k-%zz.json"), "{}");
    await writeFile(join(directory, `h-${"0".repeat(64)}.json`), await readFile(join(directory, "k-^a.json")));
    await writeFile(join(directory, "README.md"), "notes");
    expect(await storage.keys()).toEqual(["A"]);
    expect(await storage.getItem("A")).toBe("upper");
  });

  it("ignores leftover temporary files and removes those of dead writers lazily", async () => {
    const { directory, storage } = await freshStorage();
    await storage.setItem("real", "value");
    const deadWriterTemp = join(directory, `t-${await deadPid()}-leftover.tmp`);
    const ownFreshTemp = join(directory, `t-${process.pid}-in-flight.tmp`);
    const ownOldTemp = join(directory, `t-${process.pid}-ancient.tmp`);
    for (const path of [deadWriterTemp, ownFreshTemp, ownOldTemp]) await writeFile(path, '{"format":"pelbiot-fi');
    await backdate(ownOldTemp, 60 * 60 * 1000);

    expect(await storage.getItem("real")).toBe("value");
    expect(await storage.keys()).toEqual(["real"]);
    expect(await exists(deadWriterTemp)).toBe(false);
    expect(await exists(ownOldTemp)).toBe(false);
    // A recent temporary file of a live process may be a write in progress, so it is left alone.
    expect(await exists(ownFreshTemp)).toBe(true);
  });

  it("cleans up leftovers of dead writers when a store opens", async () => {
    const directory = await freshDirectory();
    const leftover = join(directory, `t-${await deadPid()}-leftover.tmp`);
    await writeFile(leftover, "partial");
    const storage = createFileStorage({ directory });
    expect(await storage.getItem("anything")).toBeNull();
    expect(await exists(leftover)).toBe(false);
  });

  it("breaks the lock of a dead process and writes", async () => {
    const { directory, storage } = await freshStorage({ lockTimeoutMs: 60_000 });
    await writeLock(lockPath(directory, "counter"), { pid: await deadPid(), start: null });
    expect(await storage.compareAndSet("counter", null, "1")).toBe(true);
    expect(await storage.getItem("counter")).toBe("1");
    expect(await exists(lockPath(directory, "counter"))).toBe(false);
  });

  it("waits for the lock of a live process, failing with TIMEOUT, until it is older than staleLockMs", async () => {
    const { directory, storage } = await freshStorage({ lockTimeoutMs: 50, staleLockMs: 60_000 });
    const lock = lockPath(directory, "counter");
    await writeLock(lock, { pid: process.pid, start: null });
    const error = await rejection(storage.setItem("counter", "1"));
    expect(PelbiotError.is(error, "TIMEOUT")).toBe(true);
    expect((error as Error).message).toContain('"counter"');
    expect(await exists(lock)).toBe(true);
    expect(await storage.getItem("counter")).toBeNull();

    await backdate(lock, 2 * 60_000);
    await storage.setItem("counter", "1");
    expect(await storage.getItem("counter")).toBe("1");
    expect(await exists(lock)).toBe(false);
  });

  it.runIf(process.platform === "linux")("breaks a lock whose process id now belongs to another process", async () => {
    const { directory, storage } = await freshStorage({ lockTimeoutMs: 60_000 });
    // The id is alive (it is this process), but the recorded start time is not this process's.
    await writeLock(lockPath(directory, "counter"), { pid: process.pid, start: "1" });
    await storage.setItem("counter", "1");
    expect(await storage.getItem("counter")).toBe("1");
  });

  it("treats a fresh empty lock as held and an old one as abandoned", async () => {
    const { directory, storage } = await freshStorage({ lockTimeoutMs: 50 });
    const lock = lockPath(directory, "counter");
    await writeFile(lock, "");
    expect(PelbiotError.is(await rejection(storage.setItem("counter", "1")), "TIMEOUT")).toBe(true);
    await backdate(lock, 10_000);
    await storage.setItem("counter", "1");
    expect(await storage.getItem("counter")).toBe("1");
  });

  it("reports damaged records as INTEGRITY_ERROR and can overwrite or delete them", async () => {
    const { directory, storage } = await freshStorage();
    await storage.setItem("torn", "a value long enough to cut in half");
    await storage.setItem("tampered", "original");
    const tornPath = join(directory, "k-torn.json");
    const text = await readFile(tornPath, "utf8");
    await writeFile(tornPath, text.slice(0, text.length / 2));
    const tamperedPath = join(directory, "k-tampered.json");
    await writeFile(tamperedPath, (await readFile(tamperedPath, "utf8")).replace("original", "changed!"));

    for (const key of ["torn", "tampered"]) {
      for (const operation of [
        () => storage.getItem(key),
        () => storage.getEntry(key),
        () => storage.compareAndSet(key, null, "x"),
      ]) {
        const error = await rejection(operation());
        expect(PelbiotError.is(error, "INTEGRITY_ERROR")).toBe(true);
        expect((error as Error).message).toContain(`"${key}"`);
      }
    }
    await storage.setItem("torn", "repaired");
    expect(await storage.getItem("torn")).toBe("repaired");
    await storage.removeItem("tampered");
    expect(await storage.keys()).toEqual(["torn"]);
  });

  it("wraps filesystem failures as STORAGE_ERROR with the cause", async () => {
    const parent = await freshDirectory();
    const notADirectory = join(parent, "file");
    await writeFile(notADirectory, "");
    const storage = createFileStorage({ directory: notADirectory });
    const error = await rejection(storage.setItem("key", "value"));
    expect(PelbiotError.is(error, "STORAGE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("fileStorage.setItem");
    expect((error as Error).message).toContain('"key"');
    expect(typeof ((error as Error).cause as { code?: unknown }).code).toBe("string");
  });

  it("finishes running writes on dispose and rejects every later call", async () => {
    const { directory, storage } = await freshStorage();
    const write = storage.setItem("key", "value");
    await storage.dispose?.();
    await write;
    for (const call of [
      () => storage.getItem("key"),
      () => storage.getEntry("key"),
      () => storage.setItem("key", "other"),
      () => storage.removeItem("key"),
      () => storage.compareAndSet("key", null, "other"),
      () => storage.keys(),
      () => storage.clear?.() ?? Promise.resolve(),
    ]) {
      const error = await rejection((async () => call())());
      expect(PelbiotError.is(error, "STORAGE_ERROR")).toBe(true);
      expect((error as Error).message).toContain("dispose");
    }
    expect(await createFileStorage({ directory }).getItem("key")).toBe("value");
  });

  it("fails a write still waiting for a lock when the store is disposed", async () => {
    const { directory, storage } = await freshStorage({ lockTimeoutMs: 60_000 });
    await writeLock(lockPath(directory, "key"), { pid: process.pid, start: null });
    const write = storage.setItem("key", "value");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await storage.dispose?.();
    const error = await rejection(write);
    expect(PelbiotError.is(error, "STORAGE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("disposed while a write waited");
  });

  it("works without fsync", async () => {
    const { storage } = await freshStorage({ fsync: false });
    await storage.setItem("key", "value");
    expect(await storage.getItem("key")).toBe("value");
  });

  it("rejects malformed options", () => {
    const create = (options: unknown) => () => createFileStorage(options as FileStorageOptions);
    expect(create(undefined)).toThrow(PelbiotValidationError);
    expect(create({})).toThrow(/options\.directory: must be a string/);
    expect(create({ directory: "" })).toThrow(/options\.directory: must be a non-empty string/);
    let thrown: unknown;
    try {
      create({ directory: "data", fsync: "yes", lockTimeoutMs: -1, staleLockMs: 0 })();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "options.fsync",
      "options.lockTimeoutMs",
      "options.staleLockMs",
    ]);
  });
});

describe("createFileStorage: key encoding", () => {
  // Any UTF-16 unit, lone surrogates included, plus whole code points and the characters the encoding treats specially.
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.constantFrom("^", "%", "u", ".", "-", "_", "/", "\\", ":", " ", "A", "a", "é"),
  );
  const key = fc
    .oneof(fc.string({ unit, minLength: 1, maxLength: 12 }), fc.string({ unit, minLength: 60, maxLength: 600 }))
    .filter((candidate) => candidate.length <= 1024);

  it("round-trips arbitrary keys, and keys() returns exactly the set written", async () => {
    const { storage } = await freshStorage({ fsync: false });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(key, { minLength: 1, maxLength: 12 }), async (keys) => {
        await storage.clear?.();
        for (const [index, written] of keys.entries()) await storage.setItem(written, String(index));
        expect(await storage.keys()).toEqual([...keys].sort());
        for (const [index, written] of keys.entries()) expect(await storage.getItem(written)).toBe(String(index));
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
