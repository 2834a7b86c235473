import { randomFillSync } from "node:crypto";

// One call into the CSPRNG per 4 KiB instead of one per IV or data key: at the sizes an envelope needs (12-32 bytes)
// the per-call overhead of randomBytes, not the generation, dominates. Node's own randomUUID buffers the same way.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * Returns `size` fresh bytes from the operating system's CSPRNG, served from a pooled buffer. Every byte is handed
 * out once: the pool slot is overwritten with zeros as soon as it is copied out, so the pool never keeps bytes that
 * became a key or an IV.
 *
 * @param size - How many bytes, at most 4096.
 * @returns A new buffer the caller owns.
 */
export function takeRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
