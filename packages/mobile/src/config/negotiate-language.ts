import { createValidator, describeType } from "@pelbiot/core";

/** The CLDR plural categories, in CLDR's own order. */
export const PLURAL_CATEGORIES = ["zero", "one", "two", "few", "many", "other"] as const;

/** One CLDR plural category (`Intl.LDMLPluralRule`). */
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

/** Scripts written right to left (ISO 15924 codes of the scripts CLDR marks `right-to-left`). */
const RTL_SCRIPTS = new Set([
  "Adlm",
  "Arab",
  "Aran",
  "Armi",
  "Avst",
  "Chrs",
  "Cprt",
  "Elym",
  "Hatr",
  "Hebr",
  "Hung",
  "Khar",
  "Lydi",
  "Mand",
  "Mani",
  "Mend",
  "Merc",
  "Mero",
  "Narb",
  "Nbat",
  "Nkoo",
  "Orkh",
  "Ougr",
  "Palm",
  "Phli",
  "Phlp",
  "Phnx",
  "Prti",
  "Rohg",
  "Samr",
  "Sarb",
  "Sogd",
  "Sogo",
  "Syrc",
  "Thaa",
  "Yezi",
]);

/** The outcome of {@link resolveLanguage}: the chosen language and how to fall back from it. */
export interface LanguageResolution {
  /** The supported language chosen, in canonical BCP 47 form. */
  readonly language: string;
  /** The requested tag that produced the match, or `null` when nothing matched and the default was used. */
  readonly matchedFrom: string | null;
  /** Whether the default language was used because no requested tag matched. */
  readonly isDefault: boolean;
  /** Supported languages to look messages up in, most specific first, ending with the default language. */
  readonly fallbackChain: readonly string[];
  /** Writing direction of the chosen language. */
  readonly direction: "ltr" | "rtl";
  /** Shorthand for `direction === "rtl"`. */
  readonly rtl: boolean;
  /** The CLDR cardinal plural categories the chosen language needs, in CLDR order. */
  readonly pluralCategories: readonly PluralCategory[];
}

/**
 * Canonicalises one BCP 47 tag (`"EN-us"` → `"en-US"`), or returns `undefined` when it is not well formed.
 *
 * @param tag - Any value.
 * @returns The canonical tag, or `undefined`.
 */
