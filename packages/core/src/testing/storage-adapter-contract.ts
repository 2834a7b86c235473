import { PelbiotError } from "../errors/pelbiot-error";
import type { StorageAdapter, StorageEntry } from "../storage/storage-adapter";
import type { MaybePromise } from "../types";
import { rangeContractBodies } from "./storage-range-contract";

/**
 * One named check of {@link storageAdapterContract}; `run` rejects with an `Error` that says what broke.
 *
 * @example
 * ```ts
 * for (const testCase of storageAdapterContract(createMemoryStorage)) {
 *   await testCase.run().then(() => console.log("ok", testCase.name), (error) => console.error(testCase.name, error));
 * }
 * ```
 */
export interface StorageAdapterContractCase {
  /** A sentence naming the behaviour checked, suitable as a test title. */
  readonly name: string;
  /** Creates a fresh adapter, checks the behaviour, disposes the adapter; rejects on the first violation. */
  run(): Promise<void>;
}

/** The adapter as an untyped caller sees it, so the cases can pass malformed arguments. */
interface LooseStorageAdapter {
  getItem(key: unknown): MaybePromise<unknown>;
  getEntry(key: unknown): MaybePromise<unknown>;
  setItem(key: unknown, value: unknown): MaybePromise<unknown>;
  removeItem(key: unknown): MaybePromise<unknown>;
  compareAndSet(key: unknown, expectedVersion: unknown, value: unknown): MaybePromise<unknown>;
  keys(prefix?: unknown): MaybePromise<unknown>;
}

type ContractBody = (adapter: StorageAdapter) => Promise<void>;

/** Keys an adapter must store faithfully although filesystems, URLs or shells treat them specially. */
const AWKWARD_KEYS = [
  "a/b/c",
  "/leading-slash",
  "namespace:sub:key",
  "with space",
  " ",
  ".",
  "..",
  "../escape",
  "back\\slash",
  "percent%20sign",
  "caret^",
  "tab\tand\nnewline",
  "emoji 🚀 key",
  "日本語のキー",
  "ünïcödé",
  "CON",
  "nul",
  "a.json",
  "a.lock",
  "a.tmp",
];

const MAX_KEY_LENGTH = 1024;
const RACING_WRITERS = 20;

/**
 * The conformance suite every {@link StorageAdapter} must pass. It depends on no test framework and no Node.js
 * module, so it runs under vitest, jest, `node:test` or in a browser (for IndexedDB adapters) alike: each case builds
 * a fresh adapter with `createAdapter`, exercises it, throws a plain `Error` describing the first violation, and
 * disposes the adapter.
 *
 * `createAdapter` must return an adapter over an empty namespace every time (a new temporary directory, database or
 * key prefix). The cases cover reads of missing keys; round-trips of empty, Unicode and 1 MB values and of keys with
 * `/`, `:`, spaces, `..` and emoji; overwrite and removal; `keys(prefix)` filtering and code-unit order; version
 * changes on every write; `compareAndSet` (set-if-absent, stale versions, deletion, the ABA case and 20 racing
 * increments); `VALIDATION_ERROR` for malformed keys and values with the store left unchanged; `clear` when the
 * adapter has it; and, when it has the `listRange` capability, code-point order, values and versions, paging with
 * limits and exclusive cursors, prefixes and cursors holding `%`, `_`, `\`, `*`, `?` and `[`, paging while other
 * writers add and delete keys, and `VALIDATION_ERROR` for malformed ranges.
 *
 * @param createAdapter - Builds a fresh, empty adapter; may be async.
 * @returns The cases, in a stable order, each with a descriptive `name`.
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { storageAdapterContract } from "@pelbiot/core/testing";
 *
 * describe("my adapter", () => {
 *   for (const testCase of storageAdapterContract(() => createMyAdapter())) it(testCase.name, testCase.run);
 * });
 * ```
 */
