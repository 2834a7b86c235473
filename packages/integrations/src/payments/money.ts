import { createValidator, describeType, type Validator } from "@pelbiot/core";
import { ISO_4217_EXPONENTS } from "./currency-exponents";

/**
 * An amount of money as callers may write it: a decimal number as in the guide (`99.99`), a decimal string
 * (`"99.99"`), or an exact count of minor units (`{ minor: 9999 }`).
 *
 * @example
 * ```ts
 * const amounts: MoneyInput[] = [99.99, "99.99", { minor: 9999 }];
 * ```
 */
export type MoneyInput =
  | number
  | string
  | {
      /** The amount in the currency's minor units (cents for EUR, yen for JPY), a positive safe integer. */
      readonly minor: number;
    };

/** The largest count of minor units accepted: every amount stays an exact JavaScript integer. */
const MAX_MINOR = Number.MAX_SAFE_INTEGER;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * The ISO 4217 minor-unit exponent of a currency (2 for USD, 0 for JPY, 3 for KWD).
 *
 * @param currency - An ISO 4217 code, any case.
 * @returns The exponent, or `undefined` for an unknown code or one without minor units (XAU, XDR, XTS, …).
 * @example
 * ```ts
 * currencyExponent("jpy"); // 0
 * ```
 */
export function currencyExponent(currency: string): number | undefined {
  const code = typeof currency === "string" ? currency.toUpperCase() : "";
  if (!CURRENCY.test(code) || !Object.hasOwn(ISO_4217_EXPONENTS, code)) return undefined;
  return ISO_4217_EXPONENTS[code] ?? undefined;
}

/**
 * Checks a currency code into `check` and returns it upper-cased when it is a payable ISO 4217 code.
 *
 * @param check - The validator collecting issues.
 * @param path - The argument's dot-path.
 * @param value - The value to check.
 * @returns The upper-case code, or `undefined` after recording an issue.
 */
export function checkCurrency(check: Validator, path: string, value: unknown): string | undefined {
  if (!check.string(path, value, { maxLength: 3, pattern: { regex: /^[A-Za-z]{3}$/, description: "3 letters" } })) {
    return undefined;
  }
  const code = value.toUpperCase();
  if (!Object.hasOwn(ISO_4217_EXPONENTS, code)) {
    check.fail(
      path,
      `"${value}" is not a current ISO 4217 currency code; expected a code such as "USD", "EUR" or "JPY"`,
    );
    return undefined;
  }
  if (ISO_4217_EXPONENTS[code] === null) {
    check.fail(path, `${code} has no minor unit in ISO 4217 and cannot be charged; expected a currency such as "USD"`);
    return undefined;
  }
  return code;
}

/**
 * Checks an amount into `check` and converts it exactly to minor units of `currency`, without floating-point
 * arithmetic. A number is read through its shortest decimal form (`99.99` → `"99.99"`); a number that is only a
 * binary rounding artefact of a valid amount (`0.1 + 0.2`, which prints as `0.30000000000000004`) is read as that
 * amount, since 15 significant digits always survive a double exactly. More decimals than the currency has are an
 * error, never rounded away (`1.5` JPY, `1.234` USD); `1.234` KWD is fine.
 *
 * @param check - The validator collecting issues.
 * @param path - The argument's dot-path.
 * @param value - The amount.
 * @param currency - An upper-case code already checked by {@link checkCurrency}, or `undefined` when it was invalid
 *   (then only the amount's shape is checked).
 * @returns The positive count of minor units, or `undefined` after recording an issue.
 */
export function checkAmount(
  check: Validator,
  path: string,
  value: unknown,
  currency: string | undefined,
): number | undefined {
  const exponent = currency === undefined ? undefined : (ISO_4217_EXPONENTS[currency] ?? undefined);
  let decimal: string | undefined;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return checkMinor(check, path, value as Record<string, unknown>);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) {
      check.fail(path, `got ${String(value)}; expected a positive finite amount such as 99.99`);
      return undefined;
    }
    decimal = numberToDecimal(value, exponent ?? 4);
  } else if (typeof value === "string") {
    if (!DECIMAL.test(value)) {
      check.fail(path, `got "${value.slice(0, 40)}"; expected a decimal string such as "99.99" (digits, one dot)`);
      return undefined;
    }
    decimal = value;
  } else {
    check.fail(path, `got ${describeType(value)}; expected a number, a decimal string or { minor }`);
    return undefined;
  }
  if (exponent === undefined) return undefined;
  return decimalToMinor(check, path, decimal, exponent, currency ?? "");
}

