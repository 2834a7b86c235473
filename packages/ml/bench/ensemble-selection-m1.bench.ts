// How the rules of `model: "validated-ensemble"` were chosen, on training data only. For each M1 series
// (fixtures/ml/forecasting/m1) the last min(h, n − max(2m + 2, 8)) points of the training part are held back; the five
// simple forecasts of bench/m1-pool.ts (automatic ETS, ARIMA, Theta, damped-trend ETS, random walk with drift) are
// fitted on the rest (ARIMA searched there) and every mean and median of a subset of them (47 rules) is scored on
// the held-back points. The criterion: per category, the mean of the rule's sMAPE
// and MASE each divided by those of the median of ETS, ARIMA and Theta; the non-seasonal rule is the best on the
// yearly series, the seasonal rule the best on the quarterly and monthly series with the two categories weighted
// equally. The same rules fitted on the whole training part and scored on the official test part are printed second,
// for information: they played no part in the choice. `M1_STRIDE=k` runs every k-th series, `M1_PERIODS` only some
// categories.

import { arimaPointForecasts } from "../src/forecasting/arima/forecast-arima";
import { selectArima } from "../src/forecasting/build-arima-forecast";
import { ensembleRuleFor } from "../src/forecasting/ensemble/ensemble-rules";
import { loadM1Figures, loadM1Series, type M1Series } from "../test/forecasting/m1-protocol";
import { scorePoints } from "../test/forecasting/reference-protocol";
import { POOL_MEMBERS, type PoolMember, type PoolPoints, poolPointForecasts } from "./m1-pool";

const CATEGORIES = ["YEARLY", "QUARTERLY", "MONTHLY"] as const;
type Category = (typeof CATEGORIES)[number];
const BASELINE = "median(ets, arima, theta)";

/** A fixed combination rule: a statistic over a subset of the pool. */
interface Rule {
  readonly name: string;
  readonly statistic: "mean" | "median";
  readonly members: readonly PoolMember[];
}

/** sMAPE and MASE of one rule on one series, at both levels (training part held back; test part). */
type Scores = Record<"inner" | "test", { smape: number; mase: number } | undefined>;

const RULES: Rule[] = [];
for (let mask = 1; mask < 1 << POOL_MEMBERS.length; mask += 1) {
  const members = POOL_MEMBERS.filter((_, index) => mask & (1 << index));
  RULES.push({ name: `mean(${members.join(", ")})`, statistic: "mean", members });
  if (members.length > 2) RULES.push({ name: `median(${members.join(", ")})`, statistic: "median", members });
}

function average(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[half] as number)
    : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}

function combine(points: PoolPoints, rule: Rule, steps: number): number[] {
  return Array.from({ length: steps }, (_, step) => {
    const values = rule.members
      .map((member) => points[member]?.[step])
      .filter((value): value is number => value !== undefined && Number.isFinite(value));
    return values.length === 0 ? Number.NaN : rule.statistic === "median" ? middle(values) : average(values);
  });
}

function pool(values: Float64Array, period: number, horizon: number): PoolPoints {
  const points = poolPointForecasts(values, period, horizon, undefined);
  try {
    points.arima = arimaPointForecasts(selectArima(values, period).fit, horizon);
  } catch {
    points.arima = undefined;
  }
  return points;
}

function scoreSeries(entry: M1Series): Map<string, Scores> {
  const period = entry.frequency;
  const train = Float64Array.from(entry.train);
  const held = Math.min(entry.horizon, train.length - Math.max(2 * period + 2, 8));
  const inner = held >= 1 ? pool(train.subarray(0, train.length - held), period, held) : undefined;
  const test = pool(train, period, entry.horizon);
  const innerTrain = entry.train.slice(0, train.length - held);
  const innerActual = entry.train.slice(train.length - held);
  return new Map(
    RULES.map((rule) => [
      rule.name,
      {
        inner: inner ? scorePoints(innerTrain, innerActual, combine(inner, rule, held), period) : undefined,
        test: scorePoints(entry.train, entry.test, combine(test, rule, entry.horizon), period),
      },
    ]),
  );
}

