import { readFileSync } from "node:fs";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent, formatMinorUnits, toMinorUnits } from "../../src/payments/money";

// The ISO 4217 table as published, read independently of the library's generated copy.
const spec = JSON.parse(
  readFileSync(new URL("./fixtures/specs/iso4217-minor-units.json", import.meta.url), "utf8"),
) as {
  exponents: Record<string, number | null>;
};
const CURRENCIES = Object.entries(spec.exponents);

describe("toMinorUnits", () => {
  it("converts the guide's and the issue's examples exactly", () => {
    expect(toMinorUnits(99.99, "USD")).toBe(9999);
    expect(toMinorUnits(50.0, "USD")).toBe(5000);
    expect(toMinorUnits("99.99", "usd")).toBe(9999);
    expect(toMinorUnits({ minor: 9999 }, "USD")).toBe(9999);
    expect(toMinorUnits(1.234, "KWD")).toBe(1234);
    expect(toMinorUnits(500, "JPY")).toBe(500);
    expect(toMinorUnits(0.1 + 0.2, "USD")).toBe(30);
    expect(toMinorUnits(1.1 * 3, "USD")).toBe(330); // 3.3000000000000003
    expect(toMinorUnits("1.50", "EUR")).toBe(150);
    expect(toMinorUnits("1.00", "JPY")).toBe(1);
    expect(toMinorUnits(19.99, "EUR")).toBe(1999);
    expect(toMinorUnits(4.35, "USD")).toBe(435); // 4.35 * 100 = 434.99999999999994 in floating point
  });

  it("rejects more decimals than the currency has, never rounding them away", () => {
    expect(captureValidationIssues(() => toMinorUnits(1.5, "JPY"))).toEqual([
      "amount: 1.5 JPY has 1 decimal place(s); JPY takes whole units only",
    ]);
    expect(captureValidationIssues(() => toMinorUnits(1.234, "USD"))).toEqual([
      "amount: 1.234 USD has 3 decimal place(s); USD takes at most 2 decimal place(s)",
    ]);
    expectPelbiotError(() => toMinorUnits("0.0001", "KWD"), "VALIDATION_ERROR");
    // 1.005 is stored as 1.00499999999999989…; it is neither rounded to 1.00 nor to 1.01, it is refused.
    expectPelbiotError(() => toMinorUnits(1.005, "USD"), "VALIDATION_ERROR");
  });

  it("rejects unknown and unpayable currencies, zero, negatives and non-numbers", () => {
    expect(captureValidationIssues(() => toMinorUnits(1, "ABC"))[0]).toMatch(
      /^currency: "ABC" is not a current ISO 4217/,
    );
    expect(captureValidationIssues(() => toMinorUnits(1, "XAU"))[0]).toMatch(/XAU has no minor unit/);
    for (const bad of [
      0,
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "1e3",
      "-1",
      " 1",
      "1.",
      "",
      null,
      [],
      { minor: 1.5 },
    ]) {
      expectPelbiotError(() => toMinorUnits(bad as never, "USD"), "VALIDATION_ERROR");
    }
    expectPelbiotError(() => toMinorUnits({ minor: 1, major: 2 } as never, "USD"), "VALIDATION_ERROR");
    expectPelbiotError(() => toMinorUnits(2 ** 60, "USD"), "VALIDATION_ERROR");
  });

  it("agrees with the published table for all 178 current codes", () => {
    expect(CURRENCIES).toHaveLength(178);
    for (const [code, exponent] of CURRENCIES) {
      expect(currencyExponent(code)).toBe(exponent ?? undefined);
      if (exponent === null) expectPelbiotError(() => toMinorUnits(1, code), "VALIDATION_ERROR");
    }
  });

  it("round-trips every minor amount of every currency exactly (decimal string, number and { minor })", () => {
    const payable = CURRENCIES.filter((entry): entry is [string, number] => entry[1] !== null);
    expect(payable).toHaveLength(165);
    // Every currency at the edges (one minor unit, a whole major unit, the largest exact amount)…
    for (const [code, exponent] of payable) {
      for (const minor of [1, 10 ** exponent, 10 ** exponent + 1, Number.MAX_SAFE_INTEGER]) {
        expect(toMinorUnits(formatMinorUnits(minor, code), code)).toBe(minor);
      }
    }
    // …and random amounts in between, also read back through a JavaScript number.
    fc.assert(
      fc.property(
        fc.constantFrom(...payable),
        fc.integer({ min: 1, max: 10_000_000_000 }),
        ([code, exponent], minor) => {
          const decimal = formatMinorUnits(minor, code);
          expect(decimal.split(".")[1]?.length ?? 0).toBe(exponent);
          expect(toMinorUnits(decimal, code)).toBe(minor);
          expect(toMinorUnits(Number(decimal), code)).toBe(minor);
          expect(toMinorUnits({ minor }, code)).toBe(minor);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("reads a sum of decimal numbers as the decimal sum (binary noise is not an extra decimal)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (a, b) => {
        expect(toMinorUnits(a / 100 + b / 100, "USD")).toBe(a + b);
      }),
    );
  });
});

describe("formatMinorUnits", () => {
  it("pads with the currency's decimals", () => {
    expect(formatMinorUnits(5, "USD")).toBe("0.05");
    expect(formatMinorUnits(1234, "KWD")).toBe("1.234");
    expect(formatMinorUnits(500, "JPY")).toBe("500");
    expect(formatMinorUnits(12345, "CLF")).toBe("1.2345");
    expectPelbiotError(() => formatMinorUnits(1.5, "USD"), "VALIDATION_ERROR");
  });
});
