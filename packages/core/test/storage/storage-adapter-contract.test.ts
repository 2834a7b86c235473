import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import type { StorageAdapter, StorageEntry, StorageRangeEntry } from "../../src/storage/storage-adapter";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";

/** Runs every case and returns the names of those that failed, with their messages. */
async function failingCases(createAdapter: () => StorageAdapter): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  for (const testCase of storageAdapterContract(createAdapter)) {
    try {
      await testCase.run();
    } catch (error) {
      failures.set(testCase.name, (error as Error).message);
    }
  }
  return failures;
}

/** A memory store with some methods replaced by faulty ones. */
function faulty(overrides: (inner: StorageAdapter) => Partial<StorageAdapter>): () => StorageAdapter {
  return () => {
    const inner = createMemoryStorage();
    return { ...inner, name: "faulty", ...overrides(inner) };
  };
}

function caseNamed(fragment: string): string {
  const match = storageAdapterContract(createMemoryStorage).find((testCase) => testCase.name.includes(fragment));
  if (match === undefined) throw new Error(`no contract case mentions ${fragment}`);
  return match.name;
}

describe("storageAdapterContract", () => {
  it("returns uniquely named cases", () => {
    const names = storageAdapterContract(createMemoryStorage).map((testCase) => testCase.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(new Set(names).size).toBe(names.length);
  });

  it("passes a correct adapter and disposes one fresh adapter per case", async () => {
    let created = 0;
    let disposed = 0;
    const failures = await failingCases(() => {
      created += 1;
      const inner = createMemoryStorage();
      return {
        ...inner,
        dispose: () => {
          disposed += 1;
          return inner.dispose?.();
        },
      };
    });
    expect([...failures]).toEqual([]);
    expect(created).toBe(storageAdapterContract(createMemoryStorage).length);
    expect(disposed).toBe(created);
  });

  it("names the adapter, the case and the violation when a case fails", async () => {
    const failures = await failingCases(faulty(() => ({ getItem: () => "always this" })));
    const message = failures.get(caseNamed("return null for a missing key"));
    expect(message).toContain('Storage adapter "faulty"');
    expect(message).toContain("getItem and getEntry return null for a missing key");
    expect(message).toContain('expected null, got "always this"');
  });

  it("catches versions that do not change when the same value is rewritten", async () => {
    const failures = await failingCases(
      faulty((inner) => ({
        getEntry: (key) => {
          const entry = inner.getEntry(key) as StorageEntry | null;
          return entry === null ? null : { value: entry.value, version: `v:${entry.value}` };
        },
        compareAndSet: (key, expectedVersion, value) => {
          const entry = inner.getEntry(key) as StorageEntry | null;
          const current = entry === null ? null : `v:${entry.value}`;
          if (current !== expectedVersion) return false;
          if (value === null) inner.removeItem(key);
          else inner.setItem(key, value);
          return true;
        },
      })),
    );
    expect(failures.has(caseNamed("version that changes on every write"))).toBe(true);
    expect(failures.has(caseNamed("(ABA)"))).toBe(true);
  });

  it("catches a compareAndSet that is not atomic", async () => {
    const failures = await failingCases(
      faulty((inner) => ({
        compareAndSet: async (key, expectedVersion, value) => {
          const current = (inner.getEntry(key) as StorageEntry | null)?.version ?? null;
          // Yielding between the check and the write lets racing writers all pass the check.
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (current !== expectedVersion) return false;
          if (value === null) inner.removeItem(key);
          else inner.setItem(key, value);
          return true;
        },
      })),
    );
    expect(failures.get(caseNamed("concurrent compareAndSet"))).toMatch(/counter after the race: expected "20", got/);
  });

  it("catches an adapter that does not validate keys and values", async () => {
    // Coerces whatever it is given to strings instead of rejecting it.
    const failures = await failingCases(
      faulty((inner) => ({
        getItem: (key) => inner.getItem(String(key) || "empty"),
        getEntry: (key) => inner.getEntry(String(key) || "empty"),
        setItem: (key, value) => inner.setItem(String(key).slice(0, 1024) || "empty", String(value)),
        removeItem: (key) => inner.removeItem(String(key) || "empty"),
      })),
    );
    expect(failures.get(caseNamed("malformed keys"))).toContain("expected a PelbiotError with code VALIDATION_ERROR");
    expect(failures.get(caseNamed("non-string values"))).toContain("VALIDATION_ERROR, but the call succeeded");
  });

  it("catches unsorted and unfiltered key listings", async () => {
    const failures = await failingCases(faulty((inner) => ({ keys: () => (inner.keys() as string[]).reverse() })));
    expect(failures.has(caseNamed("ascending code-unit order"))).toBe(true);
    expect(failures.has(caseNamed("awkward characters"))).toBe(true);
  });

  it("catches a value truncated on the way in", async () => {
    const failures = await failingCases(
      faulty((inner) => ({ setItem: (key, value) => inner.setItem(key, value.slice(0, 65_536)) })),
    );
    expect(failures.get(caseNamed("1 MB value"))).toContain("expected 1048576, got 65536");
  });

  it("catches a clear that leaves keys behind", async () => {
    const failures = await failingCases(faulty(() => ({ clear: () => undefined })));
    expect([...failures.keys()]).toEqual([caseNamed("clear deletes every key")]);
  });

  describe("listRange cases", () => {
    const rangeCases = () => storageAdapterContract(createMemoryStorage).filter((c) => c.name.includes("listRange"));
    const entriesOf = (inner: StorageAdapter, keys: string[]): StorageRangeEntry[] =>
      keys.map((key) => ({ key, ...(inner.getEntry(key) as StorageEntry) }));

    it("exist, and pass (doing nothing) for an adapter without the capability", async () => {
      expect(rangeCases().length).toBe(5);
      const failures = await failingCases(() => {
        const { listRange: _omitted, ...inner } = createMemoryStorage();
        return inner;
      });
      expect([...failures]).toEqual([]);
    });

    it("catch a listing in UTF-16 code-unit order instead of code-point order", async () => {
      const failures = await failingCases(
        faulty((inner) => ({
          listRange: (prefix, options) => {
            const keys = (inner.keys(prefix) as string[]).filter(
              (key) => options.after === undefined || key > options.after,
            );
            return entriesOf(inner, keys.slice(0, options.limit));
          },
        })),
      );
      expect(failures.get(caseNamed("code-point order"))).toContain('listRange("q:")');
    });

    it("catch a cursor that is inclusive, and a limit that is ignored", async () => {
      const inclusive = await failingCases(
        faulty((inner) => ({
          listRange: (prefix, options) =>
            ((inner.listRange?.(prefix, { limit: 1000 }) ?? []) as StorageRangeEntry[])
              .filter((entry) => options.after === undefined || entry.key >= options.after)
              .slice(0, options.limit),
        })),
      );
      expect(inclusive.has(caseNamed("exclusive cursor"))).toBe(true);
      const unlimited = await failingCases(
        faulty((inner) => ({
          listRange: (prefix, options) => inner.listRange?.(prefix, { ...options, limit: 1000 }) ?? [],
        })),
      );
      expect(unlimited.get(caseNamed("exclusive cursor"))).toContain("a page of limit 1 held");
    });

    it("catch a prefix turned into a pattern, and a range that skips validation", async () => {
      const failures = await failingCases(
        faulty((inner) => ({
          listRange: (prefix, options) => {
            const pattern = new RegExp(`^${String(prefix).replace(/%/g, ".*").replace(/_/g, ".")}`);
            const all = (inner.listRange?.("", { limit: 1000, after: options?.after }) ?? []) as StorageRangeEntry[];
            return all.filter((entry) => pattern.test(entry.key)).slice(0, Number(options?.limit) || 10);
          },
        })),
      );
      expect(failures.get(caseNamed("plain text"))).toContain('listRange("a%b:")');
      expect(failures.get(caseNamed("listRange rejects malformed"))).toContain("VALIDATION_ERROR");
    });
  });
});
