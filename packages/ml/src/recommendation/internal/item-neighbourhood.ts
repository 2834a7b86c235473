import { createBoundedHeap } from "./bounded-heap";
import { compareIds, type InteractionMatrix } from "./interaction-matrix";
import { getRowValue, type SparseRow } from "./sparse-row";

interface NeighbourCacheEntry {
  readonly generation: number;
  readonly similarities: Map<number, number>;
}

/**
 * The item-kNN component with a finite `itemNeighbourhoodSize`: each target item keeps only its k most similar
 * items, cached until the matrix changes.
 */
export class ItemNeighbourhood {
  readonly #matrix: InteractionMatrix;
  readonly #itemNeighbourhoodSize: number;
  readonly #neighbourCache = new Map<number, NeighbourCacheEntry>();

  /**
   * @param matrix - The engine's state.
   * @param itemNeighbourhoodSize - How many neighbours each target keeps.
   */
  constructor(matrix: InteractionMatrix, itemNeighbourhoodSize: number) {
    this.#matrix = matrix;
    this.#itemNeighbourhoodSize = itemNeighbourhoodSize;
  }

  /** Item-kNN score restricted to each target's cached top-k neighbours (finite `itemNeighbourhoodSize`). */
  score(item: number, userRow: SparseRow): number {
    const cached = this.#neighbourCache.get(item);
    let similarities = cached?.generation === this.#matrix.generation ? cached.similarities : undefined;
    if (similarities === undefined) {
      similarities = this.#computeNeighbours(item);
      this.#neighbourCache.set(item, { generation: this.#matrix.generation, similarities });
    }
    let score = 0;
    if (similarities.size < userRow.columns.length) {
      for (const [other, similarity] of similarities) score += similarity * getRowValue(userRow, other);
    } else {
      const { columns, values } = userRow;
      for (let position = 0; position < columns.length; position += 1) {
        score += (similarities.get(columns[position] as number) ?? 0) * (values[position] as number);
      }
    }
    return score;
  }

  /** Dot products of `item` with every co-occurring item, from the rows of the item's users. */
  #itemDots(item: number): Map<number, number> {
    const dots = new Map<number, number>();
    const { columns: users, values: weights } = this.#matrix.itemRows[item] as SparseRow;
    for (let index = 0; index < users.length; index += 1) {
      const weight = weights[index] as number;
      const { columns, values } = this.#matrix.userRows[users[index] as number] as SparseRow;
      for (let position = 0; position < columns.length; position += 1) {
        const other = columns[position] as number;
        if (other === item) continue;
        dots.set(other, (dots.get(other) ?? 0) + weight * (values[position] as number));
      }
    }
    return dots;
  }

  #computeNeighbours(item: number): Map<number, number> {
    const targetScale = this.#matrix.targetScale[item] as number;
    const entries: { other: number; similarity: number }[] = [];
    for (const [other, dot] of this.#itemDots(item)) {
      entries.push({ other, similarity: dot * targetScale * (this.#matrix.sourceScale[other] as number) });
    }
    const itemIds = this.#matrix.itemIds;
    const heap = createBoundedHeap<{ other: number; similarity: number }>(
      Math.max(1, Math.min(this.#itemNeighbourhoodSize, entries.length)),
      (a, b) =>
        a.similarity > b.similarity ||
        (a.similarity === b.similarity && compareIds(itemIds[a.other] as string, itemIds[b.other] as string) < 0),
    );
    for (const entry of entries) heap.offer(entry);
    return new Map(heap.drain().map((entry) => [entry.other, entry.similarity]));
  }
}
