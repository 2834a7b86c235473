/**
 * Backpressure for exceljs's streaming workbook writer, which has none of its own: a committed row's XML is written
 * into the sheet's part of the zip archive whatever the archive has read so far. A sheet's part is queued behind
 * the parts before it and read only at its turn, so a loop that commits 100,000 rows without waiting buffers the
 * whole uncompressed sheet (about 40 MB for 100,000 rows × 10 columns) before the first byte is compressed.
 */
import type { Writable } from "node:stream";

/** The shape of exceljs 4's streaming worksheet this relies on: the XML goes into `stream`, piped to archiver. */
interface StreamingSheet {
  readonly stream?: { readonly pipes?: unknown };
}

/**
 * A writable stream of Node.js or of the `readable-stream` package (which archiver uses): the latter has no
 * `writableNeedDrain`, but both keep `needDrain` in their writable state and emit `drain`.
 */
export interface EntryStream {
  readonly destroyed?: boolean;
  readonly writableNeedDrain?: boolean;
  readonly _writableState?: { readonly needDrain?: boolean; readonly ended?: boolean };
  on(event: "drain" | "close" | "error", listener: () => void): unknown;
  removeListener(event: "drain" | "close" | "error", listener: () => void): unknown;
}

/**
 * The stream the archive reads a streaming worksheet's XML from (archiver's entry stream that exceljs pipes the
 * sheet into), or `undefined` when the sheet does not have that shape (another exceljs version): the export then
 * still works, only without backpressure.
 */
export function sheetEntryStream(sheet: object): EntryStream | undefined {
  const pipes = (sheet as StreamingSheet).stream?.pipes;
  const entry: unknown = Array.isArray(pipes) && pipes.length === 1 ? pipes[0] : undefined;
  return isEntryStream(entry) ? entry : undefined;
}

/** Whether `stream` holds as much as it wants to: the writer should wait for `drain` before writing more. */
export function needsDrain(stream: EntryStream): boolean {
  return stream.writableNeedDrain ?? stream._writableState?.needDrain === true;
}

/**
 * Resolves once `stream` can take more (at once when it can already), or once it or `destination` (the stream the
 * archive is written to) has closed or failed: the archive then never reads on, and the writer must stop rather than
 * wait for ever. The writer tells the cases apart with {@link isGone}.
 */
export function whenWritable(stream: EntryStream, destination?: Writable): Promise<void> {
  if (!needsDrain(stream) || isGone(stream) || (destination !== undefined && isGone(destination))) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const settle = (): void => {
      for (const event of ENTRY_EVENTS) stream.removeListener(event, settle);
      for (const event of END_EVENTS) destination?.removeListener(event, settle);
      resolve();
    };
    for (const event of ENTRY_EVENTS) stream.on(event, settle);
    // Only the destination's end counts: its own drains say nothing about the entry the writer waits for.
    for (const event of END_EVENTS) destination?.on(event, settle);
  });
}

const ENTRY_EVENTS = ["drain", "close", "error"] as const;
const END_EVENTS = ["close", "error"] as const;

/** Whether a stream has been destroyed or ended: nothing written to it arrives any more. */
export function isGone(stream: EntryStream | Writable): boolean {
  if ("writableEnded" in stream && stream.writableEnded) return true;
  return stream.destroyed === true || (stream as EntryStream)._writableState?.ended === true;
}

function isEntryStream(value: unknown): value is EntryStream {
  if (typeof value !== "object" || value === null) return false;
  const stream = value as EntryStream;
  return (
    typeof stream.on === "function" &&
    typeof stream.removeListener === "function" &&
    (typeof stream.writableNeedDrain === "boolean" || typeof stream._writableState?.needDrain === "boolean")
  );
}