export function canonicalizeLanguageTag(tag: unknown): string | undefined {
  if (typeof tag !== "string" || tag.length === 0 || tag.length > 255) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * Whether the JavaScript engine has locale data for a tag (or for a parent of it), so that plural rules and
 * formatting are real for it rather than silently falling back to the engine's default locale.
 *
 * @param tag - A canonical BCP 47 tag.
 * @returns `true` when `Intl.PluralRules` knows the tag.
 */
export function isKnownLocale(tag: string): boolean {
  return Intl.PluralRules.supportedLocalesOf([tag]).length > 0;
}

/**
 * The writing direction of a language, from its likely script (`ar` → Arab → rtl, `az-Arab` → rtl, `az` → ltr).
 * Uses `Intl.Locale#maximize`, which every current engine has; the script table comes from CLDR.
 *
 * @param tag - A canonical BCP 47 tag.
 * @returns `"rtl"` or `"ltr"`.
 */
export function getTextDirection(tag: string): "ltr" | "rtl" {
  const script = new Intl.Locale(tag).maximize().script;
  return script !== undefined && RTL_SCRIPTS.has(script) ? "rtl" : "ltr";
}

/**
 * The CLDR plural categories a language needs, from `Intl.PluralRules`, in CLDR order.
 *
 * @param tag - A canonical BCP 47 tag.
 * @param type - Cardinal (`1 file`, `2 files`) or ordinal (`1st`, `2nd`). @default "cardinal"
 * @returns For example `["one", "other"]` for English and `["zero", "one", "two", "few", "many", "other"]` for Arabic.
 */
export function getPluralCategories(tag: string, type: "cardinal" | "ordinal" = "cardinal"): PluralCategory[] {
  const categories = new Intl.PluralRules(tag, { type }).resolvedOptions().pluralCategories as readonly string[];
  return PLURAL_CATEGORIES.filter((category) => categories.includes(category));
}

interface ParsedTag {
  readonly tag: string;
  readonly language: string;
  readonly script: string;
  readonly region: string;
}

function parseTag(tag: string): ParsedTag {
  const maximized = new Intl.Locale(tag).maximize();
  return { tag, language: maximized.language, script: maximized.script ?? "", region: maximized.region ?? "" };
}

/**
 * How well a supported language serves a requested one: 3 = same language, script and likely region; 2 = same
 * language and script (pt-BR asked, pt-PT offered); 0 = no match. Scripts must agree, since a reader of zh-Hant
 * cannot read zh-Hans and sr-Latn is not sr-Cyrl.
 */
function matchScore(requested: ParsedTag, supported: ParsedTag): number {
  if (requested.language !== supported.language || requested.script !== supported.script) return 0;
  return requested.region === supported.region ? 3 : 2;
}

/**
 * Validates and canonicalises a requested-languages list (a single tag or a priority-ordered list, as in
 * `navigator.languages` or a parsed `Accept-Language`).
 *
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed tag.
 */
function canonicalizeRequested(requested: unknown, context: string): string[] {
  const check = createValidator(context);
  const list: unknown[] = typeof requested === "string" ? [requested] : Array.isArray(requested) ? requested : [];
  if (typeof requested !== "string" && !Array.isArray(requested)) {
    check.fail("requested", `must be a BCP 47 tag or an array of them, got ${describeType(requested)}`);
  }
  const tags: string[] = [];
  list.forEach((tag, index) => {
    const canonical = canonicalizeLanguageTag(tag);
    if (canonical === undefined) {
      check.fail(`requested.${index}`, `must be a well-formed BCP 47 tag such as "pt-BR", got ${describeType(tag)}`);
    } else tags.push(canonical);
  });
  check.done();
  return tags;
}

/**
 * Picks the best supported language for a user's priority-ordered preferences (BCP 47 lookup with likely-subtag
 * matching): the first requested tag that any supported language serves wins; among supported languages the one
 * with the same region beats one with only the same script. Falls back to `defaultLanguage`.
 *
 * @param requested - One tag or a priority-ordered list (e.g. `navigator.languages`).
 * @param supportedLanguages - Canonical supported tags, in preference order for ties.
 * @param defaultLanguage - One of `supportedLanguages`, used when nothing matches.
 * @returns The resolution with its fallback chain, direction and plural categories.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `requested` holds a malformed tag or is not a string/array.
 * @example
 * ```ts
 * resolveLanguage(["pt-BR", "fr-CA"], ["en", "es", "fr"], "en").language; // "fr"
 * ```
 */
export function resolveLanguage(
  requested: string | readonly string[],
  supportedLanguages: readonly string[],
  defaultLanguage: string,
): LanguageResolution {
  const wanted = canonicalizeRequested(requested, "negotiateLanguage").map(parseTag);
  const offered = supportedLanguages.map(parseTag);
  let chosen: ParsedTag | undefined;
  let matchedFrom: string | null = null;
  for (const want of wanted) {
    let bestScore = 0;
    for (const offer of offered) {
      const score = matchScore(want, offer);
      if (score > bestScore) {
        bestScore = score;
        chosen = offer;
      }
    }
    if (bestScore > 0) {
      matchedFrom = want.tag;
      break;
    }
  }
  const language = chosen?.tag ?? defaultLanguage;
  const chain = [language];
  // Parents by truncation (zh-Hant-TW → zh-Hant), kept only when they still write the same script.
  const own = parseTag(language);
  const subtags = language.split("-");
  for (let length = subtags.length - 1; length >= 1; length--) {
    const parent = subtags.slice(0, length).join("-");
    const parsed = parseTag(parent);
    if (parsed.script === own.script && supportedLanguages.includes(parent)) chain.push(parent);
  }
  if (!chain.includes(defaultLanguage)) chain.push(defaultLanguage);
  const direction = getTextDirection(language);
  return {
    language,
    matchedFrom,
    isDefault: chosen === undefined,
    fallbackChain: chain,
    direction,
    rtl: direction === "rtl",
    pluralCategories: getPluralCategories(language),
  };
}
