import { type CompiledTemplate, compileTemplate } from "./message-template";
import type { MessageTemplateInfo } from "./messaging-integration-types";

/** A template with its parts compiled. */
export interface StoredTemplate {
  readonly id: string;
  /** The canonical locale, or `null` for the fallback template. */
  readonly locale: string | null;
  readonly text: CompiledTemplate;
  readonly subject: CompiledTemplate | undefined;
  readonly html: CompiledTemplate | undefined;
}

/**
 * Compiles the parts of a template, reporting the first syntax problem of each part.
 *
 * @param parts - The text, subject and HTML sources.
 * @returns The compiled parts, or a problem per part name.
 */
export function compileTemplateParts(parts: {
  readonly text: string;
  readonly subject: string | undefined;
  readonly html: string | undefined;
}): { text?: CompiledTemplate; subject?: CompiledTemplate; html?: CompiledTemplate; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const compiled: { text?: CompiledTemplate; subject?: CompiledTemplate; html?: CompiledTemplate } = {};
  for (const key of ["text", "subject", "html"] as const) {
    const source = parts[key];
    if (source === undefined) continue;
    const result = compileTemplate(source);
    if ("error" in result) errors[key] = result.error;
    else compiled[key] = result;
  }
  return { ...compiled, errors };
}

/**
 * Canonicalises a BCP 47 locale tag (`pt-br` → `pt-BR`).
 *
 * @param locale - The tag given.
 * @returns The canonical tag, or `undefined` when it is not a well-formed tag.
 */
export function canonicalLocale(locale: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return undefined;
  }
}

/** Templates by id and locale, with locale fallback. */
export class TemplateRegistry {
  readonly #templates = new Map<string, Map<string, StoredTemplate>>();

  /** How many templates (id × locale) are held. */
  get size(): number {
    let count = 0;
    for (const byLocale of this.#templates.values()) count += byLocale.size;
    return count;
  }

  /** Whether a template with this id and locale exists. */
  has(id: string, locale: string | null): boolean {
    return this.#templates.get(id)?.has(locale ?? "") ?? false;
  }

  /** Adds or replaces a template. */
  set(template: StoredTemplate): void {
    const byLocale = this.#templates.get(template.id) ?? new Map<string, StoredTemplate>();
    byLocale.set(template.locale ?? "", template);
    this.#templates.set(template.id, byLocale);
  }

  /** Removes one locale of a template, or every locale when `locale` is undefined; returns how many went. */
  delete(id: string, locale: string | null | undefined): number {
    const byLocale = this.#templates.get(id);
    if (byLocale === undefined) return 0;
    if (locale === undefined) {
      this.#templates.delete(id);
      return byLocale.size;
    }
    const removed = byLocale.delete(locale ?? "") ? 1 : 0;
    if (byLocale.size === 0) this.#templates.delete(id);
    return removed;
  }

  /**
   * Finds the template for a locale: the exact tag, then shorter tags (`es-MX` → `es`), then the fallback without a
   * locale.
   */
  resolve(id: string, locale: string | undefined): StoredTemplate | undefined {
    const byLocale = this.#templates.get(id);
    if (byLocale === undefined) return undefined;
    const subtags = locale === undefined ? [] : locale.split("-");
    for (let length = subtags.length; length > 0; length -= 1) {
      const found = byLocale.get(subtags.slice(0, length).join("-"));
      if (found !== undefined) return found;
    }
    return byLocale.get("");
  }

  /** Every template, by id and then locale, in the order they were first added. */
  list(): StoredTemplate[] {
    return [...this.#templates.values()].flatMap((byLocale) => [...byLocale.values()]);
  }

  /** The locales a template id has (`null` for the fallback). */
  locales(id: string): Array<string | null> {
    return [...(this.#templates.get(id)?.keys() ?? [])].map((key) => (key === "" ? null : key));
  }
}

/**
 * The public view of a stored template.
 *
 * @param template - The stored template.
 * @returns Its sources and placeholders.
 */
export function toTemplateInfo(template: StoredTemplate): MessageTemplateInfo {
  const placeholders = new Set<string>();
  for (const part of [template.text, template.subject, template.html]) {
    for (const name of part?.placeholders ?? []) placeholders.add(name);
  }
  return {
    id: template.id,
    locale: template.locale,
    text: template.text.source,
    subject: template.subject?.source ?? null,
    html: template.html?.source ?? null,
    placeholders: [...placeholders],
  };
}
