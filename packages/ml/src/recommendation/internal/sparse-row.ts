/**
 * One row of a sparse non-negative matrix (a user's items or an item's users), kept as parallel arrays so the
 * scoring loops iterate plain arrays instead of Map entries.
 */
export interface SparseRow {
  /** Column index → position in `columns` / `values`. */
  readonly positions: Map<number, number>;
  /** Column indices, in insertion order. */
  readonly columns: number[];
  /** Values aligned with `columns`. */
  readonly values: number[];
}

/** Creates an empty {@link SparseRow}. */
export function createSparseRow(): SparseRow {
  return { positions: new Map(), columns: [], values: [] };
}

/** The value at `column`, or 0 when the row has none. */
export function getRowValue(row: SparseRow, column: number): number {
  const position = row.positions.get(column);
  return position === undefined ? 0 : (row.values[position] as number);
}

/** Sets `column` to `value` (adding the column when it is new). */
export function setRowValue(row: SparseRow, column: number, value: number): void {
  const position = row.positions.get(column);
  if (position === undefined) {
    row.positions.set(column, row.columns.length);
    row.columns.push(column);
    row.values.push(value);
  } else {
    row.values[position] = value;
  }
}
