import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@muse/immute';
import { bootstrapDistances, frechetDistance, kernelDistance, symmetricEigen } from './distances.js';

function gaussianSet(n: number, d: number, seed: number, shift = 0, scale = 1): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => shift + scale * rng.gaussian()));
}

test('symmetricEigen reconstructs a symmetric matrix from its eigenpairs', () => {
  const d = 6;
  const rng = createRng(3);
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) m[i * d + j] = m[j * d + i] = rng.gaussian();
  const { values, vectors } = symmetricEigen(m, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * values[k] * vectors[j * d + k];
      assert.ok(Math.abs(s - m[i * d + j]) < 1e-9, `entry ${i},${j}: ${s} vs ${m[i * d + j]}`);
    }
  }
});

test('the Fréchet distance of Gaussians matches the closed form', () => {
  // N(0, I) against N(μ, s²I) in d dims: |μ|² + d(1 − s)²
  const d = 8;
  const x = gaussianSet(4000, d, 1);
  const y = gaussianSet(4000, d, 2, 0.5, 2);
  const expected = d * 0.25 + d * (1 - 2) ** 2;
  const got = frechetDistance(x, y);
  assert.ok(Math.abs(got - expected) < 0.08 * expected, `${got} vs ${expected}`);
  assert.ok(frechetDistance(x, x) < 1e-6);
});

test('the kernel distance is near 0 for one distribution and grows with the shift', () => {
  const d = 4;
  const a = gaussianSet(300, d, 5);
  const b = gaussianSet(300, d, 6);
  const near = kernelDistance(a, b);
  const far = kernelDistance(a, gaussianSet(300, d, 7, 0.7));
  assert.ok(Math.abs(near) < 0.01, `same distribution: ${near}`);
  assert.ok(far > 10 * Math.abs(near) && far > 0.02, `shifted: ${far}`);
});

test('bootstrap intervals hold the point value and separate two distributions', () => {
  const d = 4;
  const a = gaussianSet(200, d, 8);
  const b = gaussianSet(200, d, 9, 0.6);
  const { frechet, kernel } = bootstrapDistances(a, b, { resamples: 60, seed: 1 });
  for (const iv of [frechet, kernel]) {
    assert.ok(iv.low <= iv.high);
    assert.ok(iv.low > 0, `interval ${iv.low}–${iv.high} should exclude 0`);
  }
  assert.ok(Math.abs(frechet.value - d * 0.36) < 0.5, `${frechet.value}`);
  const again = bootstrapDistances(a, b, { resamples: 60, seed: 1 });
  assert.deepEqual(again, { frechet, kernel });
});
