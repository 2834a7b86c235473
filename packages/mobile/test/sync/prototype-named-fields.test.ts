import { createManualClock } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";
import type { ConflictStrategy, RecordData } from "../../src/sync/sync-types";

// Fields named __proto__, constructor and prototype, as JSON.parse produces them (own data properties), must travel
// through every conflict path as data: the merged record keeps Object.prototype and the fields survive on the wire.
const parse = (text: string) => JSON.parse(text) as RecordData;

const strategies: ReadonlyArray<[string, ConflictStrategy]> = [
  ["field-merge", "field-merge"],
  ["client-wins", "client-wins"],
  ["last-writer-wins", "last-writer-wins"],
  ["a custom resolver", (conflict) => ({ data: conflict.local })],
];

describe("fields named like Object.prototype members, through a conflict", () => {
  for (const [name, strategy] of strategies) {
    it(`round-trips with ${name}`, async () => {
      const clock = createManualClock(Date.UTC(2026, 0, 1));
      const coordinator = createSyncCoordinator();
      const transport = createInMemorySyncTransport(coordinator);
      const phone = new OfflineSyncManager({ clock, conflictStrategy: strategy });
      const tablet = new OfflineSyncManager({ clock });
      const created = await phone.saveOfflineData("phone", {
        type: "create",
        entity: "note",
        data: parse('{"title":"t","constructor":"c0"}'),
      });
      await phone.sync("phone", transport);
      await tablet.sync("tablet", transport);
      const recordId = created.recordId;
      await tablet.saveOfflineData("tablet", { type: "update", entity: "note", recordId, data: { title: "remote" } });
      await tablet.sync("tablet", transport);
      clock.advance(1_000);
      await phone.saveOfflineData("phone", {
        type: "update",
        entity: "note",
        recordId,
        data: parse('{"__proto__":{"admin":true},"prototype":{"p":1}}'),
      });
      const report = await phone.sync("phone", transport);
      expect(report.conflicts).toEqual([]);
      await tablet.sync("tablet", transport);

      const server = (await coordinator.getRecord(recordId))?.data ?? null;
      for (const record of [
        server,
        await phone.getRecord("phone", recordId),
        await tablet.getRecord("tablet", recordId),
      ]) {
        expect(record).not.toBeNull();
        expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
        expect((record as { admin?: unknown }).admin).toBeUndefined();
        expect(Object.hasOwn(record as object, "__proto__")).toBe(true);
        expect(JSON.parse(JSON.stringify(record))).toEqual(parse(JSON.stringify(server)));
      }
      expect(JSON.stringify(server)).toContain('"__proto__":{"admin":true}');
      expect(JSON.stringify(server)).toContain('"prototype":{"p":1}');
      expect(JSON.stringify(server)).toContain('"constructor":"c0"');
    });
  }

  it("round-trips through resolveConflict with merged data", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const phone = new OfflineSyncManager({ clock, conflictStrategy: "manual" });
    const tablet = new OfflineSyncManager({ clock });
    const created = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { title: "t" } });
    await phone.sync("phone", transport);
    await tablet.sync("tablet", transport);
    const recordId = created.recordId;
    await tablet.saveOfflineData("tablet", { type: "update", entity: "note", recordId, data: { title: "remote" } });
    await tablet.sync("tablet", transport);
    await phone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { title: "local" } });
    const report = await phone.sync("phone", transport);
    expect(report.conflicts).toHaveLength(1);
    const resolved = await phone.resolveConflict("phone", recordId, {
      data: parse('{"title":"both","__proto__":{"admin":true}}'),
    });
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    await phone.sync("phone", transport);
    const server = (await coordinator.getRecord(recordId))?.data;
    expect(JSON.stringify(server)).toBe('{"title":"both","__proto__":{"admin":true}}');
    expect(Object.getPrototypeOf(server)).toBe(Object.prototype);
  });
});
