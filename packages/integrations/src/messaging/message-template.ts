/** A value a template placeholder accepts. */
export type TemplateValue = string | number | boolean;

type TemplatePart = { readonly literal: string } | { readonly placeholder: string };

/** A parsed `{placeholder}` template. */
export interface CompiledTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** Every placeholder name, each once, in order of first use. */
  readonly placeholders: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a template in the guide's syntax: `{name}` is a placeholder (letters, digits and `_`, not starting with a
 * digit), `{{` and `}}` are a literal brace. Any other brace is an error, so a typo such as `{code` is caught when the
 * template is added rather than sent to a customer.
 *
 * @param source - The template text.
 * @returns The compiled template, or the reason it cannot be parsed.
 */
export function compileTemplate(source: string): CompiledTemplate | { readonly error: string } {
  const parts: TemplatePart[] = [];
  const placeholders: string[] = [];
  let literal = "";
  let index = 0;
  while (index < source.length) {
    const character = source[index];
    const next = source[index + 1];
    if ((character === "{" && next === "{") || (character === "}" && next === "}")) {
      literal += character;
      index += 2;
      continue;
    }
    if (character === "}") {
      return { error: `has an unmatched "}" at position ${index} (write "}}" for a literal brace)` };
    }
    if (character !== "{") {
      literal += character;
      index += 1;
      continue;
    }
    const end = source.indexOf("}", index + 1);
    const name = end === -1 ? "" : source.slice(index + 1, end);
    if (end === -1 || !NAME.test(name)) {
      return {
        error:
          `has a malformed placeholder at position ${index}: placeholders are {name} with letters, digits and "_" ` +
          `(write "{{" for a literal brace)`,
      };
    }
    if (literal !== "") parts.push({ literal });
    literal = "";
    parts.push({ placeholder: name });
    if (!placeholders.includes(name)) placeholders.push(name);
    index = end + 1;
  }
  if (literal !== "") parts.push({ literal });
  return { source, parts, placeholders };
}

/**
 * Lists the placeholders of a template that `data` does not fill.
 *
 * @param template - The compiled template.
 * @param data - The values by placeholder name.
 * @returns The missing names, in order of first use.
 */
export function missingPlaceholders(
  template: CompiledTemplate,
  data: Readonly<Record<string, TemplateValue>>,
): string[] {
  return template.placeholders.filter((name) => !Object.hasOwn(data, name));
}

/**
 * Fills a template; every placeholder must have a value (check with {@link missingPlaceholders} first).
 *
 * @param template - The compiled template.
 * @param data - The values by placeholder name.
 * @param escapeValue - Applied to every value (e.g. {@link escapeHtml} for an HTML body), never to the template's text.
 * @returns The rendered text.
 */
export function renderTemplate(
  template: CompiledTemplate,
  data: Readonly<Record<string, TemplateValue>>,
  escapeValue: (value: string) => string = (value) => value,
): string {
  let output = "";
  for (const part of template.parts) {
    output += "literal" in part ? part.literal : escapeValue(String(data[part.placeholder]));
  }
  return output;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes the five characters that are special in HTML text and attribute values.
 *
 * @param value - Untrusted text.
 * @returns Text safe to place in HTML element content or a quoted attribute.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}
