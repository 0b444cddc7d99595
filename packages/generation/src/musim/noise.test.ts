import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NormalNoise, seededNormals } from './noise.js';

test('the same seed gives the same float32 values, bit for bit; pinned so that a change of generator shows', () => {
  const a = seededNormals(7, 1000);
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(seededNormals(7, 1000).buffer));
  assert.notDeepEqual(Buffer.from(seededNormals(8, 1000).buffer), Buffer.from(a.buffer));
  // these values are the contract of "same seed → same picture" across releases and machines
  assert.deepEqual(Array.from(seededNormals(0, 4)), PINNED_SEED_0);
  assert.deepEqual(Array.from(seededNormals(0xffffffff, 2)), PINNED_SEED_MAX);
});

test('a standard normal: mean 0, variance 1, a normal tail', () => {
  const noise = new NormalNoise(12345);
  const n = 200_000;
  let sum = 0;
  let squares = 0;
  let beyond2 = 0;
  for (let i = 0; i < n; i++) {
    const z = noise.normal();
    sum += z;
    squares += z * z;
    if (Math.abs(z) > 2) beyond2++;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(squares / n - mean * mean - 1) < 0.015, `variance ${squares / n}`);
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003, `P(|z| > 2) = ${beyond2 / n}`);
  for (let i = 0; i < 1000; i++) {
    const u = noise.uniform();
    assert.ok(u >= 0 && u < 1);
  }
});

const PINNED_SEED_0 = [2.0812089443206787, 0.16346561908721924, 0.25413069128990173, 0.039282023906707764];
const PINNED_SEED_MAX = [-0.6275014281272888, -0.19778810441493988];
