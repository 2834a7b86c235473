/** What the page runs for `@pelbiot/core`: ids, typed events, memory storage with compare-and-set, retry. */
import {
  createIdGenerator,
  createJsonStore,
  createMemoryStorage,
  isUuidV7,
  PelbiotError,
  retry,
  TypedEventEmitter,
  uuidv7,
  uuidv7Timestamp,
} from "@pelbiot/core";

interface OrderEvents {
  order_created: [order: { id: string; quantity: number }];
}

export async function smoke() {
  const before = Date.now();
  const id = uuidv7();
  const orderIds = createIdGenerator({ prefix: "order" });
  const generated = Array.from({ length: 50 }, () => orderIds.next());

  const desk = new TypedEventEmitter<OrderEvents>();
  const seen: string[] = [];
  desk.on("order_created", (order) => seen.push(`${order.id}×${order.quantity}`));
  desk.emit("order_created", { id: "o-1", quantity: 2 });

  const storage = createMemoryStorage();
  const counters = createJsonStore<{ count: number }>(storage, { prefix: "counters:" });
  await Promise.all(
    Array.from({ length: 20 }, () => counters.update("visits", (current) => ({ count: (current?.count ?? 0) + 1 }))),
  );
  const staleWrite = await storage.compareAndSet("counters:visits", "not-the-version", "{}");

  let attempts = 0;
  const retried = await retry(
    async () => {
      attempts += 1;
      if (attempts < 3) throw new PelbiotError("TIMEOUT", "simulated timeout");
      return "recovered";
    },
    { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 2 },
  );

  let validation = "";
  try {
    createIdGenerator({ prefix: 42 } as never);
  } catch (error) {
    validation = PelbiotError.is(error) ? error.code : "not a PelbiotError";
  }

  return {
    uuidV7: isUuidV7(id),
    timestampNow: uuidv7Timestamp(id) >= before - 1 && uuidv7Timestamp(id) <= Date.now() + 1,
    idsSorted: generated.every((value, index) => index === 0 || (generated[index - 1] ?? "") < value),
    idsPrefixed: generated.every((value) => value.startsWith("order")),
    events: seen,
    visits: (await counters.get("visits"))?.count,
    staleWrite,
    retried,
    attempts,
    validation,
  };
}
