/** How {@link sendInBatches} splits and paces a bulk send. */
export interface BatchPlan<T, R> {
  /** The provider's batch limit for an item; consecutive items of one provider share a batch up to it. */
  readonly batchSize: (item: T) => number;
  /** How many sends are in flight at once within a batch. */
  readonly concurrency: number;
  readonly send: (item: T) => Promise<R>;
}

/**
 * Sends items batch by batch (items grouped by provider, each batch at most that provider's limit), with at most
 * `concurrency` sends in flight; the next batch starts when the previous one has settled, so no provider sees more
 * than one batch at once.
 *
 * @returns The results in the order of `items`; `send` must not reject.
 */
export async function sendInBatches<T extends { readonly provider: string }, R>(
  items: readonly T[],
  plan: BatchPlan<T, R>,
): Promise<R[]> {
  // Group by provider (stably), send, then put the results back in the caller's order.
  const order = items.map((_, index) => index);
  order.sort((a, b) => {
    const left = (items[a] as T).provider;
    const right = (items[b] as T).provider;
    return left < right ? -1 : left > right ? 1 : a - b;
  });
  const grouped = order.map((index) => items[index] as T);
  const sent: R[] = new Array(items.length);
  let start = 0;
  while (start < grouped.length) {
    const first = grouped[start] as T;
    const limit = Math.max(1, plan.batchSize(first));
    let end = start + 1;
    while (end < grouped.length && end - start < limit && (grouped[end] as T).provider === first.provider) end += 1;
    await runPool(start, end, plan, grouped, sent);
    start = end;
  }
  const results: R[] = new Array(items.length);
  order.forEach((index, position) => {
    results[index] = sent[position] as R;
  });
  return results;
}

async function runPool<T, R>(
  start: number,
  end: number,
  plan: BatchPlan<T, R>,
  items: readonly T[],
  results: R[],
): Promise<void> {
  let next = start;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const index = next;
      next += 1;
      results[index] = await plan.send(items[index] as T);
    }
  };
  const workers = Math.min(plan.concurrency, end - start);
  await Promise.all(Array.from({ length: workers }, worker));
}
