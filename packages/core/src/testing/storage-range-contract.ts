import { PelbiotError } from "../errors/pelbiot-error";
import type { StorageAdapter, StorageRangeEntry } from "../storage/storage-adapter";
import { compareStorageKeys } from "../storage/storage-range";

type RangeAdapter = StorageAdapter & Required<Pick<StorageAdapter, "listRange">>;
type RangeBody = (adapter: RangeAdapter) => Promise<void>;

/** Keys whose prefixes hold the metacharacters of SQL `LIKE`, Redis glob patterns and regular expressions. */
const METACHARACTER_KEYS = [
  "a%b:1",
  "a%b:2",
  "axb:1",
  "a_b:1",
  "aXb:1",
  "a\\b:1",
  "a*b:1",
  "a?b:1",
  "a[b]:1",
  "a.b:1",
  "ab:1",
];

/**
 * The cases of the optional `listRange` capability, as `[name, body]` pairs; each body checks nothing when the
 * adapter does not have the capability.
 */
export const rangeContractBodies: ReadonlyArray<
  readonly [name: string, body: (adapter: StorageAdapter) => Promise<void>]
> = (
  [
    [
      "listRange returns the prefix's entries in code-point order, with the values and versions of getEntry",
      async (adapter) => {
        // "z\uffff" sorts before "z😀" by code point (U+FFFF < U+1F600) though after it by UTF-16 code unit.
        const keys = ["q:2", "q:10", "q:1", "q:é", "q:z", "q", "Q:1", "qa", "p:1", "q:\uffff", "q:😀"];
        for (const key of keys) await adapter.setItem(key, `value of ${key}`);
        const page = await adapter.listRange("q:", { limit: 100 });
        expectKeys(page, ["q:1", "q:10", "q:2", "q:z", "q:é", "q:\uffff", "q:😀"], 'listRange("q:")');
        for (const entry of page) {
          const current = await adapter.getEntry(entry.key);
          expectEqual(entry.value, current?.value, `value of ${render(entry.key)}`);
          expectEqual(entry.version, current?.version, `version of ${render(entry.key)}`);
        }
        expectKeys(await adapter.listRange("", { limit: 100 }), [...keys].sort(compareStorageKeys), 'listRange("")');
        expectKeys(await adapter.listRange("nothing", { limit: 5 }), [], 'listRange("nothing")');
      },
    ],
    [
      "listRange pages with a limit and an exclusive cursor visit every key once",
      async (adapter) => {
        const keys = Array.from({ length: 23 }, (_, index) => `item:${String(index).padStart(3, "0")}`);
        for (const key of [...keys].reverse()) await adapter.setItem(key, key);
        await adapter.setItem("itemz", "outside");
        await adapter.setItem("item", "outside");
        for (const limit of [1, 4, 23, 1000]) {
          const seen: string[] = [];
          let after: string | undefined;
          for (let round = 0; round < 30; round += 1) {
            const page = await adapter.listRange("item:", { after, limit });
            expectTrue(page.length <= limit, `a page of limit ${limit} held ${page.length} entries`);
            seen.push(...page.map((entry) => entry.key));
            if (page.length < limit) break;
            after = page.at(-1)?.key;
          }
          expectEqual(seen, keys, `keys paged with limit ${limit}`);
        }
        expectKeys(
          await adapter.listRange("item:", { after: "item:0105", limit: 3 }),
          keys.slice(11, 14),
          "a cursor between keys",
        );
        expectKeys(
          await adapter.listRange("item:", { after: "item:", limit: 2 }),
          keys.slice(0, 2),
          "the prefix as cursor",
        );
        expectKeys(
          await adapter.listRange("item:", { after: "a", limit: 2 }),
          keys.slice(0, 2),
          "a cursor before the prefix",
        );
        expectKeys(await adapter.listRange("item:", { after: "item:022", limit: 5 }), [], "the last key as cursor");
        expectKeys(await adapter.listRange("item:", { after: "zzz", limit: 5 }), [], "a cursor past the prefix");
      },
    ],
    [
      "listRange treats LIKE, glob and regular-expression characters in the prefix and cursor as plain text",
      async (adapter) => {
        for (const key of METACHARACTER_KEYS) await adapter.setItem(key, key);
        for (const prefix of ["a%b:", "a_b:", "a\\b:", "a*b:", "a?b:", "a[b]:", "a.b:"]) {
          const expected = METACHARACTER_KEYS.filter((key) => key.startsWith(prefix)).sort(compareStorageKeys);
          expectKeys(await adapter.listRange(prefix, { limit: 100 }), expected, `listRange(${render(prefix)})`);
        }
        expectKeys(await adapter.listRange("a%b:", { after: "a%b:1", limit: 10 }), ["a%b:2"], "a cursor with %");
        expectKeys(
          await adapter.listRange("a", { after: "a\\b:1", limit: 100 }),
          ["a_b:1", "ab:1", "axb:1"],
          "a cursor with \\",
        );
      },
    ],
    [
      "listRange returns every key present throughout while other writers add and delete keys",
      async (adapter) => {
        const stable = Array.from({ length: 40 }, (_, index) => `race:${String(index * 2).padStart(3, "0")}`);
        for (const key of stable) await adapter.setItem(key, "stable");
        const churn = async (): Promise<void> => {
          for (let index = 0; index < 40; index += 1) {
            const key = `race:${String(index * 2 + 1).padStart(3, "0")}`;
            await adapter.setItem(key, "transient");
            if (index % 2 === 0) await adapter.removeItem(key);
          }
        };
        const page = async (): Promise<string[]> => {
          const seen: string[] = [];
          let after: string | undefined;
          for (;;) {
            const entries = await adapter.listRange("race:", { after, limit: 7 });
            seen.push(...entries.map((entry) => entry.key));
            if (entries.length < 7) return seen;
            after = entries.at(-1)?.key;
          }
        };
        const [seen] = await Promise.all([page(), churn(), churn()]);
        for (let index = 1; index < seen.length; index += 1) {
          const [before, current] = [seen[index - 1] ?? "", seen[index] ?? ""];
          expectTrue(
            compareStorageKeys(before, current) < 0,
            `keys out of order or repeated: ${render(before)}, ${render(current)}`,
          );
        }
        const missing = stable.filter((key) => !seen.includes(key));
        expectEqual(missing, [], "stable keys missing from the pages");
      },
    ],
    [
      "listRange rejects malformed arguments with VALIDATION_ERROR and changes nothing",
      async (adapter) => {
        await adapter.setItem("kept", "value");
        const loose = adapter as unknown as { listRange(prefix: unknown, options?: unknown): unknown };
        const bad: ReadonlyArray<readonly [unknown, unknown, string]> = [
          [42, { limit: 1 }, "a number prefix"],
          [undefined, { limit: 1 }, "no prefix"],
          ["k", undefined, "no options"],
          ["k", {}, "no limit"],
          ["k", { limit: 0 }, "limit 0"],
          ["k", { limit: -1 }, "a negative limit"],
          ["k", { limit: 1.5 }, "a fractional limit"],
          ["k", { limit: 1001 }, "a limit over 1000"],
          ["k", { limit: "10" }, "a string limit"],
          ["k", { limit: Number.NaN }, "a NaN limit"],
          ["k", { limit: 1, after: 7 }, "a number cursor"],
          ["k", { limit: 1, afterr: "k" }, "a misspelt option"],
          ["x".repeat(1025), { limit: 1 }, "a 1025-unit prefix"],
        ];
        for (const [prefix, options, description] of bad) {
          await expectValidationError(() => loose.listRange(prefix, options), `listRange with ${description}`);
        }
        expectKeys(await adapter.listRange("", { limit: 10 }), ["kept"], "listRange after the rejected calls");
      },
    ],
  ] as ReadonlyArray<readonly [string, RangeBody]>
).map(([name, body]) => [
  `${name} (when the adapter supports listRange)`,
  async (adapter: StorageAdapter) => {
    if (adapter.listRange === undefined) return;
    await body(adapter as RangeAdapter);
  },
]);

function expectKeys(page: readonly StorageRangeEntry[], expected: readonly string[], what: string): void {
  expectTrue(Array.isArray(page), `${what}: expected an array of entries, got ${render(page)}`);
  expectEqual(
    page.map((entry) => entry.key),
    expected,
    what,
  );
}

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

async function expectValidationError(action: () => unknown, what: string): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (PelbiotError.is(error, "VALIDATION_ERROR")) return;
    throw new Error(`${what}: expected VALIDATION_ERROR, got ${PelbiotError.is(error) ? error.code : render(error)}`);
  }
  throw new Error(`${what}: expected VALIDATION_ERROR, but the call succeeded`);
}

function render(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `[${value.map(render).join(", ")}]`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
