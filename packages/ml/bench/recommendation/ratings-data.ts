// Real explicit ratings for the recommendation benchmark: reads MovieLens-style rating files, turns them into implicit
// feedback (rating ≥ 4) and splits each user's positives into training and held-out items. Nothing here imports the
// engine: the protocol must not share code with what it measures.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** One explicit rating. */
export interface RatingRow {
  readonly user: string;
  readonly item: string;
  readonly rating: number;
  /** Seconds since 1970, when the file has them. */
  readonly timestamp: number | undefined;
}

/**
 * The layouts read: MovieLens 100k `u.data` (tab-separated `user item rating timestamp`, no header), MovieLens 1M/10M
 * `ratings.dat` (`user::item::rating::timestamp`) and MovieLens `ratings.csv` (comma-separated with a header naming
 * `userId`, `movieId`, `rating` and optionally `timestamp`; `user_id`/`item_id`/`movie_id` are accepted too).
 */
export type RatingsFormat = "u.data" | "ratings.dat" | "ratings.csv";

/** A parsed ratings file. */
export interface ParsedRatings {
  readonly format: RatingsFormat;
  readonly rows: readonly RatingRow[];
}

const USER_COLUMNS = ["userid", "user_id", "user"];
const ITEM_COLUMNS = ["movieid", "movie_id", "itemid", "item_id", "item"];

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

function numberAt(text: string, what: string, line: number): number {
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    throw new Error(`ratings line ${line}: ${what} ${JSON.stringify(text)} is not a finite number`);
  }
  return value;
}

function rowOf(fields: readonly string[], columns: readonly [number, number, number, number], line: number): RatingRow {
  const [userColumn, itemColumn, ratingColumn, timeColumn] = columns;
  const user = unquote(fields[userColumn] ?? "");
  const item = unquote(fields[itemColumn] ?? "");
  if (user === "" || item === "") throw new Error(`ratings line ${line}: the user or item id is empty`);
  const rating = numberAt(unquote(fields[ratingColumn] ?? ""), "rating", line);
  const time = timeColumn < 0 ? undefined : unquote(fields[timeColumn] ?? "");
  const timestamp = time === undefined || time === "" ? undefined : numberAt(time, "timestamp", line);
  return { user, item, rating, timestamp };
}

/**
 * Parses a ratings file, recognising its layout from the first non-empty line.
 *
 * @param text - The file's text.
 * @returns The layout and one row per rating, in file order.
 * @throws Error naming the line when a field is missing or not a number, or when a CSV header lacks a column.
 */
export function parseRatings(text: string): ParsedRatings {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) throw new Error("ratings file is empty");
  const head = lines[first] as string;
  const rows: RatingRow[] = [];
  if (head.includes("::") || head.includes("\t")) {
    const format: RatingsFormat = head.includes("::") ? "ratings.dat" : "u.data";
    const separator = format === "ratings.dat" ? "::" : "\t";
    for (let index = first; index < lines.length; index += 1) {
      const line = lines[index] as string;
      if (line.trim() === "") continue;
      const fields = line.split(separator);
      if (fields.length < 3) throw new Error(`ratings line ${index + 1}: expected user, item, rating[, timestamp]`);
      rows.push(rowOf(fields, [0, 1, 2, fields.length > 3 ? 3 : -1], index + 1));
    }
    return { format, rows };
  }
  const header = head.split(",").map((name) => unquote(name).toLowerCase());
  const find = (names: readonly string[]): number => header.findIndex((name) => names.includes(name));
  const columns = [find(USER_COLUMNS), find(ITEM_COLUMNS), find(["rating"]), find(["timestamp"])] as const;
  if (columns[0] < 0 || columns[1] < 0 || columns[2] < 0) {
    throw new Error(
      `ratings.csv header ${JSON.stringify(head)} must name a user column (userId), an item column (movieId) and rating`,
    );
  }
  for (let index = first + 1; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (line.trim() === "") continue;
    rows.push(rowOf(line.split(","), columns, index + 1));
  }
  return { format: "ratings.csv", rows };
}

/** Where the ratings came from, for the report (never a machine path). */
export interface LoadedRatings extends ParsedRatings {
  readonly source: string;
}

const FILE_NAMES = ["ratings.csv", "u.data", "ratings.dat"];

/**
 * The R expression that prints the `movielens` data frame of the dslabs package (MovieLens "latest-small" as of
 * 2016) as `ratings.csv`. Debian ships dslabs as `r-cran-dslabs`; CRAN as `dslabs`.
 */
export const DSLABS_EXPORT =
  'suppressMessages(library(dslabs)); data(movielens); write.csv(movielens[, c("userId", "movieId", "rating", "timestamp")], stdout(), row.names = FALSE)';

/**
 * Loads the benchmark's ratings: the file (or the first of `ratings.csv`, `u.data`, `ratings.dat` in the folder) named
 * by `RATINGS_PATH`, else the MovieLens ratings bundled with R's dslabs package through `Rscript`.
 *
 * @param environment - Where `RATINGS_PATH` is read. @default process.env
 * @param runRscript - Runs Rscript with the given arguments and returns what it prints (replaceable in tests).
 * @returns The ratings, or a reason why none could be loaded.
 */
