import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Options as StringifyOptions, stringify } from "csv-stringify/sync";
import { plainCsvLine } from "./csv-plain-line";
import { formulaEscaper } from "./formula-escape";
import { REPORT_COLUMNS } from "./report-columns";
import type { Report } from "./report-generator-types";

/** The checked CSV options of one export. */
export interface CsvWriteOptions {
  readonly escapeFormulas: boolean;
  readonly bom: boolean;
  readonly delimiter: string;
}

/** Rows per block written to the destination: about 350 kB of text, so the file is written in few large writes. */
const ROWS_PER_BLOCK = 4_000;
const RECORD_DELIMITER = "\r\n";

/**
 * csv-stringify's options for the records of an export: CRLF line ends, and quoting of every field that holds a
 * line break. csv-stringify quotes a lone CR or LF only when asked once `record_delimiter` is given, and a
 * spreadsheet reads an unquoted one as the end of the row.
 */
export function csvRecordOptions(delimiter: string): StringifyOptions {
  return { delimiter, record_delimiter: RECORD_DELIMITER, quote_record_delimiter: true };
}

/**
 * Streams the report's bucket rows as RFC 4180 CSV (CRLF line ends, quoting by csv-stringify) into `destination`
 * and ends it. Empty statistics are empty fields; string cells are made inert unless `escapeFormulas` is off.
 *
 * Rows go out in blocks of {@link ROWS_PER_BLOCK}: a row whose cells need no quoting is joined directly (see
 * `plainCsvLine`), and every other run of rows goes through csv-stringify's sync API in one call, which is byte for
 * byte what its stream API writes and several times faster.
 */
export async function writeCsvReport(report: Report, destination: Writable, options: CsvWriteOptions): Promise<void> {
  const rowOptions = csvRecordOptions(options.delimiter);
  const header = stringify([], { ...rowOptions, header: true, columns: [...REPORT_COLUMNS], bom: options.bom });
  const metricText = formulaEscaper(options.escapeFormulas);
  const plainLine = plainCsvLine(options.delimiter);
  function* blocks(): Generator<string> {
    yield header;
    const rows = report.rows;
    // One array reused for every row: the joiner keeps nothing, and a row for csv-stringify is copied.
    const values: unknown[] = [];
    for (let start = 0; start < rows.length; start += ROWS_PER_BLOCK) {
      const lines: string[] = [];
      let careful: unknown[][] = [];
      const end = Math.min(rows.length, start + ROWS_PER_BLOCK);
      for (let index = start; index < end; index += 1) {
        const row = rows[index] as (typeof rows)[number];
        values[0] = row.start;
        values[1] = row.end;
        values[2] = metricText(row.metric);
        values[3] = row.count;
        values[4] = row.sum;
        values[5] = row.mean;
        values[6] = row.min;
        values[7] = row.max;
        values[8] = row.p50;
        values[9] = row.p95;
        const line = plainLine?.(values);
        if (line === undefined) {
          careful.push([...values]);
          continue;
        }
        if (careful.length > 0) {
          lines.push(withoutLastDelimiter(stringify(careful, rowOptions)));
          careful = [];
        }
        lines.push(line);
      }
      if (careful.length > 0) lines.push(withoutLastDelimiter(stringify(careful, rowOptions)));
      // One join per block builds the text once; the empty last line gives it its final record delimiter.
      lines.push("");
      yield lines.join(RECORD_DELIMITER);
    }
  }
  await pipeline(Readable.from(blocks()), destination);
}

/** csv-stringify ends its text with a record delimiter; the block's join puts it back. */
function withoutLastDelimiter(records: string): string {
  return records.slice(0, -RECORD_DELIMITER.length);
}
