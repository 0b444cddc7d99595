// Cross-modal retrieval figures: queries[i] should find gallery[i] among all of the gallery.

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** 1-based rank of gallery[i] for queries[i] by cosine (vectors L2-normalised); ties count against the query. */
export function sourceRanks(queries: readonly Float32Array[], gallery: readonly Float32Array[]): number[] {
  if (queries.length !== gallery.length) throw new Error('one gallery item per query');
  return queries.map((q, i) => {
    const own = dot(q, gallery[i]);
    let rank = 1;
    for (let j = 0; j < gallery.length; j++) if (j !== i && dot(q, gallery[j]) >= own) rank++;
    return rank;
  });
}

export interface RetrievalFigures {
  n: number;
  r1: number;
  r10: number;
  mrr: number;
  medianRank: number;
}

export function retrievalFigures(ranks: readonly number[]): RetrievalFigures {
  const n = ranks.length;
  const sorted = [...ranks].sort((a, b) => a - b);
  return {
    n,
    r1: ranks.filter((r) => r <= 1).length / n,
    r10: ranks.filter((r) => r <= 10).length / n,
    mrr: ranks.reduce((s, r) => s + 1 / r, 0) / n,
    medianRank: sorted[Math.floor((n - 1) / 2)],
  };
}

/** What a random ranking scores among n: R@1 1/n, R@10 10/n, MRR H(n)/n. */
export function chanceFigures(n: number): Omit<RetrievalFigures, 'n' | 'medianRank'> {
  let harmonic = 0;
  for (let k = 1; k <= n; k++) harmonic += 1 / k;
  return { r1: 1 / n, r10: Math.min(1, 10 / n), mrr: harmonic / n };
}

export function meanCosine(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  return a.reduce((s, x, i) => s + dot(x, b[i]), 0) / a.length;
}
