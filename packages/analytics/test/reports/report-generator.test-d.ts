import type { StorageAdapter } from "@pelbiot/core";
import { describe, expectTypeOf, it } from "vitest";
import {
  type Report,
  type ReportFlushResult,
  ReportGenerator,
  type ReportGeneratorSnapshot,
  type ReportStorageFailure,
} from "../../src/reports/report-generator";

describe("ReportGenerator types", () => {
  it("keeps the guide's synchronous generateReport and awaits what touches storage", () => {
    const reports = new ReportGenerator();
    expectTypeOf(reports.generateReport).returns.toEqualTypeOf<Report>();
    expectTypeOf(reports.getReport).returns.toEqualTypeOf<Report>();
    expectTypeOf(reports.deleteReport).returns.toEqualTypeOf<boolean>();
    expectTypeOf(reports.loadReport).returns.toEqualTypeOf<Promise<Report>>();
    expectTypeOf(reports.flush).returns.toEqualTypeOf<Promise<ReportFlushResult>>();
    expectTypeOf<ReportFlushResult["failed"][number]>().toEqualTypeOf<ReportStorageFailure>();
  });

  it("snapshots to plain JSON and restores with the constructor's options", () => {
    const reports = new ReportGenerator();
    expectTypeOf(reports.toJSON()).toEqualTypeOf<ReportGeneratorSnapshot>();
    expectTypeOf(reports.toJSON().format).toEqualTypeOf<"pelbiot.analytics.ReportGenerator">();
    expectTypeOf(ReportGenerator.fromJSON).returns.toEqualTypeOf<ReportGenerator>();
    // Only type-checked, never called.
    const calls = (storage: StorageAdapter) => {
      ReportGenerator.fromJSON(reports.toJSON(), { storage, keyPrefix: "shop:" });
      // @ts-expect-error: keyPrefix is a string
      new ReportGenerator({ keyPrefix: 1 });
      reports.on("report_storage_failed", (failure) => {
        expectTypeOf(failure.operation).toEqualTypeOf<"save" | "delete">();
      });
    };
    expectTypeOf(calls).toBeFunction();
  });
});
