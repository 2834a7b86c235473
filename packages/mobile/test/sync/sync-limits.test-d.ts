import type { PelbiotErrorCode } from "@pelbiot/core";
import { describe, expectTypeOf, it } from "vitest";
import type { QuarantinedChange, SyncResult } from "../../src/index";
import { OfflineSyncManager, type SyncReport } from "../../src/index";
import { createSyncCoordinator, type SyncCoordinatorOptions } from "../../src/server/index";
import type { PushResult } from "../../src/sync/sync-protocol";

describe("sync limit types", () => {
  it("reports quarantined changes and types the event", () => {
    expectTypeOf<SyncResult["quarantined"]>().toEqualTypeOf<readonly QuarantinedChange[]>();
    expectTypeOf<SyncReport["quarantined"]>().toEqualTypeOf<readonly QuarantinedChange[]>();
    new OfflineSyncManager().on("change_quarantined", (event) => {
      expectTypeOf(event.deviceId).toEqualTypeOf<string>();
      expectTypeOf(event.change.issues[0]!.path).toEqualTypeOf<string>();
    });
    expectTypeOf<PushResult["code"]>().toEqualTypeOf<PelbiotErrorCode | undefined>();
  });

  it("takes the new coordinator options", () => {
    expectTypeOf<SyncCoordinatorOptions["maxClockDriftMs"]>().toEqualTypeOf<number | undefined>();
    createSyncCoordinator({ maxPushBytes: 2_000_000, maxMutationSize: 100_000, maxClockDriftMs: 60_000 });
    // @ts-expect-error a byte limit is a number
    createSyncCoordinator({ maxPushBytes: "1MB" });
  });
});
