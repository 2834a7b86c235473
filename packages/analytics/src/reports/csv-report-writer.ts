import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { escapeFormula } from "./formula-escape";
import { REPORT_COLUMNS, rowValues } from "./report-columns";
import type { Report } from "./report-generator-types";

/** The checked CSV options of one export. */
export interface CsvWriteOptions {
  readonly escapeFormulas: boolean;
  readonly bom: boolean;
  readonly delimiter: string;
}

/**
 * Streams the report's bucket rows as RFC 4180 CSV (CRLF line ends, quoting by csv-stringify) into `destination`
 * and ends it. Empty statistics are empty fields; string cells are made inert unless `escapeFormulas` is off.
 */
export async function writeCsvReport(report: Report, destination: Writable, options: CsvWriteOptions): Promise<void> {
  const text = options.escapeFormulas ? escapeFormula : (value: string) => value;
  function* records(): Generator<(string | number | null)[]> {
    for (const row of report.rows) {
      const values = rowValues(row);
      values[2] = text(values[2]);
      yield values;
    }
  }
  const stringifier = stringify({
    header: true,
    columns: [...REPORT_COLUMNS],
    bom: options.bom,
    delimiter: options.delimiter,
    record_delimiter: "\r\n",
  });
  await pipeline(Readable.from(records()), stringifier, destination);
}
