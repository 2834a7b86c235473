/**
 * Where a rendered report goes: into memory, into a caller's writable stream, or into a file that appears under
 * its final name only once complete (written to a temporary file beside it, then renamed).
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** How many bytes a writer may be ahead of its destination. */
const WRITE_AHEAD_BYTES = 1 << 20;

/** Renders a report into a stream and ends it. */
export type ReportWriter = (destination: Writable) => Promise<void>;

/**
 * Runs `write` into `destination` through a byte counter and resolves with the bytes written once the destination
 * has finished. A failing destination rejects at once (the writer is abandoned rather than awaited, as some writers
 * never settle once their stream is gone); a failing writer destroys the destination.
 */
export async function pump(write: ReportWriter, destination: Writable): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    // Room for a few of a writer's blocks, so it makes the next one while the destination writes the last.
    writableHighWaterMark: WRITE_AHEAD_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // Writes that land after a failure must not surface as an unhandled 'error' event.
  counter.on("error", () => {});
  const piping = pipeline(counter, destination);
  const writing = write(counter).catch((error: unknown) => {
    counter.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  piping.catch(() => {});
  writing.catch(() => {});
  await Promise.race([Promise.all([writing, piping]), piping]);
  return bytes;
}

/** Renders into memory. */
export async function renderToBytes(write: ReportWriter): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pump(write, sink);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Renders into a temporary file beside `path`, then renames it to `path`; on any failure the temporary file is
 * removed, so `path` either holds the complete report or is untouched.
 */
export async function renderToFile(write: ReportWriter, path: string): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.partial`);
  try {
    const bytes = await pump(write, createWriteStream(temporary, { flags: "wx" }));
    await rename(temporary, path);
    return bytes;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