function checkMinor(check: Validator, path: string, value: Record<string, unknown>): number | undefined {
  if (!check.knownKeys(path, value, ["minor"])) return undefined;
  const minor = value.minor;
  if (!check.number(`${path}.minor`, minor, { integer: true, min: 1, max: MAX_MINOR })) return undefined;
  return minor;
}

// Reads a double as the decimal the caller meant. The shortest round-trip form is what was typed in nearly every
// case; when it has more decimals than the currency allows, the 15-significant-digit form strips binary noise.
function numberToDecimal(value: number, exponent: number): string {
  const shortest = plainDecimal(value);
  if (decimalsOf(shortest) <= exponent) return shortest;
  const rounded = plainDecimal(Number(value.toPrecision(15)));
  return decimalsOf(rounded) <= exponent ? rounded : shortest;
}

// String(value) switches to exponent notation below 1e-6 and from 1e21; spell those out so the parser sees digits.
function plainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const [mantissa = "0", exponentText = "0"] = text.toLowerCase().split("e");
  const power = Number(exponentText);
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const digits = whole + fraction;
  const point = whole.length + power;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function decimalsOf(decimal: string): number {
  const fraction = decimal.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

function decimalToMinor(
  check: Validator,
  path: string,
  decimal: string,
  exponent: number,
  currency: string,
): number | undefined {
  const [, whole = "0", rawFraction = ""] = DECIMAL.exec(decimal) ?? [];
  const fraction = rawFraction.replace(/0+$/, "");
  if (fraction.length > exponent) {
    const accepted = exponent === 0 ? "whole units only" : `at most ${exponent} decimal place(s)`;
    check.fail(path, `${decimal} ${currency} has ${fraction.length} decimal place(s); ${currency} takes ${accepted}`);
    return undefined;
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor < 1n || minor > BigInt(MAX_MINOR)) {
    check.fail(
      path,
      `${decimal} ${currency} is out of range; expected at least one minor unit and at most ${MAX_MINOR}`,
    );
    return undefined;
  }
  return Number(minor);
}

/**
 * Converts an amount exactly to minor units (the integer providers charge in): 99.99 USD → 9999, 500 JPY → 500,
 * 1.234 KWD → 1234. Uses the ISO 4217 exponent and string arithmetic only, never floating-point multiplication.
 *
 * @param amount - A positive decimal number, decimal string or `{ minor }`.
 * @param currency - An ISO 4217 code (any case) that has a minor unit.
 * @returns The positive integer count of minor units.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for an unknown currency, one without minor units (XAU, XTS…),
 *   more decimals than the currency has (1.5 JPY), zero, negative or non-finite amounts.
 * @example
 * ```ts
 * toMinorUnits(99.99, "USD"); // 9999
 * toMinorUnits(0.1 + 0.2, "USD"); // 30
 * ```
 */
export function toMinorUnits(amount: MoneyInput, currency: string): number {
  const check = createValidator("toMinorUnits");
  const code = checkCurrency(check, "currency", currency);
  const minor = checkAmount(check, "amount", amount, code);
  check.done();
  return minor as number;
}

/**
 * Formats minor units as a plain decimal string in the currency's major unit (9999 USD → `"99.99"`, 500 JPY →
 * `"500"`), the form PayPal's `value` fields and receipts use.
 *
 * @param minor - A non-negative integer count of minor units.
 * @param currency - An ISO 4217 code (any case) that has a minor unit.
 * @returns The decimal string, with exactly the currency's number of decimal places.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad count or currency.
 * @example
 * ```ts
 * formatMinorUnits(1234, "KWD"); // "1.234"
 * ```
 */
export function formatMinorUnits(minor: number, currency: string): string {
  const check = createValidator("formatMinorUnits");
  check.number("minor", minor, { integer: true, min: 0, max: MAX_MINOR });
  const code = checkCurrency(check, "currency", currency);
  check.done();
  return minorToDecimal(minor, code === undefined ? 0 : (ISO_4217_EXPONENTS[code] ?? 0));
}

/**
 * Formats already-validated minor units with a known exponent.
 *
 * @param minor - A non-negative safe integer.
 * @param exponent - The currency's exponent.
 * @returns The decimal string.
 */
export function minorToDecimal(minor: number, exponent: number): string {
  const digits = String(minor).padStart(exponent + 1, "0");
  if (exponent === 0) return digits;
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
