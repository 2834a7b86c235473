import { createValidator, readSnapshot } from "@pelbiot/core";
import { canonicalLocale, compileTemplateParts, type StoredTemplate, type TemplateRegistry } from "./template-registry";

/** The `format` of a {@link MessagingIntegrationSnapshot}. */
export const MESSAGING_INTEGRATION_FORMAT = "pelbiot.integrations.MessagingIntegration";

const CONTEXT = "MessagingIntegration.fromJSON";

/** One template in a snapshot. */
export interface TemplateSnapshot {
  /** The template's id. */
  readonly id: string;
  /** Its locale, or `null` for the fallback template. */
  readonly locale: string | null;
  /** The plain-text template source. */
  readonly text: string;
  /** The e-mail subject template, or `null`. */
  readonly subject: string | null;
  /** The HTML template, or `null`. */
  readonly html: string | null;
}

/**
 * What `MessagingIntegration.toJSON()` writes: the templates. Providers are not in it (they hold credentials), nor
 * are message records (they live in `storage`).
 */
export interface MessagingIntegrationSnapshot {
  /** Always `MESSAGING_INTEGRATION_FORMAT`. */
  readonly format: typeof MESSAGING_INTEGRATION_FORMAT;
  /** The snapshot layout's version. */
  readonly version: 1;
  /** Every template, each locale its own entry. */
  readonly templates: readonly TemplateSnapshot[];
}

/**
 * Writes the snapshot of an integration's templates.
 *
 * @param templates - The registry.
 * @returns Plain JSON values.
 */
export function toMessagingIntegrationSnapshot(templates: TemplateRegistry): MessagingIntegrationSnapshot {
  return {
    format: MESSAGING_INTEGRATION_FORMAT,
    version: 1,
    templates: templates.list().map((template) => ({
      id: template.id,
      locale: template.locale,
      text: template.text.source,
      subject: template.subject?.source ?? null,
      html: template.html?.source ?? null,
    })),
  };
}

/**
 * Reads a snapshot written by `toJSON()` and compiles every template.
 *
 * @param json - The snapshot object or its JSON text.
 * @returns The templates to restore.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed template.
 * @throws {PelbiotError} UNSUPPORTED for a version written by a newer release.
 */
export function fromMessagingIntegrationSnapshot(json: unknown): StoredTemplate[] {
  const { snapshot } = readSnapshot(json, { context: CONTEXT, format: MESSAGING_INTEGRATION_FORMAT, versions: [1] });
  const check = createValidator(CONTEXT);
  const templates: StoredTemplate[] = [];
  const seen = new Set<string>();
  if (check.array("json.templates", snapshot.templates)) {
    snapshot.templates.forEach((candidate, index) => {
      const path = `json.templates.${index}`;
      if (!check.object(path, candidate)) return;
      const { id, locale, text, subject, html } = candidate;
      const ok = [
        check.string(`${path}.id`, id, { minLength: 1, maxLength: 200 }),
        check.string(`${path}.text`, text, { minLength: 1 }),
        subject === null || check.string(`${path}.subject`, subject, { minLength: 1 }),
        html === null || check.string(`${path}.html`, html, { minLength: 1 }),
        locale === null ||
          (check.string(`${path}.locale`, locale) &&
            check.check(
              canonicalLocale(locale) === locale,
              `${path}.locale`,
              "must be a canonical BCP 47 tag or null",
            )),
      ].every(Boolean);
      if (!ok) return;
      const key = `${id as string}\u0000${(locale as string | null) ?? ""}`;
      if (!check.check(!seen.has(key), path, "repeats the id and locale of an earlier template")) return;
      seen.add(key);
      const compiled = compileTemplateParts({
        text: text as string,
        subject: (subject as string | null) ?? undefined,
        html: (html as string | null) ?? undefined,
      });
      for (const [part, error] of Object.entries(compiled.errors)) check.fail(`${path}.${part}`, error);
      if (compiled.text !== undefined && Object.keys(compiled.errors).length === 0) {
        templates.push({
          id: id as string,
          locale: locale as string | null,
          text: compiled.text,
          subject: compiled.subject,
          html: compiled.html,
        });
      }
    });
  }
  check.done();
  return templates;
}
