import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listQuarantinedRecords } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "../credentials/helpers";

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("APICredentialsManager over a damaged record file", () => {
  it("reports the rotation status of the intact credentials", async () => {
    const directory = await mkdtemp(join(tmpdir(), "credentials-damaged-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const storage = createFileStorage({ directory, fsync: false });
    cleanups.push(async () => storage.dispose?.());
    const { creds } = createHarness({ storage });
    await creds.storeCredentials("stripe", "sk_live_a", "secret-a", "user-a");
    await creds.storeCredentials("stripe", "sk_live_b", "secret-b", "user-b");
    // `credentials:stripe/user-a`, with `:` and `/` written as `%3a` and `%2f` in the file name.
    const damagedFile = (await readdir(directory)).find((name) => name.endsWith("%2fuser-a.json"));
    if (damagedFile === undefined) throw new Error("no credential file");
    await writeFile(join(directory, damagedFile), "");

    expect((await creds.getRotationStatus()).map((status) => status.userId)).toEqual(["user-b"]);
    expect((await listQuarantinedRecords(storage)).map((record) => record.storageKey)).toEqual([
      "credentials:stripe/user-a",
    ]);
    expect((await creds.getCredentials("stripe", "user-b")).reveal().apiKey).toBe("sk_live_b");
  });
});
