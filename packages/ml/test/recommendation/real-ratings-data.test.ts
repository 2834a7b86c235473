import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  implicitPositives,
  leaveLastOut,
  loadRatings,
  type PositiveRow,
  parseRatings,
  type RatingRow,
  randomHoldOut,
} from "../../bench/recommendation/ratings-data";

const SEED = 20_261_203;
const folder = mkdtempSync(join(tmpdir(), "pelbiot-ratings-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Random ratings as MovieLens files hold them: integer ids, half-star ratings, integer timestamps. */
const ratingRows = fc.array(
  fc.record({
    user: fc.integer({ min: 1, max: 30 }).map(String),
    item: fc.integer({ min: 1, max: 60 }).map(String),
    rating: fc.integer({ min: 1, max: 10 }).map((half) => half / 2),
    timestamp: fc.integer({ min: 800_000_000, max: 1_700_000_000 }),
  }),
  { minLength: 1, maxLength: 200 },
);

describe("parseRatings", () => {
  it("reads a u.data file written to disk, tab-separated without a header", () => {
    const file = join(folder, "u.data");
    writeFileSync(file, "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n");
    const loaded = loadRatings({ RATINGS_PATH: file });
    expect(loaded).toEqual({
      format: "u.data",
      source: "RATINGS_PATH (u.data layout)",
      rows: [
        { user: "196", item: "242", rating: 3, timestamp: 881250949 },
        { user: "186", item: "302", rating: 3, timestamp: 891717742 },
        { user: "22", item: "377", rating: 1, timestamp: 878887116 },
      ],
    });
  });

  it("reads ratings.dat (`::`) and a ratings.csv with R's quoted header and CRLF line ends", () => {
    expect(parseRatings("1::1193::5::978300760\n1::661::3::978302109\n").rows).toEqual([
      { user: "1", item: "1193", rating: 5, timestamp: 978300760 },
      { user: "1", item: "661", rating: 3, timestamp: 978302109 },
    ]);
    const csv = parseRatings(
      '"userId","movieId","rating","timestamp"\r\n1,31,2.5,1260759144\r\n1,1029,3,1260759179\r\n',
    );
    expect(csv.format).toBe("ratings.csv");
    expect(csv.rows).toEqual([
      { user: "1", item: "31", rating: 2.5, timestamp: 1260759144 },
      { user: "1", item: "1029", rating: 3, timestamp: 1260759179 },
    ]);
  });

  it("finds columns by name in any order and allows a file without timestamps", () => {
    expect(parseRatings("rating,item_id,user_id\n4,b,a\n").rows).toEqual([
      { user: "a", item: "b", rating: 4, timestamp: undefined },
    ]);
  });

  it("names the line of a bad field and the missing column of a header", () => {
    expect(() => parseRatings("1\t2\tfive\t3\n")).toThrow(/line 1: rating "five" is not a finite number/);
    expect(() => parseRatings("userId,movieId,rating\n1,2,4\n1,,4\n")).toThrow(/line 3: the user or item id is empty/);
    expect(() => parseRatings("userId,title\n1,x\n")).toThrow(/must name a user column \(userId\), an item column/);
    expect(() => parseRatings("\n\n")).toThrow("ratings file is empty");
  });

  it("reads back every generated ratings.csv exactly as an independent CSV parser does", () => {
    fc.assert(
      fc.property(ratingRows, (rows) => {
        const text = `userId,movieId,rating,timestamp\n${rows.map((row) => `${row.user},${row.item},${row.rating},${row.timestamp}`).join("\n")}\n`;
        const file = join(folder, "ratings.csv");
        writeFileSync(file, text);
        const independent = (parse(text, { columns: true }) as Record<string, string>[]).map((record) => ({
          user: record.userId,
          item: record.movieId,
          rating: Number(record.rating),
          timestamp: Number(record.timestamp),
        }));
        const loaded = loadRatings({ RATINGS_PATH: file });
        expect("rows" in loaded && loaded.rows).toEqual(independent);
        expect(independent).toEqual(rows);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe("loadRatings", () => {
  it("takes the first ratings file of a RATINGS_PATH folder and reports what is missing", () => {
    const directory = join(folder, "ml");
    mkdirSync(directory);
    expect(loadRatings({ RATINGS_PATH: directory })).toEqual({
      missing: "RATINGS_PATH is a folder without ratings.csv, u.data, ratings.dat",
    });
    writeFileSync(join(directory, "ratings.dat"), "7::8::4::100\n");
    expect(loadRatings({ RATINGS_PATH: directory })).toMatchObject({ format: "ratings.dat", rows: [{ user: "7" }] });
    expect(loadRatings({ RATINGS_PATH: join(folder, "absent.csv") })).toEqual({
      missing: "RATINGS_PATH names no file",
    });
  });

  it("falls back to the dslabs export through Rscript, and says so when that fails", () => {
    const calls: (readonly string[])[] = [];
    const loaded = loadRatings({}, (args) => {
      calls.push(args);
      return '"userId","movieId","rating","timestamp"\n1,31,4,1260759144\n';
    });
    expect(calls[0]?.[0]).toBe("-e");
    expect(calls[0]?.[1]).toContain("library(dslabs)");
    expect(loaded).toMatchObject({ source: "R package dslabs, data set movielens", rows: [{ item: "31", rating: 4 }] });
    const failing = loadRatings({ RATINGS_PATH: "" }, () => {
      throw new Error("spawnSync Rscript ENOENT\nmore");
    });
    expect(failing).toEqual({
      missing: "RATINGS_PATH is not set and Rscript with the dslabs package failed (spawnSync Rscript ENOENT)",
    });
  });
});

describe("implicitPositives", () => {
  const row = (user: string, item: string, rating: number, timestamp = 0): RatingRow => ({
    user,
    item,
    rating,
    timestamp,
  });

  it("keeps ratings at or above the threshold once per pair, then filters items before users", () => {
    const rows = [
      row("a", "x", 4),
      row("a", "x", 5), // a repeated pair keeps its first row
      row("a", "y", 3.5),
      row("a", "z", 4.5),
      row("b", "x", 5),
      row("b", "z", 4),
      row("c", "x", 4),
      row("c", "w", 5), // w has one positive: dropped, and then c has one positive left: dropped
    ];
    const kept = implicitPositives(rows, { threshold: 4, minItemPositives: 2, minUserPositives: 2 });
    expect(kept.map((positive) => `${positive.user}${positive.item}${positive.order}`)).toEqual([
      "ax0",
      "az3",
      "bx4",
      "bz5",
    ]);
  });
});

const positives = fc
  .array(
    fc.record({
      user: fc.constantFrom("u1", "u2", "u3", "u4"),
      item: fc.integer({ min: 0, max: 40 }).map((item) => `i${item}`),
      timestamp: fc.integer({ min: 0, max: 50 }),
    }),
    { maxLength: 120 },
  )
  .map((rows) => {
    const seen = new Set<string>();
    return rows
      .filter((row) => !seen.has(`${row.user}/${row.item}`) && seen.add(`${row.user}/${row.item}`))
      .map((row, order): PositiveRow => ({ ...row, order }));
  });

function countsByUser(rows: readonly PositiveRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.user, (counts.get(row.user) ?? 0) + 1);
  return counts;
}

describe("hold-outs", () => {
  it("random: every positive lands in exactly one side, a rounded 20% per user (at least one), the same for a seed", () => {
    fc.assert(
      fc.property(positives, fc.integer({ min: 0, max: 1_000 }), (rows, seed) => {
        const split = randomHoldOut(rows, 0.2, seed);
        const trainKeys = split.train.map((row) => `${row.user}/${row.item}`);
        const testKeys = [...split.test].flatMap(([user, items]) => [...items].map((item) => `${user}/${item}`));
        expect(new Set([...trainKeys, ...testKeys]).size).toBe(rows.length);
        expect(trainKeys.length + testKeys.length).toBe(rows.length);
        for (const [user, count] of countsByUser(rows)) {
          const expected = count < 2 ? 0 : Math.min(count - 1, Math.max(1, Math.round(0.2 * count)));
          expect(split.test.get(user)?.size ?? 0).toBe(expected);
        }
        for (let index = 1; index < split.train.length; index += 1) {
          const [before, after] = [split.train[index - 1] as PositiveRow, split.train[index] as PositiveRow];
          expect(
            (before.timestamp ?? 0) < (after.timestamp ?? 0) ||
              (before.timestamp === after.timestamp && before.order < after.order),
          ).toBe(true);
        }
        expect(randomHoldOut(rows, 0.2, seed)).toEqual(split);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("leave-last-out: each user with two or more positives loses exactly its latest one", () => {
    fc.assert(
      fc.property(positives, (rows) => {
        const split = leaveLastOut(rows);
        for (const [user, count] of countsByUser(rows)) {
          const own = rows.filter((row) => row.user === user);
          const latest = Math.max(...own.map((row) => row.timestamp ?? 0));
          const held = [...(split.test.get(user) ?? [])];
          expect(held.length).toBe(count < 2 ? 0 : 1);
          if (held.length === 1) {
            const heldRow = own.find((row) => row.item === held[0]) as PositiveRow;
            expect(heldRow.timestamp).toBe(latest);
            expect(own.every((row) => row.timestamp !== latest || row.order <= heldRow.order)).toBe(true);
          }
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(() => leaveLastOut([{ user: "a", item: "b", timestamp: undefined, order: 0 }])).toThrow(/timestamp/);
  });
});
