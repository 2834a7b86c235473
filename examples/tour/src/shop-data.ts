/**
 * The made-up shop the tour runs: Pelbiot Outfitters, an outdoor-gear store. Every data set is generated from a fixed
 * seed, so each run tells the same story (only the dates move with today).
 */
import { createRandom } from "@pelbiot/ml";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** How many days of hourly CPU readings the shop's server has. */
export const CPU_DAYS = 14;
/** Hours before the last reading at which the CPU spike is injected. */
export const SPIKE_HOURS_AGO = 6;
/** The CPU reading of the injected spike, in percent. */
export const SPIKE_VALUE = 97;

export interface Reading {
  readonly timestamp: number;
  readonly value: number;
}

/**
 * Two weeks of hourly CPU readings ending at `lastHour`: a daily rhythm (busy afternoons), a slow upward drift, noise,
 * and one injected spike {@link SPIKE_HOURS_AGO} hours before the end.
 */
export function cpuReadings(lastHour: number): Reading[] {
  const random = createRandom(7);
  const count = CPU_DAYS * 24;
  return Array.from({ length: count }, (_, index) => {
    const timestamp = lastHour - (count - 1 - index) * HOUR;
    const hourOfDay = new Date(timestamp).getUTCHours();
    const daily = 14 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
    const value = 42 + 0.01 * index + daily + 1.5 * random.normal();
    return { timestamp, value: index === count - 1 - SPIKE_HOURS_AGO ? SPIKE_VALUE : value };
  });
}

export type Customer = {
  readonly id: string;
  /** Months since sign-up. */
  readonly tenureMonths: number;
  /** Orders in the last 90 days. */
  readonly orders90d: number;
  /** Mean basket in USD. */
  readonly basketUsd: number;
  /** Support tickets in the last 90 days. */
  readonly tickets: number;
  /** Whether the customer left (the label the churn model learns). */
  readonly churned: "yes" | "no";
};

/**
 * 240 customers in three behaviours (weekend campers, regular hikers, expedition buyers); churn is likelier with
 * short tenure, few orders and many support tickets.
 */
export function customers(): Customer[] {
  const random = createRandom(11);
  const profiles = [
    { orders: 2, basket: 45 },
    { orders: 7, basket: 80 },
    { orders: 3, basket: 420 },
  ];
  return Array.from({ length: 240 }, (_, index) => {
    const profile = profiles[behaviourOf(index)] ?? { orders: 1, basket: 1 };
    const tenureMonths = 1 + random.integer(48);
    const orders90d = Math.max(0, Math.round(profile.orders + random.normal()));
    const basketUsd = Math.max(5, Math.round(profile.basket * (1 + 0.12 * random.normal())));
    const tickets = random.integer(5);
    const risk = 2.2 - 0.09 * tenureMonths - 0.35 * orders90d + 0.6 * tickets + random.normal();
    return {
      id: `customer-${String(index + 1).padStart(3, "0")}`,
      tenureMonths,
      orders90d,
      basketUsd,
      tickets,
      churned: risk > 0 ? "yes" : "no",
    };
  });
}

/** Which of the three generated behaviours a customer of {@link customers} follows (0, 1 or 2). */
export function behaviourOf(index: number): number {
  return index % 3;
}

/** Who bought what: campers buy camping gear, hikers hiking gear, and a few cross over. */
export function purchases(): [customer: string, item: string][] {
  const camping = ["tent", "sleeping-bag", "camp-stove", "lantern"];
  const hiking = ["trail-shoes", "rain-jacket", "trekking-poles", "day-pack"];
  const history: [string, string][] = [];
  const random = createRandom(23);
  for (let index = 0; index < 30; index += 1) {
    const shopper = `shopper-${index + 1}`;
    const catalogue = index % 2 === 0 ? camping : hiking;
    for (const item of catalogue) if (random.next() < 0.7) history.push([shopper, item]);
    if (random.next() < 0.2) history.push([shopper, index % 2 === 0 ? "day-pack" : "lantern"]);
  }
  // The shopper the tour recommends for: two camping items so far.
  history.push(["ada", "tent"], ["ada", "sleeping-bag"]);
  return history;
}
