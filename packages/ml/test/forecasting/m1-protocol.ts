// Shared by the forecasting tests and the M1 benchmark: loads the 1,001 series of fixtures/ml/forecasting/m1 with
// their competition split and R's per-series figures (m1_reference.csv), in the layout of reference-protocol.ts.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { ReferenceSeries } from "./reference-protocol";

/** One M1 series: the reference layout plus its category. */
export interface M1Series extends ReferenceSeries {
  readonly period: "YEARLY" | "QUARTERLY" | "MONTHLY";
}

/** R's figures for one series and model (`ets`, `arima`, `thetaf`, `comb`, `naive`). */
export interface M1Figures {
  readonly detail: string;
  readonly smape: number;
  readonly mase: number;
  readonly coverage80: number;
  readonly coverage95: number;
  /** CPU ms of R's call on the export machine (indicative). */
  readonly cpuMs: number;
}

const folder = new URL("../../../../fixtures/ml/forecasting/m1/", import.meta.url);

function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(new URL(name, folder)), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/**
 * Loads M1 series in m1_series.csv order.
 *
 * @param ids - Only these series (all when omitted).
 * @returns The series with train and test parts.
 */
export function loadM1Series(ids?: readonly string[]): M1Series[] {
  const wanted = ids ? new Set(ids) : undefined;
  const values = new Map<string, { train: number[]; test: number[] }>();
  for (const row of readCsv("m1.csv")) {
    const id = row.id as string;
    if (wanted && !wanted.has(id)) continue;
    let entry = values.get(id);
    if (!entry) {
      entry = { train: [], test: [] };
      values.set(id, entry);
    }
    (row.split === "train" ? entry.train : entry.test).push(Number(row.value));
  }
  return readCsv("m1_series.csv")
    .filter((row) => !wanted || wanted.has(row.id as string))
    .map((row) => {
      const entry = values.get(row.id as string);
      if (!entry) throw new Error(`${row.id} has no values`);
      return {
        id: row.id as string,
        period: row.period as M1Series["period"],
        frequency: Number(row.frequency),
        startYear: Number(row.start_year),
        startPeriod: Number(row.start_period),
        horizon: Number(row.h),
        train: entry.train,
        test: entry.test,
      };
    });
}

/**
 * R's figures for one model, by series id.
 *
 * @param model - `ets`, `arima`, `thetaf`, `comb` or `naive`.
 * @returns The figures by id.
 */
export function loadM1Figures(model: string): Map<string, M1Figures> {
  const figures = new Map<string, M1Figures>();
  for (const row of readCsv("m1_reference.csv")) {
    if (row.model !== model) continue;
    figures.set(row.id as string, {
      detail: row.detail as string,
      smape: Number(row.smape),
      mase: Number(row.mase),
      coverage80: row.cover80 === "" ? Number.NaN : Number(row.cover80),
      coverage95: row.cover95 === "" ? Number.NaN : Number(row.cover95),
      cpuMs: Number(row.cpu_ms),
    });
  }
  return figures;
}
