import type { Validator } from "@pelbiot/core";
import { checkWellFormed } from "./well-formed";

const PROVIDER_PATTERN = {
  regex: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  description: "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
};
const MAX_USER_ID_LENGTH = 256;
const MAX_SECRET_LENGTH = 64 * 1024;
const MAX_ACTOR_LENGTH = 256;
// Storage keys are at most 1024 units; this leaves room for the prefixes.
const MAX_RECORD_KEY_LENGTH = 900;

/** Any argument may be a secret passed in the wrong place, so rejected strings are described by length only. */
export const REDACTED = { redactStrings: true } as const;

/** Whether `value` is an acceptable API key or secret. */
export function isSecretString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_SECRET_LENGTH;
}

/** Checks a secret without echoing it: core's describeType prints short strings, which would leak them. */
export function checkSecret(check: Validator, path: string, value: unknown): void {
  check.check(
    isSecretString(value),
    path,
    `must be a non-empty string of at most ${MAX_SECRET_LENGTH} characters (got ${
      typeof value === "string" ? `a string of length ${value.length}` : typeof value
    })`,
  );
}

/** The key of a credential's record in its store. */
export function recordKey(provider: string, userId: string): string {
  return `${provider}/${encodeURIComponent(userId)}`;
}

/** The provider and user a record key names, or `undefined` parts when the key is not one this code wrote. */
export function parseRecordKey(key: string): { provider: string; userId: string } {
  const separator = key.indexOf("/");
  const provider = separator === -1 ? key : key.slice(0, separator);
  let userId = separator === -1 ? "" : key.slice(separator + 1);
  try {
    userId = decodeURIComponent(userId);
  } catch {
    // A key edited by hand: report it as it is.
  }
  return { provider, userId };
}

/** Checks a provider name. */
export function checkProvider(check: Validator, path: string, provider: unknown): boolean {
  return check.string(path, provider, { pattern: PROVIDER_PATTERN });
}

/** Checks a user id: non-empty, at most 256 characters, well-formed Unicode. */
export function checkUserId(check: Validator, path: string, userId: unknown): userId is string {
  return (
    check.string(path, userId, { maxLength: MAX_USER_ID_LENGTH }) && checkWellFormed(check, path, userId as string)
  );
}

/** Checks the (provider, user) a call is about, including the length of its storage key. */
export function checkTarget(check: Validator, provider: unknown, userId: unknown): void {
  checkProvider(check, "provider", provider);
  if (checkUserId(check, "userId", userId)) {
    check.check(
      recordKey("x", userId).length <= MAX_RECORD_KEY_LENGTH,
      "userId",
      "is too long once encoded for storage; use a shorter or ASCII id",
    );
  }
}

/** Checks an actor name (an option's value). */
export function checkActorName(check: Validator, path: string, actor: unknown): actor is string {
  return check.string(path, actor, { maxLength: MAX_ACTOR_LENGTH }) && checkWellFormed(check, path, actor as string);
}

/**
 * Checks a per-call options object: a plain object with only `accepted` keys, and a well-formed `actor`.
 *
 * @returns The actor to audit (`defaultActor` when none or an invalid one was given).
 */
export function checkCallOptions(
  check: Validator,
  options: unknown,
  accepted: readonly string[],
  defaultActor: string,
): string {
  if (!check.object("options", options)) return defaultActor;
  check.knownKeys("options", options, accepted);
  const { actor } = options;
  if (actor === undefined) return defaultActor;
  return checkActorName(check, "options.actor", actor) ? actor : defaultActor;
}
