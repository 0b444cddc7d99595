/** Window hop in fbank frames: round(hopSeconds · 1000 / frameShiftMs) (2.56 s → 256). */
export function hopFrames(hopSeconds: number, frameShiftMs: number): number {
  return Math.round((hopSeconds * 1000) / frameShiftMs);
}

/**
 * First fbank frame of each model window over a clip of `numFrames` frames.
 * A clip of at most `maxFrames` frames is one window at 0 (zero-padded later). A longer clip
 * gets windows at 0, hop, 2·hop, … while start + maxFrames < numFrames, plus one window that
 * ends exactly at the last frame, so every frame is covered and no window is padded.
 * 998 frames (10 s), max 512, hop 256 → [0, 256, 486]. Same as features.window_starts.
 */
export function windowStarts(numFrames: number, maxFrames: number, hop: number): number[] {
  if (numFrames <= maxFrames) return [0];
  if (!Number.isInteger(hop) || hop <= 0) throw new RangeError('Window hop must be a positive number of frames');
  const starts: number[] = [];
  for (let start = 0; start < numFrames - maxFrames; start += hop) starts.push(start);
  starts.push(numFrames - maxFrames);
  return starts;
}

/** Mean of vectors, then L2-normalised (a zero vector stays zero). */
export function meanPoolNormalized(vectors: readonly Float32Array[]): Float32Array {
  const dim = vectors[0].length;
  const sum = new Float64Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) sum[i] += v[i];
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += sum[i] * sum[i];
  norm = Math.sqrt(norm);
  const out = new Float32Array(dim);
  if (norm > 0) for (let i = 0; i < dim; i++) out[i] = sum[i] / norm;
  return out;
}
