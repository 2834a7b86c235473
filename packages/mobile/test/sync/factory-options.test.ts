import { createMemoryStorage } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { MobileAppConfig } from "../../src/config/mobile-app-config";
import { createAsyncStorageAdapter } from "../../src/storage/async-storage";
import { createRemoteConfigStore } from "../../src/storage/remote-config-store";
import { createWebStorageAdapter } from "../../src/storage/web-storage";
import { createHybridLogicalClock } from "../../src/sync/hybrid-logical-clock";
import { createHttpSyncTransport } from "../../src/sync/sync-transports";

// Every factory with options refuses a misspelt one instead of silently using the default.
describe("factory options", () => {
  it("reject unknown keys with the nearest accepted one", () => {
    expect(
      captureValidationIssues(() => createHttpSyncTransport({ baseUrl: "http://127.0.0.1/sync", timeout: 5 } as never)),
    ).toEqual([
      expect.stringMatching(
        /^options\.timeout: .*did you mean "timeoutMs"\?.*accepted: baseUrl, fetch, headers, timeoutMs$/,
      ),
    ]);
    expect(captureValidationIssues(() => createHybridLogicalClock({ nodeId: "a", maxDrift: 5 } as never))).toEqual([
      expect.stringMatching(/^options\.maxDrift: .*did you mean "maxDriftMs"\?/),
    ]);
    expect(captureValidationIssues(() => createHybridLogicalClock({ nodeId: "a", clock: {} as never }))).toEqual([
      expect.stringMatching(/^options\.clock: must be a Clock/),
    ]);
    const config = new MobileAppConfig();
    expect(
      captureValidationIssues(() => createRemoteConfigStore(config, createMemoryStorage(), { keys: "x" } as never)),
    ).toEqual([expect.stringMatching(/^options\.keys: .*did you mean "key"\?/)]);
    const area = { length: 0, key: () => null, getItem: () => null, setItem() {}, removeItem() {} };
    expect(captureValidationIssues(() => createWebStorageAdapter(area, { namespce: "a:" } as never))).toEqual([
      expect.stringMatching(/^options\.namespce: .*did you mean "namespace"\?/),
    ]);
    const asyncArea = {
      getItem: async () => null,
      setItem: async () => undefined,
      removeItem: async () => undefined,
      getAllKeys: async () => [],
    };
    expect(captureValidationIssues(() => createAsyncStorageAdapter(asyncArea, { prefix: "a:" } as never))).toEqual([
      expect.stringMatching(/^options\.prefix: "prefix" is not a known option; accepted: namespace$/),
    ]);
  });
});
