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
