// Key and mode: from a key signature when the file has one, else estimated from the notes
// (Krumhansl–Kessler profiles against pitch-class durations), and back to a key signature.
import type { Mode } from './vocabulary.js';

const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
/** key-signature sharps of each major tonic C..B (flats negative), as ImMuTe writes them */
const MAJOR_SHARPS = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5];

export interface Key { tonic: number; mode: Mode }

export function keyFromSignature(sharps: number, minor: boolean): Key {
  const major = (((sharps * 7) % 12) + 12) % 12;
  return minor ? { tonic: (major + 9) % 12, mode: 'minor' } : { tonic: major, mode: 'major' };
}

export function signatureOf(key: Key): { sharps: number; minor: boolean } {
  const major = key.mode === 'minor' ? (key.tonic + 3) % 12 : key.tonic;
  return { sharps: MAJOR_SHARPS[major], minor: key.mode === 'minor' };
}

/** The best-correlating of the 24 keys for these pitched notes (weights: durations); C major when there are none. */
export function estimateKey(notes: { pitch: number; dur: number }[]): Key {
  const histogram = new Array<number>(12).fill(0);
  for (const n of notes) histogram[n.pitch % 12] += n.dur;
  if (histogram.every((h) => h === 0)) return { tonic: 0, mode: 'major' };
  let best: Key & { r: number } = { tonic: 0, mode: 'major', r: -Infinity };
  for (const [mode, profile] of [['major', MAJOR_PROFILE], ['minor', MINOR_PROFILE]] as const) {
    for (let tonic = 0; tonic < 12; tonic++) {
      const r = correlation(histogram, (pc) => profile[(pc - tonic + 12) % 12]);
      if (r > best.r) best = { tonic, mode, r };
    }
  }
  return { tonic: best.tonic, mode: best.mode };
}

function correlation(x: number[], y: (i: number) => number): number {
  const ys = x.map((_, i) => y(i));
  const mx = x.reduce((s, v) => s + v, 0) / 12;
  const my = ys.reduce((s, v) => s + v, 0) / 12;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < 12; i++) {
    sxy += (x[i] - mx) * (ys[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}