export function storageAdapterContract(
  createAdapter: () => MaybePromise<StorageAdapter>,
): StorageAdapterContractCase[] {
  return [...contractBodies, ...rangeContractBodies].map(([name, body]) => ({
    name,
    async run() {
      const adapter = await createAdapter();
      try {
        await body(adapter);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Storage adapter "${adapter.name}" broke the contract (${name}): ${reason}`, { cause: error });
      } finally {
        await adapter.dispose?.();
      }
    },
  }));
}

const contractBodies: ReadonlyArray<readonly [name: string, body: ContractBody]> = [
  [
    "declares specification version v1 and a name",
    async (adapter) => {
      expectEqual(adapter.specificationVersion, "v1", "specificationVersion");
      expectTrue(typeof adapter.name === "string" && adapter.name.length > 0, "name must be a non-empty string");
    },
  ],
  [
    "getItem and getEntry return null for a missing key",
    async (adapter) => {
      expectEqual(await adapter.getItem("missing"), null, 'getItem("missing")');
      expectEqual(await adapter.getEntry("missing"), null, 'getEntry("missing")');
      expectEqual(await adapter.keys(), [], "keys() of an empty store");
    },
  ],
  [
    "setItem then getItem returns the exact string, including empty and Unicode values",
    async (adapter) => {
      const values = [
        "plain",
        "",
        " ",
        "null",
        "undefined",
        "123",
        '{"json":true}',
        "héllo wörld ✓ 日本語 🚀",
        "a\nb\r\n\t\0c",
      ];
      for (const [index, value] of values.entries()) {
        await adapter.setItem(`value-${index}`, value);
      }
      for (const [index, value] of values.entries()) {
        expectEqual(await adapter.getItem(`value-${index}`), value, `getItem("value-${index}")`);
        expectEqual((await adapter.getEntry(`value-${index}`))?.value, value, `getEntry("value-${index}").value`);
      }
    },
  ],
  [
    "stores a 1 MB value intact",
    async (adapter) => {
      const value = largeValue(1024 * 1024);
      await adapter.setItem("large", value);
      const stored = await adapter.getItem("large");
      expectTrue(typeof stored === "string", "getItem of the 1 MB value must return a string");
      expectEqual(stored?.length, value.length, "length of the 1 MB value read back");
      expectTrue(stored === value, "the 1 MB value read back differs from the value written");
    },
  ],
  [
    "stores keys holding slashes, colons, spaces, dots, emoji and other awkward characters",
    async (adapter) => {
      for (const [index, key] of AWKWARD_KEYS.entries()) await adapter.setItem(key, `value ${index}`);
      for (const [index, key] of AWKWARD_KEYS.entries()) {
        expectEqual(await adapter.getItem(key), `value ${index}`, `getItem(${render(key)})`);
      }
      expectEqual(await adapter.keys(), [...AWKWARD_KEYS].sort(), "keys()");
    },
  ],
  [
    "keeps keys that differ only in letter case apart",
    async (adapter) => {
      await adapter.setItem("Key", "title case");
      await adapter.setItem("key", "lower case");
      await adapter.setItem("KEY", "upper case");
      expectEqual(await adapter.getItem("Key"), "title case", 'getItem("Key")');
      expectEqual(await adapter.getItem("key"), "lower case", 'getItem("key")');
      expectEqual(await adapter.getItem("KEY"), "upper case", 'getItem("KEY")');
      expectEqual(await adapter.keys(), ["KEY", "Key", "key"], "keys()");
    },
  ],
  [
    "stores and lists keys of the maximum length of 1024 UTF-16 units",
    async (adapter) => {
      const longKeys = ["k".repeat(MAX_KEY_LENGTH), "é".repeat(MAX_KEY_LENGTH), "🚀".repeat(MAX_KEY_LENGTH / 2)];
      for (const [index, key] of longKeys.entries()) await adapter.setItem(key, `long ${index}`);
      for (const [index, key] of longKeys.entries()) {
        expectEqual(await adapter.getItem(key), `long ${index}`, `getItem of a ${key.length}-unit key`);
      }
      expectEqual(await adapter.keys(), [...longKeys].sort(), "keys() with maximum-length keys");
    },
  ],
  [
    "setItem overwrites the previous value",
    async (adapter) => {
      await adapter.setItem("key", "first");
      await adapter.setItem("key", "second");
      expectEqual(await adapter.getItem("key"), "second", "getItem after an overwrite");
      expectEqual(await adapter.keys(), ["key"], "keys() after an overwrite");
    },
  ],
  [
    "removeItem deletes the key, and removing an absent key is not an error",
    async (adapter) => {
      await adapter.setItem("doomed", "value");
      await adapter.setItem("kept", "value");
      await adapter.removeItem("doomed");
      expectEqual(await adapter.getItem("doomed"), null, "getItem after removeItem");
      expectEqual(await adapter.getEntry("doomed"), null, "getEntry after removeItem");
      await adapter.removeItem("doomed");
      await adapter.removeItem("never-existed");
      expectEqual(await adapter.keys(), ["kept"], "keys() after removals");
      expectEqual(await adapter.getItem("kept"), "value", "getItem of an untouched key");
    },
  ],
  [
    "keys(prefix) returns only matching keys, in ascending code-unit order",
    async (adapter) => {
      // "z😀" sorts before "z\uffff" by code unit (0xd83d < 0xffff) but after it by code point.
      const keys = ["user:2", "user:10", "users", "admin", "User:1", "user:1", "user:é", "user:z", "z\uffff", "z😀"];
      for (const key of keys) await adapter.setItem(key, key);
      expectEqual(await adapter.keys("user:"), ["user:1", "user:10", "user:2", "user:z", "user:é"], 'keys("user:")');
      const everything = [
        "User:1",
        "admin",
        "user:1",
        "user:10",
        "user:2",
        "user:z",
        "user:é",
        "users",
        "z😀",
        "z\uffff",
      ];
      expectEqual(await adapter.keys(), everything, "keys() without a prefix");
      expectEqual(await adapter.keys(""), everything, 'keys("")');
      expectEqual(await adapter.keys("user"), everything.slice(2, 8), 'keys("user")');
      expectEqual(await adapter.keys("nothing-matches"), [], 'keys("nothing-matches")');
    },
  ],
  [
    "getEntry returns the value with a version that changes on every write",
    async (adapter) => {
      const seen = new Set<string>();
      const expectFreshVersion = async (value: string, step: string): Promise<void> => {
        const entry = expectEntry(await adapter.getEntry("key"), step);
        expectEqual(entry.value, value, `value after ${step}`);
        expectTrue(typeof entry.version === "string", `version after ${step} must be a string`);
        expectTrue(
          !seen.has(entry.version),
          `version after ${step} repeats an earlier version ${render(entry.version)}`,
        );
        seen.add(entry.version);
      };
      await adapter.setItem("key", "a");
      await expectFreshVersion("a", "the first setItem");
      await adapter.setItem("key", "a");
      await expectFreshVersion("a", "rewriting the same value");
      await adapter.setItem("key", "b");
      await expectFreshVersion("b", "a second value");
      const before = expectEntry(await adapter.getEntry("key"), "before compareAndSet");
      expectTrue(await adapter.compareAndSet("key", before.version, "c"), "compareAndSet with the current version");
      await expectFreshVersion("c", "compareAndSet");
      const unchanged = expectEntry(await adapter.getEntry("key"), "a second read");
      expectTrue(seen.has(unchanged.version), "reading must not change the version");
    },
  ],
  [
    "compareAndSet with a null expected version creates the key only once",
    async (adapter) => {
      expectEqual(await adapter.compareAndSet("once", null, "first"), true, "first set-if-absent");
      expectEqual(await adapter.compareAndSet("once", null, "second"), false, "second set-if-absent");
      expectEqual(await adapter.getItem("once"), "first", "value after a refused set-if-absent");
      await adapter.setItem("existing", "value");
      expectEqual(await adapter.compareAndSet("existing", null, "other"), false, "set-if-absent on an existing key");
      expectEqual(await adapter.getItem("existing"), "value", "value after a refused set-if-absent");
    },
  ],
  [
    "compareAndSet succeeds with the current version and fails with a stale one, changing nothing",
    async (adapter) => {
      await adapter.setItem("key", "one");
      const first = expectEntry(await adapter.getEntry("key"), "after setItem");
      expectEqual(
        await adapter.compareAndSet("key", first.version, "two"),
        true,
        "compareAndSet with the current version",
      );
      const second = expectEntry(await adapter.getEntry("key"), "after compareAndSet");
      expectEqual(second.value, "two", "value after a successful compareAndSet");
      expectEqual(
        await adapter.compareAndSet("key", first.version, "three"),
        false,
        "compareAndSet with a stale version",
      );
      const third = expectEntry(await adapter.getEntry("key"), "after a refused compareAndSet");
      expectEqual(third.value, "two", "value after a refused compareAndSet");
      expectEqual(third.version, second.version, "version after a refused compareAndSet");
      expectEqual(
        await adapter.compareAndSet("absent", second.version, "value"),
        false,
        "compareAndSet with a version on an absent key",
      );
      expectEqual(await adapter.getItem("absent"), null, "absent key after a refused compareAndSet");
    },
  ],
  [
    "compareAndSet with a null value deletes the key only when the version matches",
    async (adapter) => {
      await adapter.setItem("key", "one");
      const stale = expectEntry(await adapter.getEntry("key"), "after the first setItem");
      await adapter.setItem("key", "two");
      expectEqual(await adapter.compareAndSet("key", stale.version, null), false, "delete with a stale version");
      expectEqual(await adapter.getItem("key"), "two", "value after a refused delete");
      const current = expectEntry(await adapter.getEntry("key"), "after the second setItem");
      expectEqual(await adapter.compareAndSet("key", current.version, null), true, "delete with the current version");
      expectEqual(await adapter.getEntry("key"), null, "getEntry after a compareAndSet delete");
      expectEqual(await adapter.keys(), [], "keys() after a compareAndSet delete");
    },
  ],
  [
    "a key deleted and written again gets a new version, so a stale reader cannot win (ABA)",
    async (adapter) => {
      await adapter.setItem("key", "same");
      const original = expectEntry(await adapter.getEntry("key"), "after the first write");
      await adapter.removeItem("key");
      await adapter.setItem("key", "same");
      const recreated = expectEntry(await adapter.getEntry("key"), "after removeItem and setItem");
      expectTrue(recreated.version !== original.version, "a re-created key must not reuse its old version");
      expectEqual(
        await adapter.compareAndSet("key", original.version, "stale"),
        false,
        "compareAndSet with the old version",
      );
      expectEqual(await adapter.getItem("key"), "same", "value after the stale compareAndSet");

      expectEqual(await adapter.compareAndSet("key", recreated.version, null), true, "compareAndSet delete");
      expectEqual(await adapter.compareAndSet("key", null, "same"), true, "compareAndSet re-create");
      const third = expectEntry(await adapter.getEntry("key"), "after compareAndSet re-create");
      expectTrue(
        third.version !== original.version && third.version !== recreated.version,
        "a key re-created by compareAndSet must not reuse an old version",
      );
      expectEqual(await adapter.compareAndSet("key", recreated.version, "stale"), false, "stale compareAndSet");
    },
  ],
  [
    `${RACING_WRITERS} concurrent compareAndSet increments all land`,
    async (adapter) => {
      const increment = async (writer: number): Promise<void> => {
        for (let attempt = 0; attempt < 1000; attempt += 1) {
          const entry = await adapter.getEntry("counter");
          const next = String((entry === null ? 0 : Number(entry.value)) + 1);
          if (await adapter.compareAndSet("counter", entry?.version ?? null, next)) return;
        }
        throw new Error(`writer ${writer} lost 1000 compareAndSet rounds in a row`);
      };
      await Promise.all(Array.from({ length: RACING_WRITERS }, (_, writer) => increment(writer)));
      expectEqual(await adapter.getItem("counter"), String(RACING_WRITERS), "counter after the race");
    },
  ],
  [
    "rejects malformed keys with VALIDATION_ERROR and changes nothing",
    async (adapter) => {
      await adapter.setItem("existing", "value");
      const before = expectEntry(await adapter.getEntry("existing"), "before the malformed calls");
      const loose = adapter as unknown as LooseStorageAdapter;
      const badKeys: ReadonlyArray<readonly [unknown, string]> = [
        ["", "an empty key"],
        [42, "a number key"],
        [null, "a null key"],
        [undefined, "an undefined key"],
        [{ toString: () => "existing" }, "an object key"],
        ["x".repeat(MAX_KEY_LENGTH + 1), `a ${MAX_KEY_LENGTH + 1}-unit key`],
      ];
      for (const [key, description] of badKeys) {
        await expectValidationError(() => loose.getItem(key), `getItem with ${description}`);
        await expectValidationError(() => loose.getEntry(key), `getEntry with ${description}`);
        await expectValidationError(() => loose.setItem(key, "value"), `setItem with ${description}`);
        await expectValidationError(() => loose.removeItem(key), `removeItem with ${description}`);
        await expectValidationError(() => loose.compareAndSet(key, null, "value"), `compareAndSet with ${description}`);
        await expectValidationError(
          () => loose.compareAndSet(key, before.version, null),
          `compareAndSet delete with ${description}`,
        );
      }
      await expectValidationError(() => loose.keys(42), "keys with a number prefix");
      expectEqual(await adapter.keys(), ["existing"], "keys() after the rejected calls");
      const after = expectEntry(await adapter.getEntry("existing"), "after the rejected calls");
      expectEqual(after.value, before.value, "value after the rejected calls");
      expectEqual(after.version, before.version, "version after the rejected calls");
    },
  ],
  [
    "rejects non-string values and versions with VALIDATION_ERROR and changes nothing",
    async (adapter) => {
      await adapter.setItem("existing", "value");
      const before = expectEntry(await adapter.getEntry("existing"), "before the malformed calls");
      const loose = adapter as unknown as LooseStorageAdapter;
      const badValues: ReadonlyArray<readonly [unknown, string]> = [
        [42, "a number"],
        [true, "a boolean"],
        [undefined, "undefined"],
        [{ value: "x" }, "an object"],
        [["x"], "an array"],
      ];
      for (const [value, description] of badValues) {
        await expectValidationError(() => loose.setItem("fresh", value), `setItem of ${description}`);
        await expectValidationError(() => loose.setItem("existing", value), `setItem over a key with ${description}`);
        await expectValidationError(() => loose.compareAndSet("fresh", null, value), `compareAndSet of ${description}`);
        await expectValidationError(
          () => loose.compareAndSet("existing", before.version, value),
          `compareAndSet with the current version of ${description}`,
        );
        await expectValidationError(
          () => loose.compareAndSet("existing", value, "new"),
          `compareAndSet with ${description} as the expected version`,
        );
      }
      await expectValidationError(() => loose.setItem("fresh", null), "setItem of null");
      expectEqual(await adapter.keys(), ["existing"], "keys() after the rejected calls");
      const after = expectEntry(await adapter.getEntry("existing"), "after the rejected calls");
      expectEqual(after.value, before.value, "value after the rejected calls");
      expectEqual(after.version, before.version, "version after the rejected calls");
    },
  ],
  [
    "clear deletes every key (when the adapter supports clear)",
    async (adapter) => {
      if (adapter.clear === undefined) return;
      for (const key of ["a", "b/c", "d:e", "k".repeat(MAX_KEY_LENGTH)]) await adapter.setItem(key, "value");
      await adapter.clear();
      expectEqual(await adapter.keys(), [], "keys() after clear");
      expectEqual(await adapter.getItem("a"), null, 'getItem("a") after clear');
      await adapter.setItem("a", "again");
      expectEqual(await adapter.getItem("a"), "again", "a write after clear");
    },
  ],
];

function expectTrue(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const equal =
    Array.isArray(actual) && Array.isArray(expected)
      ? actual.length === expected.length && actual.every((item, index) => Object.is(item, expected[index]))
      : Object.is(actual, expected);
  if (!equal) throw new Error(`${what}: expected ${render(expected)}, got ${render(actual)}`);
}

function expectEntry(entry: StorageEntry | null, step: string): StorageEntry {
  if (entry === null || typeof entry !== "object") throw new Error(`getEntry ${step}: expected an entry, got null`);
  return entry;
}

async function expectValidationError(action: () => unknown, what: string): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (PelbiotError.is(error, "VALIDATION_ERROR")) return;
    const got = PelbiotError.is(error) ? `PelbiotError ${error.code}` : render(error);
    throw new Error(`${what}: expected a PelbiotError with code VALIDATION_ERROR, got ${got}`);
  }
  throw new Error(`${what}: expected a PelbiotError with code VALIDATION_ERROR, but the call succeeded`);
}

function render(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) return `[${value.map(render).join(", ")}]`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A deterministic string of `length` varied characters, so truncation or a shifted chunk cannot go unnoticed. */
function largeValue(length: number): string {
  const chunks: string[] = [];
  const chunkLength = 4096;
  for (let start = 0; start < length; start += chunkLength) {
    const units: number[] = [];
    for (let offset = start; offset < Math.min(start + chunkLength, length); offset += 1) {
      // Stays within 0x20–0x501f: printable, often multi-byte in UTF-8, and clear of the surrogate range.
      units.push(0x20 + ((offset * 7919) % 0x5000));
    }
    chunks.push(String.fromCharCode(...units));
  }
  return chunks.join("");
}
