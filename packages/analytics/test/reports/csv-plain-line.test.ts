// The fast path of the CSV export must write exactly what csv-stringify writes, for any record it accepts.
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainCsvLine } from "../../src/reports/csv-plain-line";
import { csvRecordOptions } from "../../src/reports/csv-report-writer";

// Every delimiter the export accepts is one character other than a quote or a line break: the usual ones, and
// characters that numbers, dates or text are made of.
const DELIMITER = fc.oneof(
  fc.constantFrom(",", ";", "\t", "|", " ", ".", "-", "+", "e", "E", "0", "5", "I", "N", "a", ":", "T", "Z", "'", "\\"),
  fc.constantFrom("]", "^", "[", "é", "€", "\u00a0", "\u2028", "\ud83d"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((text) => !/["\r\n]/.test(text)),
);
// Mostly harmless characters, so that records the fast path writes are common, with now and then one that needs
// quoting: a record with a single such cell must still go to csv-stringify.
const TEXT_UNIT = fc.oneof(
  {
    arbitrary: fc.constantFrom("a", "Z", "0", " ", "\t", "=", "-", "+", "@", "'", "é", "ł", "€", "\ufeff", "\ud83d"),
    weight: 8,
  },
  { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.constantFrom('"', ",", ";", "\r", "\n", "|", "."), weight: 1 },
);
const NUMBER = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 1e-7, -1e-7),
  fc.constantFrom(Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1 + 0.2),
);
const CELL = fc.oneof(
  { arbitrary: fc.string({ unit: TEXT_UNIT, maxLength: 12 }), weight: 4 },
  { arbitrary: NUMBER, weight: 4 },
  { arbitrary: fc.constantFrom("", null, undefined), weight: 2 },
  { arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), weight: 2 },
  // Left to csv-stringify: the fast path must say so rather than write them.
  {
    arbitrary: fc.oneof(fc.date({ noInvalidDate: true }), fc.boolean(), fc.bigInt(), fc.constant({ a: 1 })),
    weight: 1,
  },
);

function csvStringifyLine(cells: readonly unknown[], delimiter: string): string {
  return stringify([cells], csvRecordOptions(delimiter));
}

describe("plainCsvLine", () => {
  it("writes byte for byte what csv-stringify writes, whenever it writes a record at all (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.array(CELL, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
          // Records drawn from a few cells, so the same cell often comes back in the same column.
          fc.array(CELL, { minLength: 1, maxLength: 4 }).chain((pool) =>
            fc.array(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 4 }), {
              minLength: 2,
              maxLength: 8,
            }),
          ),
        ),
        DELIMITER,
        (records, delimiter) => {
          // One joiner for all the records, as in an export: what it remembers of a record must not leak into the next.
          const line = plainCsvLine(delimiter);
          for (const cells of records) {
            const written = line?.(cells);
            if (written !== undefined) expect(`${written}\r\n`).toBe(csvStringifyLine(cells, delimiter));
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("writes every record of numbers, ISO dates, empty statistics and plain names when the delimiter is not in them (property)", () => {
    const plainCell = fc.oneof(
      NUMBER,
      fc.constant(null),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.string({ unit: fc.constantFrom("a", "z", "_", " ", "é", "€", "=", "-", "@", "'") }),
    );
    fc.assert(
      fc.property(
        fc.array(plainCell, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(",", ";", "\t", "|"),
        (cells, delimiter) => {
          const line = plainCsvLine(delimiter)?.(cells);
          expect(line).toBeDefined();
          expect(`${line}\r\n`).toBe(csvStringifyLine(cells, delimiter));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("leaves to csv-stringify every record with a cell that needs quoting or is not text, a number or empty", () => {
    const line = plainCsvLine(",");
    for (const cell of ['a"b', "a,b", "a\rb", "a\nb", new Date(0), true, 1n, { a: 1 }, [1]]) {
      expect(line?.(["x", cell, 1])).toBeUndefined();
    }
    expect(plainCsvLine(".")?.([1.5])).toBeUndefined();
    expect(plainCsvLine("-")?.([-1])).toBeUndefined();
    expect(plainCsvLine("e")?.([1e21])).toBeUndefined();
    expect(plainCsvLine("N")?.([Number.NaN])).toBeUndefined();
    expect(plainCsvLine(".")?.([15])).toBe("15");
    expect(plainCsvLine(",")?.(["", null, undefined, -0, Number.NaN, Number.NEGATIVE_INFINITY])).toBe(
      ",,,0,NaN,-Infinity",
    );
  });

  it("takes no delimiter that is not one character, a quote or a line break", () => {
    for (const delimiter of ["", ";;", '"', "\r", "\n"]) expect(plainCsvLine(delimiter)).toBeUndefined();
  });
});
