import { parsePhoneNumberFromString, validatePhoneNumberLength } from "libphonenumber-js";

/**
 * How strictly SMS recipients are checked: `valid` asks libphonenumber-js whether the number is assigned in its
 * country's numbering plan, `possible` only whether its length fits that plan.
 */
export type PhoneNumberCheck = "possible" | "valid";

/** A recipient that passed the checks. */
export interface CheckedRecipient {
  /** The recipient as sent: E.164 for a phone number, the trimmed address for an e-mail. */
  readonly address: string;
  /** Problems a real provider would reject the recipient for; only the outbox records a message that has any. */
  readonly warnings: readonly string[];
}

const LENGTH_PROBLEMS: Readonly<Record<string, string>> = {
  TOO_SHORT: "is too short",
  TOO_LONG: "is too long",
  INVALID_LENGTH: "has a length no number in its country has",
  NOT_A_NUMBER: "is not a number",
  INVALID_COUNTRY: "has no known country calling code",
};

/**
 * Checks an SMS recipient with libphonenumber-js and returns it in E.164 (`+14155552345`). The number must be in
 * international form (a leading `+` and a country calling code); spaces, dashes and brackets are allowed and dropped.
 *
 * @param value - The recipient as given.
 * @param check - `possible` or `valid`.
 * @param lenient - Accept a well-formed international number that fails `check`, with a warning (the outbox does,
 * so the guide's placeholder `+1234567890` is recorded).
 * @returns The E.164 form and any warnings, or the reason it is refused.
 */
export function checkPhoneRecipient(
  value: string,
  check: PhoneNumberCheck,
  lenient: boolean,
): CheckedRecipient | { readonly error: string } {
  const accepted = "an international number in E.164 form such as +14155552345";
  if (!value.trim().startsWith("+")) return { error: `must be ${accepted} (a leading + and the country code)` };
  const parsed = parsePhoneNumberFromString(value);
  if (parsed === undefined) {
    const problem = LENGTH_PROBLEMS[validatePhoneNumberLength(value) ?? "NOT_A_NUMBER"] ?? "is not a phone number";
    return { error: `${problem}; expected ${accepted}` };
  }
  const passes = check === "valid" ? parsed.isValid() : parsed.isPossible();
  if (passes) return { address: parsed.number, warnings: [] };
  const lengthProblem = validatePhoneNumberLength(value);
  const problem =
    lengthProblem === undefined
      ? `is not ${check === "valid" ? "a valid (assigned)" : "a possible"} number for country code +${parsed.countryCallingCode}`
      : `${LENGTH_PROBLEMS[lengthProblem] ?? "has a wrong length"} for country code +${parsed.countryCallingCode}`;
  if (lenient && lengthProblem !== "TOO_LONG") {
    return {
      address: parsed.number,
      warnings: [`recipient ${parsed.number} ${problem}; a real SMS provider would refuse it`],
    };
  }
  return { error: `${problem}; expected ${accepted}` };
}

// A pragmatic address check: one @, no whitespace, brackets or header-breaking characters, a dotted domain or
// localhost. Deliverability is the mail server's verdict, not ours.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|localhost)$/;

/**
 * Checks an e-mail recipient (a bare address such as `ada@example.com`, at most 254 characters).
 *
 * @param value - The recipient as given.
 * @returns The trimmed address, or the reason it is refused.
 */
export function checkEmailRecipient(value: string): CheckedRecipient | { readonly error: string } {
  const address = value.trim();
  if (address.length > 254 || !EMAIL.test(address)) {
    return { error: "must be an e-mail address such as ada@example.com (no display name, at most 254 characters)" };
  }
  return { address, warnings: [] };
}
