/**
 * Guide, "Integration Patterns":
 * "Pattern 3: Async Processing Queue"
 *
 * Plain code that runs as written (typed). As written it retries a failing task forever, right away; core's `retry()`
 * is the nearest bounded form (attempts, backoff, only retryable errors), shown below the class.
 */
import { retry } from "@pelbiot/core";

export const title = "Pattern 3: Async Processing Queue";

type Task = () => Promise<void>;

// Queue-based processing
class AsyncProcessor {
  queue: Task[];

  constructor() {
    this.queue = [];
  }

  enqueue(task: Task) {
    this.queue.push(task);
  }

  async processQueue() {
    while (this.queue.length > 0) {
      const task = this.queue.shift() as Task;
      await this.executeTask(task);
    }
  }

  async executeTask(task: Task) {
    try {
      await task();
    } catch (error) {
      console.error("Task failed:", error);
      this.enqueue(task); // Retry
    }
  }
}

export async function run() {
  const done: string[] = [];
  let flakyCalls = 0;
  const processor = new AsyncProcessor();
  processor.enqueue(async () => {
    done.push("a");
  });
  processor.enqueue(async () => {
    flakyCalls += 1;
    if (flakyCalls === 1) throw new Error("temporary failure (expected by this example)");
    done.push("flaky");
  });
  processor.enqueue(async () => {
    done.push("b");
  });
  await processor.processQueue();

  // The bounded form: at most 3 attempts with backoff, then the error surfaces.
  let attempts = 0;
  const value = await retry(
    async () => {
      attempts += 1;
      if (attempts < 2) throw new Error("temporary failure");
      return "ok";
    },
    { maxAttempts: 3, initialDelayMs: 1, shouldRetry: () => true },
  );

  return { done, flakyCalls, value, attempts };
}
