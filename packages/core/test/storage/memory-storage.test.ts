import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import type { StorageAdapter } from "../../src/storage/storage-adapter";
import { storageAdapterContract } from "../../src/testing/storage-adapter-contract";

describe("createMemoryStorage: storage adapter contract", () => {
  for (const testCase of storageAdapterContract(() => createMemoryStorage())) it(testCase.name, testCase.run);
});

describe("createMemoryStorage", () => {
  it("answers synchronously", () => {
    const storage = createMemoryStorage();
    expect(storage.setItem("key", "value")).toBeUndefined();
    expect(storage.getItem("key")).toBe("value");
    expect(storage.keys()).toEqual(["key"]);
  });

  it("never repeats a version for a key across many deletes and re-creates", () => {
    const storage = createMemoryStorage();
    const seen = new Set<string>();
    for (let round = 0; round < 200; round += 1) {
      storage.setItem("key", "same");
      const entry = storage.getEntry("key") as { version: string } | null;
      expect(entry).not.toBeNull();
      expect(seen.has(entry!.version)).toBe(false);
      seen.add(entry!.version);
      storage.removeItem("key");
    }
  });

  it("lists every malformed argument of one call in a single validation error", () => {
    const storage = createMemoryStorage();
    const loose = storage as unknown as { compareAndSet(key: unknown, version: unknown, value: unknown): unknown };
    let thrown: unknown;
    try {
      loose.compareAndSet("", 7, 42);
    } catch (error) {
      thrown = error;
    }
    expect(PelbiotValidationError.isValidationError(thrown)).toBe(true);
    expect((thrown as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "key",
      "expectedVersion",
      "value",
    ]);
    expect((thrown as Error).message).toContain("memoryStorage.compareAndSet");
  });

  it("fails every call with STORAGE_ERROR after dispose", () => {
    const storage = createMemoryStorage();
    storage.setItem("key", "value");
    storage.dispose?.();
    const calls: Array<[string, () => unknown]> = [
      ["getItem", () => storage.getItem("key")],
      ["getEntry", () => storage.getEntry("key")],
      ["setItem", () => storage.setItem("key", "value")],
      ["removeItem", () => storage.removeItem("key")],
      ["compareAndSet", () => storage.compareAndSet("key", null, "value")],
      ["keys", () => storage.keys()],
      ["clear", () => storage.clear?.()],
    ];
    for (const [method, call] of calls) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(PelbiotError.is(thrown, "STORAGE_ERROR"), method).toBe(true);
      expect((thrown as Error).message).toContain(`memoryStorage.${method}`);
      expect((thrown as Error).message).toContain("dispose");
    }
    // A second dispose is harmless.
    expect(() => storage.dispose?.()).not.toThrow();
  });

  it("keeps separate instances apart", () => {
    const first = createMemoryStorage();
    const second = createMemoryStorage();
    first.setItem("key", "first");
    expect(second.getItem("key")).toBeNull();
  });
});

type Operation =
  | { readonly type: "set"; readonly key: string; readonly value: string }
  | { readonly type: "remove"; readonly key: string }
  | {
      readonly type: "cas";
      readonly key: string;
      readonly expected: "current" | "absent" | "stale";
      readonly value: string | null;
    }
  | { readonly type: "keys"; readonly prefix: string | undefined }
  | { readonly type: "clear" };

const keyArbitrary = fc.constantFrom("a", "ab", "abc", "b", "b/1", "B", "é", "🚀");
const valueArbitrary = fc.string({ maxLength: 8 });
const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ type: fc.constant("set" as const), key: keyArbitrary, value: valueArbitrary }),
  fc.record({ type: fc.constant("remove" as const), key: keyArbitrary }),
  fc.record({
    type: fc.constant("cas" as const),
    key: keyArbitrary,
    expected: fc.constantFrom("current" as const, "absent" as const, "stale" as const),
    value: fc.option(valueArbitrary, { nil: null }),
  }),
  fc.record({
    type: fc.constant("keys" as const),
    prefix: fc.option(fc.constantFrom("", "a", "ab", "b", "z"), { nil: undefined }),
  }),
  fc.record({ type: fc.constant("clear" as const) }),
);

describe("createMemoryStorage: model-based", () => {
  it("behaves like a Map of values and versions under any sequence of operations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operationArbitrary, { maxLength: 60 }), async (operations) => {
        const storage: StorageAdapter = createMemoryStorage();
        const model = new Map<string, { value: string; version: string }>();
        const retired: string[] = [];
        const retire = (key: string): void => {
          const entry = model.get(key);
          if (entry) retired.push(entry.version);
        };
        const recordWrite = async (key: string, value: string): Promise<void> => {
          const entry = await storage.getEntry(key);
          expect(entry?.value).toBe(value);
          // A fresh version: neither current for another key nor used before.
          expect(retired).not.toContain(entry!.version);
          for (const other of model.values()) expect(other.version).not.toBe(entry!.version);
          model.set(key, { value, version: entry!.version });
        };

        for (const operation of operations) {
          switch (operation.type) {
            case "set":
              await storage.setItem(operation.key, operation.value);
              retire(operation.key);
              model.delete(operation.key);
              await recordWrite(operation.key, operation.value);
              break;
            case "remove":
              await storage.removeItem(operation.key);
              retire(operation.key);
              model.delete(operation.key);
              break;
            case "cas": {
              const current = model.get(operation.key)?.version ?? null;
              const expected =
                operation.expected === "current"
                  ? current
                  : operation.expected === "absent"
                    ? null
                    : (retired.at(-1) ?? "never-issued");
              const succeeded = await storage.compareAndSet(operation.key, expected, operation.value);
              expect(succeeded).toBe(expected === current);
              if (succeeded) {
                retire(operation.key);
                model.delete(operation.key);
                if (operation.value !== null) await recordWrite(operation.key, operation.value);
              }
              break;
            }
            case "keys": {
              const expected = [...model.keys()]
                .filter((key) => operation.prefix === undefined || key.startsWith(operation.prefix))
                .sort();
              expect(await storage.keys(operation.prefix)).toEqual(expected);
              break;
            }
            case "clear":
              await storage.clear?.();
              for (const key of model.keys()) retire(key);
              model.clear();
              break;
          }
          for (const key of ["a", "ab", "abc", "b", "b/1", "B", "é", "🚀"]) {
            const entry = await storage.getEntry(key);
            const expected = model.get(key);
            expect(entry === null ? null : { value: entry.value, version: entry.version }).toEqual(expected ?? null);
            expect(await storage.getItem(key)).toBe(expected?.value ?? null);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
