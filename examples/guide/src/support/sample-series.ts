/**
 * Sample data for the ml examples: hourly CPU readings with a daily cycle and noise from a seeded generator, so
 * every run sees the same series.
 */
export interface SamplePoint {
  timestamp: number;
  value: number;
}

export const HOUR = 3_600_000;

export function cpuSeries(hours: number, start = Date.UTC(2026, 0, 1)): SamplePoint[] {
  let seed = 42;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (seed / 2_147_483_648) * 4 - 2;
  };
  return Array.from({ length: hours }, (_, index) => ({
    timestamp: start + index * HOUR,
    value: 40 + 10 * Math.sin((2 * Math.PI * index) / 24) + noise(),
  }));
}
