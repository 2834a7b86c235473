import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { createFileStorage } from "../../src/node/file-storage";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";

// Filesystems without hard links (FAT, some network and Android mounts) refuse link() with EPERM; the store must then
// fall back to creating its lock files with an exclusive open.
const linkAttempts = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...original,
    link: async () => {
      linkAttempts.count += 1;
      throw Object.assign(new Error("EPERM: operation not permitted, link"), { code: "EPERM" });
    },
  };
});

const directories: string[] = [];

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-file-storage-no-links-"));
  directories.push(directory);
  return directory;
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe("createFileStorage on a filesystem without hard links: storage adapter contract", () => {
  for (const testCase of storageAdapterContract(async () => createFileStorage({ directory: await freshDirectory() }))) {
    it(testCase.name, testCase.run, 30_000);
  }
});

describe("createFileStorage on a filesystem without hard links", () => {
  it("tries a link once per store, then creates locks exclusively", async () => {
    const storage = createFileStorage({ directory: await freshDirectory() });
    const before = linkAttempts.count;
    for (let round = 0; round < 5; round += 1) await storage.setItem("key", String(round));
    expect(linkAttempts.count - before).toBe(1);
    expect(await storage.getItem("key")).toBe("4");
  });

  it("treats a fresh empty lock as held and an old one as abandoned", async () => {
    const directory = await freshDirectory();
    const storage = createFileStorage({ directory, lockTimeoutMs: 50 });
    const lock = join(directory, "k-counter.json.lock");
    await writeFile(lock, "");
    let thrown: unknown;
    try {
      await storage.setItem("counter", "1");
    } catch (error) {
      thrown = error;
    }
    expect(PelbiotError.is(thrown, "TIMEOUT")).toBe(true);
    const longAgo = new Date(Date.now() - 10_000);
    await utimes(lock, longAgo, longAgo);
    await storage.setItem("counter", "1");
    expect(await storage.getItem("counter")).toBe("1");
  });
});
