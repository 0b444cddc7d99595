// The pitch classes of a key: what the scale lock keeps notes to and what the eval counts as "in key".
import type { Mode } from './vocabulary.js';

const STEPS: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10], // natural minor
};

/** 12 entries, 1 where the pitch class belongs to the scale of `tonic` (0 = C … 11 = B) in `mode`. */
export function scalePitchClasses(tonic: number, mode: Mode): Uint8Array {
  const scale = new Uint8Array(12);
  for (const step of STEPS[mode]) scale[(tonic + step) % 12] = 1;
  return scale;
}
