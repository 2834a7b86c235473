// Offline sync throughput: 10,000 queued mutations pushed, applied and acknowledged through the coordinator
// (target: under 1 s), next to the raw cost of the same number of plain Map writes and JSON round trips.
import { createManualClock } from "@pelbiot/core";
import { createInMemorySyncTransport, OfflineSyncManager } from "../src/index";
import { createSyncCoordinator } from "../src/server/index";

const MUTATIONS = 10_000;

export default async function run(): Promise<void> {
  const rows: string[] = [];
  for (let round = 1; round <= 3; round += 1) {
    const device = new OfflineSyncManager({
      clock: createManualClock(Date.UTC(2026, 0, 1)),
      maxOfflineRecords: MUTATIONS,
    });
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const queueStart = performance.now();
    for (let index = 0; index < MUTATIONS; index += 1) {
      await device.saveOfflineData("bench", { type: "create", entity: "item", data: { index, name: `item ${index}` } });
    }
    const queued = performance.now() - queueStart;
    const syncStart = performance.now();
    const report = await device.sync("bench", transport);
    const synced = performance.now() - syncStart;
    if (report.pushed !== MUTATIONS || report.pending !== 0) throw new Error("sync benchmark did not drain the queue");

    // Baseline: the bare data movement, one Map write and one JSON round trip per mutation.
    const baselineStart = performance.now();
    const map = new Map<string, string>();
    for (let index = 0; index < MUTATIONS; index += 1) {
      map.set(`k${index}`, JSON.stringify(JSON.parse(JSON.stringify({ index, name: `item ${index}` }))));
    }
    const baseline = performance.now() - baselineStart;
    rows.push(
      `| ${round} | ${queued.toFixed(0)} | ${synced.toFixed(0)} | ${baseline.toFixed(1)} | ${(synced / baseline).toFixed(0)}× |`,
    );
  }
  console.log(
    `${MUTATIONS.toLocaleString("en")} mutations: queue on the device, then one sync round (push, apply, acknowledge)\n`,
  );
  console.log("| round | queue (ms) | push + apply + ack (ms) | raw Map + JSON baseline (ms) | sync / baseline |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
}