export function loadRatings(
  environment: Readonly<Record<string, string | undefined>> = process.env,
  runRscript: (args: readonly string[]) => string = (args) =>
    execFileSync("Rscript", args, { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] }),
): LoadedRatings | { readonly missing: string } {
  const path = environment.RATINGS_PATH;
  if (path !== undefined && path !== "") {
    let file = path;
    if (existsSync(path) && statSync(path).isDirectory()) {
      const name = FILE_NAMES.find((candidate) => existsSync(join(path, candidate)));
      if (name === undefined) return { missing: `RATINGS_PATH is a folder without ${FILE_NAMES.join(", ")}` };
      file = join(path, name);
    }
    if (!existsSync(file)) return { missing: "RATINGS_PATH names no file" };
    const parsed = parseRatings(readFileSync(file, "utf8"));
    return { ...parsed, source: `RATINGS_PATH (${parsed.format} layout)` };
  }
  let text: string;
  try {
    text = runRscript(["-e", DSLABS_EXPORT]);
  } catch (error) {
    const first = String(error instanceof Error ? error.message : error).split("\n")[0];
    return { missing: `RATINGS_PATH is not set and Rscript with the dslabs package failed (${first})` };
  }
  return { ...parseRatings(text), source: "R package dslabs, data set movielens" };
}

/** One implicit-feedback event: the user rated the item at or above the threshold. */
export interface PositiveRow {
  readonly user: string;
  readonly item: string;
  readonly timestamp: number | undefined;
  /** Position in the ratings file, the tie-breaker for equal timestamps. */
  readonly order: number;
}

/**
 * Keeps the ratings at or above `threshold` as implicit positives (a repeated user-item pair keeps its first row),
 * then drops items with fewer than `minItemPositives` positives and, after that, users with fewer than
 * `minUserPositives` (one pass each, in that order).
 *
 * @param rows - The ratings.
 * @param settings - The threshold and the two minimum counts.
 * @returns The positives in file order.
 */
export function implicitPositives(
  rows: readonly RatingRow[],
  settings: { readonly threshold: number; readonly minItemPositives: number; readonly minUserPositives: number },
): PositiveRow[] {
  const seen = new Set<string>();
  const kept: PositiveRow[] = [];
  rows.forEach((row, order) => {
    if (row.rating < settings.threshold) return;
    const key = `${row.user}\u0000${row.item}`;
    if (seen.has(key)) return;
    seen.add(key);
    kept.push({ user: row.user, item: row.item, timestamp: row.timestamp, order });
  });
  const count = (rowsToCount: readonly PositiveRow[], key: (row: PositiveRow) => string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const row of rowsToCount) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
    return counts;
  };
  const itemCounts = count(kept, (row) => row.item);
  const popularEnough = kept.filter((row) => (itemCounts.get(row.item) ?? 0) >= settings.minItemPositives);
  const userCounts = count(popularEnough, (row) => row.user);
  return popularEnough.filter((row) => (userCounts.get(row.user) ?? 0) >= settings.minUserPositives);
}

/** Training positives (in time order, then file order) and each test user's held-out items. */
export interface PositiveSplit {
  readonly train: readonly PositiveRow[];
  readonly test: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Time order, file order for equal or missing timestamps. */
export function byTime(a: PositiveRow, b: PositiveRow): number {
  return (a.timestamp ?? 0) - (b.timestamp ?? 0) || a.order - b.order;
}

/** A small seeded generator (mulberry32), so splits are the same on every machine. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function groupByUser(rows: readonly PositiveRow[]): Map<string, PositiveRow[]> {
  const users = new Map<string, PositiveRow[]>();
  for (const row of rows) {
    const list = users.get(row.user);
    if (list === undefined) users.set(row.user, [row]);
    else list.push(row);
  }
  return users;
}

function splitFrom(rows: readonly PositiveRow[], isTest: (row: PositiveRow) => boolean): PositiveSplit {
  const train: PositiveRow[] = [];
  const test = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!isTest(row)) {
      train.push(row);
      continue;
    }
    const items = test.get(row.user);
    if (items === undefined) test.set(row.user, new Set([row.item]));
    else items.add(row.item);
  }
  train.sort(byTime);
  return { train, test };
}

/**
 * Holds out a seeded random `share` of each user's positives (rounded, at least one; users with a single positive
 * keep it for training).
 *
 * @param rows - The positives.
 * @param share - The share held out per user, in (0, 1).
 * @param seed - The generator's seed (users are visited in order of first appearance).
 * @returns The split.
 */
export function randomHoldOut(rows: readonly PositiveRow[], share: number, seed: number): PositiveSplit {
  const random = seededUniform(seed);
  const held = new Set<PositiveRow>();
  for (const list of groupByUser(rows).values()) {
    if (list.length < 2) continue;
    const shuffled = [...list];
    for (let index = shuffled.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other] as PositiveRow, shuffled[index] as PositiveRow];
    }
    const count = Math.min(list.length - 1, Math.max(1, Math.round(share * list.length)));
    for (const row of shuffled.slice(0, count)) held.add(row);
  }
  return splitFrom(rows, (row) => held.has(row));
}

/**
 * Holds out each user's latest positive (by timestamp, the later file row on a tie); users with a single positive keep
 * it for training.
 *
 * @param rows - The positives, every one with a timestamp.
 * @returns The split.
 * @throws Error when a row has no timestamp.
 */
export function leaveLastOut(rows: readonly PositiveRow[]): PositiveSplit {
  if (rows.some((row) => row.timestamp === undefined)) throw new Error("leaveLastOut needs a timestamp on every row");
  const held = new Set<PositiveRow>();
  for (const list of groupByUser(rows).values()) {
    if (list.length < 2) continue;
    held.add(list.reduce((latest, row) => (byTime(row, latest) > 0 ? row : latest)));
  }
  return splitFrom(rows, (row) => held.has(row));
}
