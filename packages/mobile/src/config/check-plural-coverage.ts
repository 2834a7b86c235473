import { createValidator, describeType } from "@pelbiot/core";
import {
  canonicalizeLanguageTag,
  getPluralCategories,
  PLURAL_CATEGORIES,
  type PluralCategory,
} from "./negotiate-language";

/** A message: plain text, or one text per CLDR plural category (ICU's `{count, plural, one {…} other {…}}` split out). */
export type TranslationMessage = string | Partial<Record<PluralCategory, string>>;

/** Messages per locale: `{ en: { files: { one: "# file", other: "# files" } } }`. */
export type TranslationTable = Readonly<Record<string, Readonly<Record<string, TranslationMessage>>>>;

/** One plural message that lacks categories its locale needs. */
export interface PluralGap {
  /** The locale as written in the table. */
  readonly locale: string;
  /** The message key. */
  readonly key: string;
  /** Categories the locale needs that the message does not define, in CLDR order. */
  readonly missing: readonly PluralCategory[];
}

/** The result of {@link checkPluralCoverage}. */
export interface PluralCoverageReport {
  /** `true` when no gap, missing locale or unexpected locale was found. */
  readonly complete: boolean;
  /** Plural messages missing categories. */
  readonly gaps: readonly PluralGap[];
  /** Expected locales that have no table at all. */
  readonly missingLocales: readonly string[];
  /** Locales in the table that are not expected (often a typo such as `"es-ES"` for `"es"`). */
  readonly unexpectedLocales: readonly string[];
}

/** Options for {@link checkPluralCoverage}. */
export interface PluralCoverageOptions {
  /** Locales the table must cover; when omitted, only the locales present are checked. */
  expectedLocales?: readonly string[];
  /** Cardinal (`2 files`) or ordinal (`2nd`) rules. @default "cardinal" */
  type?: "cardinal" | "ordinal";
}

/**
 * Checks that every plural message in a translation table defines each CLDR plural category its locale needs,
 * as reported by `Intl.PluralRules#resolvedOptions().pluralCategories` (Arabic needs six, Polish four, Japanese one).
 * Plain-string messages are not plural and are skipped.
 *
 * @param table - Messages per locale.
 * @param options - Expected locales and the rule type.
 * @returns The gaps found; `complete` is `true` when there are none.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the table is not an object of objects, a locale tag is
 *   malformed, a message is neither a string nor an object of strings, or a plural key is not a CLDR category.
 * @example
 * ```ts
 * checkPluralCoverage({ pl: { files: { one: "# plik", other: "# pliki" } } }).gaps;
 * // [{ locale: "pl", key: "files", missing: ["few", "many"] }]
 * ```
 */
export function checkPluralCoverage(
  table: TranslationTable,
  options: PluralCoverageOptions = {},
): PluralCoverageReport {
  const check = createValidator("checkPluralCoverage");
  if (!check.object("options", options)) check.done();
  const { expectedLocales, type = "cardinal" } = options;
  check.oneOf("options.type", type, ["cardinal", "ordinal"] as const);
  const expected: string[] = [];
  if (expectedLocales !== undefined && check.array("options.expectedLocales", expectedLocales)) {
    expectedLocales.forEach((tag, index) => {
      const canonical = canonicalizeLanguageTag(tag);
      if (canonical === undefined) check.fail(`options.expectedLocales.${index}`, "must be a well-formed BCP 47 tag");
      else expected.push(canonical);
    });
  }
  const gaps: PluralGap[] = [];
  const present: string[] = [];
  if (check.object("table", table)) {
    for (const [locale, messages] of Object.entries(table)) {
      const canonical = canonicalizeLanguageTag(locale);
      if (canonical === undefined) {
        check.fail(`table.${locale}`, 'locale key must be a well-formed BCP 47 tag such as "pt-BR"');
        continue;
      }
      if (!check.object(`table.${locale}`, messages)) continue;
      present.push(canonical);
      const needed = getPluralCategories(canonical, type);
      for (const [key, message] of Object.entries(messages)) {
        if (typeof message === "string") continue;
        if (typeof message !== "object" || message === null || Array.isArray(message)) {
          check.fail(
            `table.${locale}.${key}`,
            `must be a string or an object of plural forms, got ${describeType(message)}`,
          );
          continue;
        }
        for (const [category, text] of Object.entries(message)) {
          if (!(PLURAL_CATEGORIES as readonly string[]).includes(category)) {
            check.fail(`table.${locale}.${key}.${category}`, `must be one of ${PLURAL_CATEGORIES.join(", ")}`);
          } else check.string(`table.${locale}.${key}.${category}`, text, { minLength: 0 });
        }
        const missing = needed.filter((category) => typeof (message as Record<string, unknown>)[category] !== "string");
        if (missing.length > 0) gaps.push({ locale, key, missing });
      }
    }
  }
  check.done();
  const missingLocales = expected.filter((locale) => !present.includes(locale));
  const unexpectedLocales = expectedLocales === undefined ? [] : present.filter((locale) => !expected.includes(locale));
  return {
    complete: gaps.length === 0 && missingLocales.length === 0 && unexpectedLocales.length === 0,
    gaps,
    missingLocales,
    unexpectedLocales,
  };
}
