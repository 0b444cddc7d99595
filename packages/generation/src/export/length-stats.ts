// Summaries of a list of sequence lengths.

export interface LengthStats { min: number; p10: number; p50: number; p90: number; p99: number; max: number; mean: number }

export function lengthStats(values: number[]): LengthStats {
  if (values.length === 0) return { min: 0, p10: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { min: sorted[0], p10: q(0.1), p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1], mean: Math.round(mean * 10) / 10 };
}

/** counts per bucket of `width`, labelled by the bucket's upper bound (exclusive) */
export function histogram(values: number[], width: number): { below: number; items: number }[] {
  const counts = new Map<number, number>();
  for (const v of values) {
    const below = (Math.floor(v / width) + 1) * width;
    counts.set(below, (counts.get(below) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([below, items]) => ({ below, items }));
}
