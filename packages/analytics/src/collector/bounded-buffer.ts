/** A first-in first-out buffer of at most `capacity` items; pushing onto a full buffer evicts the oldest. */
export class BoundedBuffer<T> {
  readonly #items: (T | undefined)[] = [];
  readonly #capacity: number;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends an item; returns the evicted one, or `undefined`. With capacity 0 the item itself is returned. */
  push(item: T): T | undefined {
    if (this.#capacity === 0) return item;
    if (this.#size < this.#capacity) {
      this.#items[(this.#head + this.#size) % this.#capacity] = item;
      this.#size += 1;
      return undefined;
    }
    const evicted = this.#items[this.#head];
    this.#items[this.#head] = item;
    this.#head = (this.#head + 1) % this.#capacity;
    return evicted;
  }

  /** The items, oldest first. */
  toArray(): T[] {
    const result: T[] = [];
    for (let index = 0; index < this.#size; index += 1) {
      result.push(this.#items[(this.#head + index) % this.#capacity] as T);
    }
    return result;
  }

  /** Keeps only the items `keep` accepts (order preserved); returns the removed ones. */
  retain(keep: (item: T) => boolean): T[] {
    const items = this.toArray();
    const removed = items.filter((item) => !keep(item));
    if (removed.length === 0) return removed;
    this.#items.length = 0;
    this.#head = 0;
    this.#size = 0;
    for (const item of items) if (keep(item)) this.push(item);
    return removed;
  }
}
