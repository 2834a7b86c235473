import { randomUUID } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Report } from "./report-generator-types";

/** The `format` field of the JSON export, naming the model it holds. */
export const REPORT_JSON_FORMAT = "pelbiot.analytics.Report";
/** The `version` field of the JSON export; raised only when the model changes incompatibly. */
export const REPORT_JSON_VERSION = 1;

const ROWS_PER_CHUNK = 1_000;

/**
 * Streams the report as JSON into `destination` and ends it. The text is exactly
 * `JSON.stringify({ format, version, ...report }, null, indent)` plus a final line break, but the rows are written
 * a thousand at a time, so a report of millions of rows never becomes one string.
 */
export async function writeJsonReport(report: Report, destination: Writable, indent: number): Promise<void> {
  await pipeline(Readable.from(jsonChunks(report, indent)), destination);
}

function* jsonChunks(report: Report, indent: number): Generator<string> {
  const document = { format: REPORT_JSON_FORMAT, version: REPORT_JSON_VERSION, ...report };
  // The document without its rows, with a marker where they go: everything around the rows comes from
  // JSON.stringify itself, so only the rows' own formatting is done here.
  const placeholder = `\u0000rows:${randomUUID()}`;
  const marker = JSON.stringify(placeholder);
  const shell = JSON.stringify({ ...document, rows: placeholder }, null, indent);
  const at = shell.indexOf(marker);
  yield shell.slice(0, at);
  // A report always has rows (every period holds at least one bucket per metric); an empty list still reads "[]".
  if (report.rows.length === 0) {
    yield "[]";
  } else {
    const pad = " ".repeat(indent);
    const open = indent === 0 ? "[" : `[\n${pad}${pad}`;
    const separator = indent === 0 ? "," : `,\n${pad}${pad}`;
    const close = indent === 0 ? "]" : `\n${pad}]`;
    const formatRow = (row: unknown) => {
      const text = JSON.stringify(row, null, indent);
      return indent === 0 ? text : text.replaceAll("\n", `\n${pad}${pad}`);
    };
    let chunk = open;
    for (let index = 0; index < report.rows.length; index += 1) {
      chunk += (index === 0 ? "" : separator) + formatRow(report.rows[index]);
      if ((index + 1) % ROWS_PER_CHUNK === 0) {
        yield chunk;
        chunk = "";
      }
    }
    yield chunk + close;
  }
  yield `${shell.slice(at + marker.length)}\n`;
}
