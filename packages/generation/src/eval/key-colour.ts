// The corpus painter colours a picture by its key: the ground's top, the primary shapes and the rhythm row take
// Scriabin's hue for the tonic (immute's SCRIABIN_HUE, twelve distinct hues). This reads that fact back from a
// picture: every coloured pixel votes, by its chroma, for the nearest of the twelve key hues, and the key whose hue
// gathers most votes is the picture's.
import { SCRIABIN_HUE } from '@muse/immute';

/** pixels with less chroma than this (greys, near-black, near-white) carry no hue and do not vote */
const MIN_CHROMA = 0.08;

const KEY_HUES: readonly { tonic: number; hue: number }[] = Object.entries(SCRIABIN_HUE).map(([tonic, hue]) => ({ tonic: Number(tonic), hue }));

function hueOf(r: number, g: number, b: number, max: number, chroma: number): number {
  let h: number;
  if (max === r) h = ((g - b) / chroma) % 6;
  else if (max === g) h = (b - r) / chroma + 2;
  else h = (r - g) / chroma + 4;
  return (h * 60 + 360) % 360;
}

const hueDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

/** the tonic (0–11, C = 0) whose key hue is nearest to `hue` in degrees */
export function nearestKeyTonic(hue: number): number {
  let best = KEY_HUES[0];
  for (const k of KEY_HUES) if (hueDistance(hue, k.hue) < hueDistance(hue, best.hue)) best = k;
  return best.tonic;
}

/** interleaved 8-bit RGB → the tonic whose key hue dominates the picture, or null for a picture without colour */
export function dominantKeyTonic(rgb: Uint8Array): number | null {
  const votes = new Float64Array(12);
  let total = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const r = rgb[i] / 255;
    const g = rgb[i + 1] / 255;
    const b = rgb[i + 2] / 255;
    const max = Math.max(r, g, b);
    const chroma = max - Math.min(r, g, b);
    if (chroma < MIN_CHROMA) continue;
    votes[nearestKeyTonic(hueOf(r, g, b, max, chroma))] += chroma;
    total += chroma;
  }
  if (total === 0) return null;
  let tonic = 0;
  for (let t = 1; t < 12; t++) if (votes[t] > votes[tonic]) tonic = t;
  return tonic;
}

export interface KeyColourFigures {
  /** share of pictures whose dominant key hue is their key's (a picture without colour is a miss) */
  match: number;
  /** a uniform guess among the twelve key hues */
  chanceUniform: number;
  /** what the same pictures score against the keys shuffled: Σ over tonics of P(read t) · P(key t) */
  chanceShuffled: number;
  /** how many pictures had no colour to read */
  colourless: number;
}

/** `read[i]` is the dominant key of picture i (null: none), `keys[i]` its item's tonic */
export function keyColourFigures(read: readonly (number | null)[], keys: readonly number[]): KeyColourFigures {
  if (read.length !== keys.length || read.length === 0) throw new Error('one key per picture, and at least one picture');
  const n = read.length;
  const readShare = new Float64Array(12);
  const keyShare = new Float64Array(12);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const r = read[i];
    if (r !== null) readShare[r] += 1 / n;
    keyShare[keys[i]] += 1 / n;
    if (r === keys[i]) hits++;
  }
  let shuffled = 0;
  for (let t = 0; t < 12; t++) shuffled += readShare[t] * keyShare[t];
  return { match: hits / n, chanceUniform: 1 / 12, chanceShuffled: shuffled, colourless: read.filter((r) => r === null).length };
}
