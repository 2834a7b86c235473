import { describeType, type Validator } from "@pelbiot/core";
import { ISO_4217_EXPONENTS } from "./currency-exponents";
import { checkAmount, checkCurrency, minorToDecimal } from "./money";
import type { CheckedCreate } from "./payment-lifecycle";

const CREATE_KEYS = [
  "amount",
  "currency",
  "method",
  "captureMethod",
  "description",
  "metadata",
  "idempotencyKey",
] as const;
const ID = { maxLength: 200, pattern: { regex: /^[\w.:-]+$/, description: "a payment id returned by createPayment" } };

/**
 * Checks the input of `createPayment`.
 *
 * @param check - The validator of the call.
 * @param input - The caller's input.
 * @returns The checked input, or `undefined` when an issue was recorded.
 */
export function checkCreateInput(check: Validator, input: unknown): CheckedCreate | undefined {
  if (!check.object("input", input)) return undefined;
  check.knownKeys("input", input, CREATE_KEYS);
  const currency = checkCurrency(check, "input.currency", input.currency);
  const amountMinor = checkAmount(check, "input.amount", input.amount, currency);
  const method = input.method ?? "credit_card";
  check.string("input.method", method, { maxLength: 200 });
  const captureMethod = input.captureMethod ?? "automatic";
  check.oneOf("input.captureMethod", captureMethod, ["automatic", "manual"]);
  if (input.description !== undefined) check.string("input.description", input.description, { maxLength: 1000 });
  const metadata = checkMetadata(check, input.metadata);
  if (input.idempotencyKey !== undefined)
    check.string("input.idempotencyKey", input.idempotencyKey, { maxLength: 255 });
  if (check.issues.length > 0 || currency === undefined || amountMinor === undefined) return undefined;
  return {
    amountMinor,
    amount: minorToDecimal(amountMinor, ISO_4217_EXPONENTS[currency] ?? 0),
    currency,
    method: method as string,
    captureMethod: captureMethod as "automatic" | "manual",
    description: (input.description as string | undefined) ?? null,
    metadata: metadata ?? {},
    idempotencyKey: (input.idempotencyKey as string | undefined) ?? null,
  };
}

function checkMetadata(check: Validator, metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined || !check.object("input.metadata", metadata)) return undefined;
  const entries = Object.entries(metadata);
  check.check(entries.length <= 20, "input.metadata", `has ${entries.length} keys; at most 20 are accepted`);
  for (const [key, value] of entries) {
    check.check(key.length >= 1 && key.length <= 40, `input.metadata.${key}`, "keys must be 1 to 40 characters");
    check.string(`input.metadata.${key}`, value, { minLength: 0, maxLength: 500 });
  }
  return { ...(metadata as Record<string, string>) };
}

/**
 * Checks a payment id argument.
 *
 * @param check - The validator.
 * @param paymentId - The argument.
 * @returns Whether it is well-formed.
 */
export function checkPaymentId(check: Validator, paymentId: unknown): paymentId is string {
  return check.string("paymentId", paymentId, ID);
}

/**
 * Checks an optional free-text argument (`reason`, `authorization`).
 *
 * @param check - The validator.
 * @param path - The argument name.
 * @param value - The argument.
 * @returns The text or `null`.
 */
export function checkOptionalText(check: Validator, path: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return check.string(path, value, { maxLength: 500 }) ? value : null;
}

/**
 * Checks the options object of `refundPayment`.
 *
 * @param check - The validator.
 * @param options - The argument.
 * @returns The caller's idempotency key or `null`.
 */
export function checkRefundOptions(check: Validator, options: unknown): string | null {
  if (options === undefined) return null;
  if (!check.object("options", options)) return null;
  check.knownKeys("options", options, ["idempotencyKey"]);
  const key = options.idempotencyKey;
  if (key === undefined) return null;
  return check.string("options.idempotencyKey", key, { maxLength: 255 }) ? key : null;
}

/**
 * Checks a raw webhook body.
 *
 * @param check - The validator.
 * @param rawBody - The argument.
 * @returns Whether it is a string or bytes.
 */
export function checkRawBody(check: Validator, rawBody: unknown): rawBody is string | Uint8Array {
  return check.check(
    typeof rawBody === "string" || rawBody instanceof Uint8Array,
    "rawBody",
    `got ${describeType(rawBody)}; expected the raw request body as a string or bytes, never parsed JSON`,
  );
}
