/**
 * Keeps the `capacity` best entries seen so far, in O(log capacity) per offer, so a top-10 over 10,000 candidates
 * never sorts the whole candidate list. `isBetter(a, b)` must be a strict total order.
 */
export interface BoundedHeap<T> {
  /** Considers one entry. */
  offer(entry: T): void;
  /** The worst kept entry (the next to be evicted), or `undefined` when empty. */
  worst(): T | undefined;
  /** The kept entries, best first. Empties the heap. */
  drain(): T[];
  /** How many entries are kept. */
  readonly size: number;
}

/**
 * Creates a {@link BoundedHeap}: a min-heap on `isBetter` whose root is the worst kept entry.
 *
 * @param capacity - How many entries to keep (at least 1).
 * @param isBetter - Strict order: `true` when `a` ranks before `b`.
 */
export function createBoundedHeap<T>(capacity: number, isBetter: (a: T, b: T) => boolean): BoundedHeap<T> {
  const heap: T[] = [];
  const swap = (a: number, b: number): void => {
    const held = heap[a] as T;
    heap[a] = heap[b] as T;
    heap[b] = held;
  };
  const siftUp = (start: number): void => {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      // The root holds the worst entry, so a child that is worse than its parent moves up.
      if (!isBetter(heap[parent] as T, heap[child] as T)) return;
      swap(parent, child);
      child = parent;
    }
  };
  const siftDown = (start: number): void => {
    let parent = start;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let worst = parent;
      if (left < heap.length && isBetter(heap[worst] as T, heap[left] as T)) worst = left;
      if (right < heap.length && isBetter(heap[worst] as T, heap[right] as T)) worst = right;
      if (worst === parent) return;
      swap(parent, worst);
      parent = worst;
    }
  };
  return {
    offer(entry) {
      if (heap.length < capacity) {
        heap.push(entry);
        siftUp(heap.length - 1);
      } else if (isBetter(entry, heap[0] as T)) {
        heap[0] = entry;
        siftDown(0);
      }
    },
    worst: () => heap[0],
    drain() {
      const result = heap.splice(0, heap.length);
      return result.sort((a, b) => (isBetter(a, b) ? -1 : isBetter(b, a) ? 1 : 0));
    },
    get size() {
      return heap.length;
    },
  };
}