export default async function run(): Promise<void> {
  const stride = Number(process.env.M1_STRIDE ?? 1);
  const periods = (process.env.M1_PERIODS ?? CATEGORIES.join(",")).split(",");
  const series = loadM1Series().filter((entry, index) => index % stride === 0 && periods.includes(entry.period));
  const byCategory = new Map<Category, Map<string, Scores>[]>();
  const started = process.cpuUsage();
  for (const entry of series) {
    const list = byCategory.get(entry.period) ?? [];
    list.push(scoreSeries(entry));
    byCategory.set(entry.period, list);
  }
  const used = process.cpuUsage(started);
  const figure = (category: Category, rule: string, level: "inner" | "test") => {
    const rows = (byCategory.get(category) ?? []).map((scores) => scores.get(rule)?.[level]).filter((entry) => !!entry);
    return {
      smape: average(rows.map((entry) => entry.smape)),
      mase: average(rows.map((entry) => entry.mase)),
      count: rows.length,
    };
  };
  const relative = (category: Category, rule: string) => {
    const own = figure(category, rule, "inner");
    const base = figure(category, BASELINE, "inner");
    return (own.smape / base.smape + own.mase / base.mase) / 2;
  };
  const present = CATEGORIES.filter((category) => byCategory.has(category));
  const rPick = new Map(["ets", "arima", "thetaf", "comb"].map((model) => [model, loadM1Figures(model)]));
  console.log(`M1, ${series.length} series, ${((used.user + used.system) / 1e6).toFixed(0)} s CPU\n`);
  for (const group of [["YEARLY"], ["QUARTERLY", "MONTHLY"]] as const) {
    const categories = present.filter((category) => (group as readonly Category[]).includes(category));
    if (categories.length === 0) continue;
    const ranked = RULES.map((rule) => ({
      rule,
      criterion: average(categories.map((category) => relative(category, rule.name))),
    })).sort((left, right) => left.criterion - right.criterion);
    console.log(
      `\n${group.length === 1 ? "Non-seasonal (yearly)" : "Seasonal (quarterly and monthly)"}: the ten best rules on the held-back training points, then the baseline; test part second\n`,
    );
    const headers = categories.flatMap((category) => [
      `${category.toLowerCase()} training`,
      `${category.toLowerCase()} test`,
    ]);
    console.log(`| rank | rule | criterion | ${headers.join(" | ")} |`);
    console.log(`|--:|---|--:|${headers.map(() => "--:").join("|")}|`);
    ranked.forEach((entry, index) => {
      if (index >= 10 && entry.rule.name !== BASELINE) return;
      const cells = categories.flatMap((category) =>
        (["inner", "test"] as const).map((level) => {
          const { smape, mase } = figure(category, entry.rule.name, level);
          return `${smape.toFixed(2)} / ${mase.toFixed(3)}`;
        }),
      );
      console.log(`| ${index + 1} | ${entry.rule.name} | ${entry.criterion.toFixed(4)} | ${cells.join(" | ")} |`);
    });
    const shipped = ensembleRuleFor(group.length === 1 ? 1 : 4);
    console.log(
      `\nShipped rule for this group: ${shipped.statistic}(${shipped.members.join(", ")}); series scored on the training part: ${categories.map((category) => `${category.toLowerCase()} ${figure(category, BASELINE, "inner").count}`).join(", ")}.`,
    );
    for (const category of categories) {
      const ids = (byCategory.get(category) ?? []).length;
      const best = ["ets", "arima", "thetaf", "comb"].map((model) => {
        const rows = loadM1Series()
          .filter((entry) => entry.period === category)
          .filter((_, index) => index % stride === 0)
          .map((entry) => rPick.get(model)?.get(entry.id));
        return `${model} ${average(rows.map((row) => row?.smape ?? Number.NaN)).toFixed(2)} / ${average(rows.map((row) => row?.mase ?? Number.NaN)).toFixed(3)}`;
      });
      console.log(`R on the ${ids} ${category.toLowerCase()} test parts: ${best.join(", ")}.`);
    }
  }
}
