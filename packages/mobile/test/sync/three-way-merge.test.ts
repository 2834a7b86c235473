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

  it("settles collisions through onCollision, field by field and for a delete against an edit", () => {
    const asked: string[] = [];
    const onCollision = (field: string) => {
      asked.push(field);
      return field === "a" ? ("local" as const) : ("remote" as const);
    };
    expect(mergeThreeWay({ a: 0, b: 0, c: 0 }, { a: 1, b: 1, c: 0 }, { a: 2, b: 2, c: 3 }, { onCollision })).toEqual({
      merged: { a: 1, b: 2, c: 3 },
    });
    expect(asked).toEqual(["a", "b"]);
    expect(mergeThreeWay({ a: 1 }, null, { a: 2 }, { onCollision: () => "local" })).toEqual({ merged: null });
    expect(mergeThreeWay({ a: 1 }, null, { a: 2 }, { onCollision: () => "remote" })).toEqual({ merged: { a: 2 } });
    expect(mergeThreeWay({ a: 1 }, { a: 5 }, null, { onCollision: () => "local" })).toEqual({ merged: { a: 5 } });
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

describe("fields named like Object.prototype members", () => {
  // JSON.parse makes "__proto__" an own data property; the merge must carry it as data and never let it reach the
  // merged object's prototype (or read an inherited member such as `constructor` as if it were a field).
  const parse = (text: string) => JSON.parse(text) as Record<string, never>;

  it("merges an own __proto__ field changed on one side as data", () => {
    const base = parse('{"name":"Ann"}');
    const local = parse('{"name":"Ann","__proto__":{"admin":true}}');
    const result = mergeThreeWay(base, local, base);
    expect("merged" in result).toBe(true);
    const merged = (result as { merged: Record<string, unknown> }).merged;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect((merged as { admin?: unknown }).admin).toBeUndefined();
    expect(JSON.stringify(merged)).toBe('{"name":"Ann","__proto__":{"admin":true}}');
  });

  it("sees an own __proto__ field added as {} as a change, not as the inherited prototype", () => {
    const base = parse('{"a":1}');
    const remote = parse('{"a":1,"__proto__":{}}');
    const result = mergeThreeWay(base, base, remote) as { merged: Record<string, unknown> };
    expect(JSON.stringify(result.merged)).toBe('{"a":1,"__proto__":{}}');
    // Both sides set it differently: a collision, like any other field.
    expect(mergeThreeWay(base, parse('{"a":1,"__proto__":{"x":1}}'), remote)).toEqual({ collisions: ["__proto__"] });
  });

  it("never reads inherited constructor or prototype members as field values", () => {
    const base = parse('{"constructor":1,"prototype":2,"keep":0}');
    const local = parse('{"prototype":2,"keep":0}');
    const remote = parse('{"constructor":1,"keep":5}');
    const result = mergeThreeWay(base, local, remote) as { merged: Record<string, unknown> };
    expect(Object.keys(result.merged)).toEqual(["keep"]);
    expect(JSON.stringify(result.merged)).toBe('{"keep":5}');
    expect(mergeThreeWay(parse("{}"), parse('{"constructor":"x"}'), parse("{}"))).toEqual({
      merged: parse('{"constructor":"x"}'),
    });
  });

  it("keeps the prototype intact for any field name (property)", () => {
    const key = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "a");
    const record = fc.dictionary(key, fc.integer({ min: 0, max: 3 }), { maxKeys: 6 });
    const asJson = (value: Record<string, number>) => JSON.parse(JSON.stringify(value)) as Record<string, number>;
    fc.assert(
      fc.property(record, record, record, (base, local, remote) => {
        const result = mergeThreeWay(asJson(base), asJson(local), asJson(remote));
        if ("collisions" in result) return;
        const merged = result.merged as Record<string, unknown>;
        expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
        for (const value of Object.values(merged)) expect(typeof value).toBe("number");
      }),
    );
  });

  it("applyMutation patches and replaces an own __proto__ field as data", () => {
    const patched = applyMutation(parse('{"a":1}'), { type: "update", data: parse('{"__proto__":{"x":1}}') });
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(JSON.stringify(patched)).toBe('{"a":1,"__proto__":{"x":1}}');
    const replaced = applyMutation(null, { type: "create", data: parse('{"__proto__":{"x":1}}') });
    expect(JSON.stringify(replaced)).toBe('{"__proto__":{"x":1}}');
  });
});
