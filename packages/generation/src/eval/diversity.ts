// How different the pictures of one clip are across seeds, in MuVis image-embedding space: the mean cosine distance
// (1 − cos) between every pair of seeds of a clip, averaged over clips, set beside the same distance between the
// pictures of different clips (one seed each) — a model that ignored the seed would score 0, one that ignored the
// music would score about the across-clip figure.
import { type Vectors } from './distances.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb || 1);
}

/** mean of 1 − cos over the unordered pairs of a set (0 for fewer than two) */
export function meanPairwiseCosineDistance(set: Vectors): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      sum += 1 - cosine(set[i], set[j]);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

export interface DiversityFigures {
  clips: number;
  seedsPerClip: number;
  /** mean over clips of the mean pairwise cosine distance between that clip's seeds */
  withinClip: number;
  /** the mean pairwise cosine distance between the first seed's pictures of different clips */
  acrossClips: number;
  /** withinClip / acrossClips; null when pictures of different clips do not differ (a model that ignores its input) */
  ratio: number | null;
}

/** `groups[c]` holds the embeddings of clip c's pictures, one per seed (at least two each) */
export function diversityFigures(groups: readonly Vectors[]): DiversityFigures {
  if (groups.length === 0 || groups.some((g) => g.length < 2)) throw new Error('diversity needs at least one clip with two seeds or more');
  const withinClip = groups.reduce((s, g) => s + meanPairwiseCosineDistance(g), 0) / groups.length;
  const acrossClips = meanPairwiseCosineDistance(groups.map((g) => g[0]));
  return {
    clips: groups.length, seedsPerClip: Math.min(...groups.map((g) => g.length)), withinClip, acrossClips,
    ratio: acrossClips > 1e-6 ? withinClip / acrossClips : null,
  };
}
