import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMutation, jsonEqual, mergeThreeWay } from "../../src/sync/three-way-merge";

describe("mergeThreeWay", () => {
  it("takes each side's own changes and reports fields both changed differently", () => {
    const base = { name: "Ann", city: "Oslo", age: 30 };
    expect(mergeThreeWay(base, { ...base, name: "Anne" }, { ...base, city: "Bergen" })).toEqual({
      merged: { name: "Anne", city: "Bergen", age: 30 },
    });
    expect(mergeThreeWay(base, { ...base, age: 31 }, { ...base, age: 31 })).toEqual({ merged: { ...base, age: 31 } });
    expect(mergeThreeWay(base, { ...base, age: 31, city: "Rome" }, { ...base, age: 32, city: "Rome" })).toEqual({
      collisions: ["age"],
    });
  });

  it("handles added and removed fields", () => {
    expect(mergeThreeWay({ a: 1, b: 2 }, { a: 1 }, { a: 1, b: 2, c: 3 })).toEqual({ merged: { a: 1, c: 3 } });
  });

  it("lets a delete win only against an unchanged record", () => {
    expect(mergeThreeWay({ a: 1 }, null, { a: 1 })).toEqual({ merged: null });
    expect(mergeThreeWay({ a: 1 }, null, { a: 2 })).toEqual({ collisions: ["*"] });
    expect(mergeThreeWay({ a: 1 }, { a: 5 }, null)).toEqual({ collisions: ["*"] });
  });

  it("is the identity when only one side changed", () => {
    const record = fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
    fc.assert(
      fc.property(record, record, (base, changed) => {
        const normalise = (value: unknown) => JSON.parse(JSON.stringify(value));
        const [b, c] = [normalise(base), normalise(changed)];
        expect(mergeThreeWay(b, c, b)).toEqual({ merged: c });
        expect(mergeThreeWay(b, b, c)).toEqual({ merged: c });
      }),
    );
  });
});

describe("applyMutation and jsonEqual", () => {
  it("creates, patches, replaces and deletes", () => {
    expect(applyMutation(null, { type: "create", data: { a: 1 } })).toEqual({ a: 1 });
    expect(applyMutation({ a: 1, b: 2 }, { type: "update", data: { b: 3 } })).toEqual({ a: 1, b: 3 });
    expect(applyMutation({ a: 1, b: 2 }, { type: "update", data: { b: 3 }, replace: true })).toEqual({ b: 3 });
    expect(applyMutation({ a: 1 }, { type: "delete", data: null })).toBeNull();
  });

  it("compares JSON structurally, ignoring key order", () => {
    expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined as never })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});
