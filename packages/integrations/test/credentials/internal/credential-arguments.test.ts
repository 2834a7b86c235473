import { createValidator } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readDurationOption } from "../../../src/credentials/api-credentials-manager-options";
import { checkTarget, parseRecordKey, recordKey } from "../../../src/credentials/internal/credential-arguments";

const provider = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
// Well-formed user ids: any code points but lone surrogates.
const userId = fc
  .array(
    fc
      .oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
      .map((value) => String.fromCodePoint(value)),
    { minLength: 1, maxLength: 40 },
  )
  .map((characters) => characters.join(""));

describe("credential record keys", () => {
  it("name the provider and user they were made from, for every accepted target (property)", () => {
    fc.assert(
      fc.property(provider, userId, (someProvider, someUser) => {
        const check = createValidator("test");
        checkTarget(check, someProvider, someUser);
        fc.pre(check.issues.length === 0);
        expect(parseRecordKey(recordKey(someProvider, someUser))).toEqual({ provider: someProvider, userId: someUser });
      }),
    );
  });
});

describe("readDurationOption", () => {
  it("reads either name, never both, and never a negative or fractional value (property)", () => {
    const value = fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 10 }), fc.double({ noNaN: false }));
    fc.assert(
      fc.property(value, value, (modern, alias) => {
        const check = createValidator("test");
        const read = readDurationOption(check, "options", { waitMs: modern, wait: alias }, "waitMs", "wait", 0);
        const given = modern ?? alias;
        const valid = Number.isSafeInteger(given) && (given as number) >= 0;
        if (modern !== undefined && alias !== undefined) expect(check.issues).toHaveLength(1);
        else if (given === undefined || valid) expect([read, check.issues]).toEqual([given, []]);
        else expect([read, check.issues.length]).toEqual([undefined, 1]);
      }),
    );
  });
});
