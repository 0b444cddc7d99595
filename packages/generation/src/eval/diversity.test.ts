import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diversityFigures, meanPairwiseCosineDistance } from './diversity.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

test('the mean pairwise cosine distance: 0 for equal vectors, 1 for orthogonal ones, 2 for opposite ones', () => {
  assert.equal(meanPairwiseCosineDistance([v(1, 0), v(2, 0)]), 0);
  assert.ok(Math.abs(meanPairwiseCosineDistance([v(1, 0), v(0, 3)]) - 1) < 1e-12);
  assert.ok(Math.abs(meanPairwiseCosineDistance([v(1, 0), v(-1, 0)]) - 2) < 1e-12);
  // three pairs: (a,b) 1, (a,c) 0, (b,c) 1
  assert.ok(Math.abs(meanPairwiseCosineDistance([v(1, 0), v(0, 1), v(1, 0)]) - 2 / 3) < 1e-12);
  assert.equal(meanPairwiseCosineDistance([v(1, 0)]), 0);
});

test('diversity within clips against across clips', () => {
  // two clips, seeds identical within each clip, clips orthogonal: no diversity, full separation
  const still = diversityFigures([[v(1, 0), v(1, 0)], [v(0, 1), v(0, 1)]]);
  assert.deepEqual([still.clips, still.seedsPerClip, still.withinClip, still.ratio], [2, 2, 0, 0]);
  // pictures that differ by seed but not by clip: no ratio to speak of
  assert.equal(diversityFigures([[v(1, 0), v(0, 1)], [v(1, 0), v(0, 1)]]).ratio, null);
  assert.ok(Math.abs(still.acrossClips - 1) < 1e-12);
  // seeds as far apart as clips: ratio 1
  const loose = diversityFigures([[v(1, 0), v(0, 1)], [v(0, 1), v(1, 0)]]);
  assert.ok(Math.abs(loose.withinClip - 1) < 1e-12 && Math.abs(loose.ratio! - 1) < 1e-12);
  assert.throws(() => diversityFigures([[v(1, 0)]]));
  assert.throws(() => diversityFigures([]));
});
