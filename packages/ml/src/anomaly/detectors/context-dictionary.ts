/**
 * A bounded dictionary of transitions (a context, i.e. a hashed window of recent levels, followed by a level): the
 * memory of the contextual detector. Internal to the detectors.
 *
 * Memory is fixed at construction: `capacity` entries of a 32-bit tag (the transition's hash) and a last-use stamp,
 * grouped in sets of {@link WAYS}. A transition lives in the set its hash selects; when a new transition finds its
 * set full, it replaces the entry of that set that was used longest ago (least recently used within the set). So a
 * transition that keeps recurring stays, and those evicted are the ones the stream has not made for the longest
 * time: the dictionary forgets old regimes first, never the current one. Lookups and inserts are O({@link WAYS}).
 */

/** Entries per set; a context can sit in any way of its set. */
export const WAYS = 4;

/** A 32-bit finaliser (MurmurHash3's fmix32): spreads the bits of a running hash over the whole word. */
export function mixHash(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) | 0;
}

/** The transitions' memory: tags and stamps in flat typed arrays. */
export class ContextDictionary {
  /** The transition's hash per entry; 0 marks an empty entry (a hash of 0 is stored as 1). */
  readonly tags: Int32Array;
  /** When the entry was last used (the dictionary's clock), for eviction. */
  readonly stamps: Float64Array;
  private readonly setMask: number;
  /** The dictionary's clock: one tick per {@link ContextDictionary.tick}. */
  clock = 0;

  /**
   * @param capacity - Entries, a power of two and at least {@link WAYS}.
   */
  constructor(capacity: number) {
    this.tags = new Int32Array(capacity);
    this.stamps = new Float64Array(capacity);
    this.setMask = capacity / WAYS - 1;
  }

  /** The entry holding `hash`, or −1. */
  find(hash: number): number {
    const tag = hash === 0 ? 1 : hash;
    const start = (hash & this.setMask) * WAYS;
    const { tags } = this;
    for (let way = start; way < start + WAYS; way += 1) if (tags[way] === tag) return way;
    return -1;
  }

  /** Whether `hash` is held (without marking it used). */
  has(hash: number): boolean {
    return this.find(hash) >= 0;
  }

  /**
   * Holds `hash`, marked as used now; a new one evicts its set's least recently used entry when the set is full.
   *
   * @returns Whether `hash` was held already.
   */
  add(hash: number): boolean {
    let entry = this.find(hash);
    const held = entry >= 0;
    if (!held) {
      const start = (hash & this.setMask) * WAYS;
      const { stamps, tags } = this;
      entry = start;
      for (let way = start; way < start + WAYS; way += 1) {
        if (tags[way] === 0) {
          entry = way;
          break;
        }
        if ((stamps[way] as number) < (stamps[entry] as number)) entry = way;
      }
      tags[entry] = hash === 0 ? 1 : hash;
    }
    this.stamps[entry] = this.clock;
    return held;
  }

  /** Advances the clock by one point. */
  tick(): void {
    this.clock += 1;
  }

  /** Transitions held. */
  get size(): number {
    let count = 0;
    for (const tag of this.tags) if (tag !== 0) count += 1;
    return count;
  }
}
