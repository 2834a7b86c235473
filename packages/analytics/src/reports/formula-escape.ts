/**
 * Neutralises text that a spreadsheet would run as a formula (CSV or formula injection, OWASP): a cell that starts
 * with `=`, `+`, `-`, `@`, tab or carriage return, or any line of a multi-line cell that starts with `=`, `+`, `-`,
 * `@` or tab, gets a `'` in front, so Excel, LibreOffice and Google Sheets show it as text.
 */

// Line starts inside a cell: importers that split multi-line cells would otherwise see a formula there.
const TRIGGER_AT_CELL_START = /^[=+\-@\t\r]/;
const TRIGGER_AT_LINE_START = /([\r\n])([=+\-@\t])/g;

/**
 * Returns `text` with a `'` before every formula trigger at the start of the cell or of one of its lines; text
 * without one is returned as it is.
 *
 * @param text - A string cell.
 * @returns The inert text.
 * @example
 * ```ts
 * escapeFormula("=HYPERLINK(\"https://example.com\")"); // "'=HYPERLINK(\"https://example.com\")"
 * ```
 */
export function escapeFormula(text: string): string {
  const lines = text.replace(TRIGGER_AT_LINE_START, "$1'$2");
  return TRIGGER_AT_CELL_START.test(lines) ? `'${lines}` : lines;
}

/** The most distinct texts one escaper remembers: a report's metric names are far fewer. */
const MAX_REMEMBERED = 1_000;

/**
 * The text of string cells for one export: {@link escapeFormula} when `enabled`, else the text as it is. Each
 * distinct text is escaped once: an export writes the same few metric names on every one of its rows.
 *
 * @param enabled - Whether formulas are escaped (the export's `escapeFormulas` option).
 * @returns The function giving each string cell its text.
 * @example
 * ```ts
 * const text = formulaEscaper(true);
 * text("=1+2"); // "'=1+2"
 * ```
 */
export function formulaEscaper(enabled: boolean): (text: string) => string {
  if (!enabled) return (text) => text;
  const escaped = new Map<string, string>();
  return (text) => {
    let result = escaped.get(text);
    if (result === undefined) {
      result = escapeFormula(text);
      if (escaped.size < MAX_REMEMBERED) escaped.set(text, result);
    }
    return result;
  };
}
