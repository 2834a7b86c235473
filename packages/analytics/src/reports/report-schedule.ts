/** The timer and argument checks behind ReportGenerator.scheduleReport. */
import type { Clock, TimerHandle, Validator } from "@pelbiot/core";
import type { ScheduledReportSpec } from "./report-generator-types";
import { checkFormat, checkMetrics, REPORT_INTERVALS } from "./report-input";

const MIN_SCHEDULE_MS = 1_000;
const MAX_LOOKBACK_MS = 100 * 366 * 86_400_000;

/** Checks `scheduleReport(spec, every)`; returns the spec and its lookback (default `every`). */
export function checkScheduleSpec(
  check: Validator,
  spec: unknown,
  every: unknown,
): { spec: ScheduledReportSpec; lookbackMs: number } | undefined {
  const everyOk = check.durationMs("every", every, { min: MIN_SCHEDULE_MS });
  if (!check.object("spec", spec)) return undefined;
  check.knownKeys("spec", spec, ["title", "metrics", "format", "interval", "lookbackMs"]);
  check.string("spec.title", spec.title, { maxLength: 200 });
  checkMetrics(check, spec.metrics, "spec.metrics");
  if (spec.format !== undefined) checkFormat(check, "spec.format", spec.format);
  if (spec.interval !== undefined) check.oneOf("spec.interval", spec.interval, REPORT_INTERVALS);
  const lookbackOk =
    spec.lookbackMs === undefined ||
    check.number("spec.lookbackMs", spec.lookbackMs, { integer: true, min: 1, max: MAX_LOOKBACK_MS });
  if (!everyOk || !lookbackOk) return undefined;
  return {
    spec: spec as unknown as ScheduledReportSpec,
    lookbackMs: (spec.lookbackMs as number | undefined) ?? (every as number),
  };
}

/**
 * Calls `run` every `everyMs` on the clock (each timer armed after the previous run, so runs never overlap) until
 * the returned function is called. Timers are unreferenced: a schedule never keeps a process alive.
 */
export function startRepeatingTimer(clock: Clock, everyMs: number, run: () => void): () => void {
  let handle: TimerHandle | undefined;
  let stopped = false;
  const arm = () => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      run();
      if (!stopped) arm();
    }, everyMs);
    unrefTimer(handle);
  };
  arm();
  return () => {
    stopped = true;
    if (handle !== undefined) clock.clearTimeout(handle);
  };
}

function unrefTimer(handle: unknown): void {
  const timer = handle as { unref?: () => void } | null;
  if (typeof timer === "object" && timer !== null && typeof timer.unref === "function") timer.unref();
}
