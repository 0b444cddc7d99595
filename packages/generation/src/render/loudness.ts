// Loudness normalisation of a rendered mix: gated RMS as ITU-R BS.1770 gates it (400 ms blocks every 100 ms, an
// absolute gate at −70 dB and a relative one 10 dB under the mean), without the K-weighting filter — for full-band
// music within about a dB of LUFS. The gain brings it to the target, lowered if needed so no sample peaks above the
// ceiling (no limiter: dynamics are kept).
export const LOUDNESS_TARGET_DB = -16;
export const PEAK_CEILING_DB = -1;

const dB = (power: number): number => 10 * Math.log10(power);

/** gated loudness in dB (mean square of full scale = 0 dB); −Infinity for silence */
export function gatedLoudness(x: Float32Array, sampleRate: number): number {
  const block = Math.round(0.4 * sampleRate);
  const hop = Math.round(0.1 * sampleRate);
  const powers: number[] = [];
  for (let start = 0; start + block <= Math.max(x.length, block); start += hop) {
    let sum = 0;
    const end = Math.min(x.length, start + block);
    for (let i = start; i < end; i++) sum += x[i] * x[i];
    powers.push(sum / block);
  }
  const loud = powers.filter((p) => dB(p) > -70);
  if (loud.length === 0) return -Infinity;
  const relative = dB(loud.reduce((a, b) => a + b, 0) / loud.length) - 10;
  const gated = loud.filter((p) => dB(p) > relative);
  return dB(gated.reduce((a, b) => a + b, 0) / gated.length);
}

export function peakDb(x: Float32Array): number {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return 20 * Math.log10(peak);
}

export interface LoudnessReport {
  /** before normalising */
  measuredDb: number;
  gainDb: number;
  /** after */
  loudnessDb: number;
  peakDb: number;
}

/** Scales `x` in place towards `targetDb`, peaks kept under `ceilingDb`. Silence is left as it is. */
export function normaliseLoudness(x: Float32Array, sampleRate: number, targetDb = LOUDNESS_TARGET_DB, ceilingDb = PEAK_CEILING_DB): LoudnessReport {
  const measuredDb = gatedLoudness(x, sampleRate);
  const peak = peakDb(x);
  if (!Number.isFinite(measuredDb)) return { measuredDb, gainDb: 0, loudnessDb: measuredDb, peakDb: peak };
  const gainDb = Math.min(targetDb - measuredDb, ceilingDb - peak);
  const gain = 10 ** (gainDb / 20);
  for (let i = 0; i < x.length; i++) x[i] *= gain;
  return { measuredDb, gainDb, loudnessDb: measuredDb + gainDb, peakDb: peak + gainDb };
}
