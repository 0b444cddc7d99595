// Image guidance (SDEdit) trades the guide against the music: the higher the strength, the less of the guide survives
// and the more the picture follows the track. Per strength this averages how close the picture stays to its guide
// (MuVis image embeddings, and PSNR in pixels) and how well it agrees with its clip (MuVis cross-modal cosine).

/** PSNR in dB between two equally sized 8-bit pictures (any channel layout, compared byte by byte); capped at 99 dB */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`PSNR needs two pictures of one size, got ${a.length} and ${b.length} bytes`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? 99 : Math.min(99, 10 * Math.log10((255 * 255) / mse));
}

/** one guided picture: its cosine to the guide's embedding, its PSNR to the guide, its cosine to its clip's embedding */
export interface GuidedSample {
  guideCosine: number;
  guidePsnr: number;
  musicCosine: number;
}

export interface TradeoffRow extends GuidedSample {
  strength: number;
  items: number;
}

/** `samples` by strength → one row of means per strength, in increasing strength */
export function tradeoffRows(samples: ReadonlyMap<number, readonly GuidedSample[]>): TradeoffRow[] {
  const mean = (xs: readonly GuidedSample[], key: keyof GuidedSample): number => xs.reduce((s, x) => s + x[key], 0) / xs.length;
  return [...samples.entries()]
    .filter(([, xs]) => xs.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([strength, xs]) => ({
      strength, items: xs.length, guideCosine: mean(xs, 'guideCosine'), guidePsnr: mean(xs, 'guidePsnr'), musicCosine: mean(xs, 'musicCosine'),
    }));
}

/**
 * Whether the rows show the trade-off: closeness to the guide falls and agreement with the music rises as the
 * strength grows: the share of steps between neighbouring rows that go that way (1 = every step does).
 */
export function tradeoffMonotonicity(rows: readonly TradeoffRow[]): { guideFalls: number; musicRises: number } {
  if (rows.length < 2) return { guideFalls: 1, musicRises: 1 };
  let guideFalls = 0;
  let musicRises = 0;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].guideCosine <= rows[i - 1].guideCosine) guideFalls++;
    if (rows[i].musicCosine >= rows[i - 1].musicCosine) musicRises++;
  }
  return { guideFalls: guideFalls / (rows.length - 1), musicRises: musicRises / (rows.length - 1) };
}
