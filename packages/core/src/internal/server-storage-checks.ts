import { createValidator, type Validator } from "../validation/validator";

/** Matches a UTF-16 surrogate that has no partner: such text has no UTF-8 form, so a server would alter it. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** What a server-backed adapter accepts on top of the storage contract. */
export interface ServerTextRules {
  /** Whether U+0000 may appear (PostgreSQL `text` cannot hold it). */
  readonly allowNul: boolean;
  /** The longest UTF-8 encoding accepted, in bytes. */
  readonly maxBytes: number;
}

/**
 * Adds an issue unless `text` can be sent to a server and read back unchanged: well-formed UTF-16 (no lone
 * surrogate), no NUL when the backend forbids it, and a UTF-8 encoding no longer than `rules.maxBytes`.
 */
export function checkServerText(validator: Validator, path: string, text: string, rules: ServerTextRules): boolean {
  if (LONE_SURROGATE.test(text)) {
    return validator.fail(path, "must be well-formed Unicode text (it holds a lone UTF-16 surrogate)");
  }
  if (!rules.allowNul && text.includes("\0")) {
    return validator.fail(path, "must not contain a NUL character (U+0000)");
  }
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > rules.maxBytes) {
    return validator.fail(path, `must be at most ${rules.maxBytes} bytes in UTF-8, got ${bytes}`);
  }
  return true;
}

/**
 * Throws `VALIDATION_ERROR` unless every given text passes {@link checkServerText}. Call it after the contract's own
 * argument checks, so the types are known to be right.
 */
export function validateServerTexts(
  context: string,
  texts: ReadonlyArray<readonly [path: string, text: string | null | undefined, rules: ServerTextRules]>,
): void {
  let validator: Validator | undefined;
  for (const [path, text, rules] of texts) {
    if (typeof text !== "string") continue;
    // The common case (short ASCII-ish text) allocates no validator.
    if (!LONE_SURROGATE.test(text) && (rules.allowNul || !text.includes("\0")) && text.length * 3 <= rules.maxBytes) {
      continue;
    }
    validator ??= createValidator(context);
    checkServerText(validator, path, text, rules);
  }
  validator?.done();
}
