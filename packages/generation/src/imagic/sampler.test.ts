import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@muse/immute';
import { sampleToken, tokenDistribution } from './sampler.js';

const all = (n: number): Uint8Array => new Uint8Array(n).fill(1);
const close = (actual: number[], expected: number[]): void => {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-9, `${actual} vs ${expected}`));
};
const softmax = (xs: number[]): number[] => {
  const e = xs.map((x) => Math.exp(x - Math.max(...xs)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

test('only allowed tokens are ever sampled, whatever the logits say', () => {
  const rng = createRng(1);
  const logits = Float32Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 30 : 0)); // the even ones dominate
  const allowed = new Uint8Array(50);
  for (const id of [3, 17, 41]) allowed[id] = 1;
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(sampleToken(logits, allowed, { temperature: 1.5, topP: 1 }, rng.next));
  assert.deepEqual([...seen].sort((a, b) => a - b), [3, 17, 41]);
  assert.throws(() => sampleToken(logits, new Uint8Array(50), { temperature: 1, topP: 1 }, rng.next), /no token is allowed/);
});

test('temperature divides the logits before the softmax', () => {
  const logits = Float32Array.from([2, 1, 0, -1]);
  close(tokenDistribution(logits, all(4), { temperature: 1, topP: 1 }).probs, softmax([2, 1, 0, -1]));
  close(tokenDistribution(logits, all(4), { temperature: 0.5, topP: 1 }).probs, softmax([4, 2, 0, -2]));
  close(tokenDistribution(logits, all(4), { temperature: 2, topP: 1 }).probs, softmax([1, 0.5, 0, -0.5]));
  assert.deepEqual(tokenDistribution(logits, all(4), { temperature: 0, topP: 1 }), { ids: [0], probs: [1] }, 'temperature 0 is greedy');
});

test('top-p keeps the smallest most likely set reaching p, renormalised; masked tokens take no mass', () => {
  const logits = Float32Array.from([-1, 2, 0, 1]); // softmax: 0.032 0.644 0.087 0.237
  const p = softmax([-1, 2, 0, 1]);
  const d = tokenDistribution(logits, all(4), { temperature: 1, topP: 0.7 });
  assert.deepEqual(d.ids, [1, 3]);
  close(d.probs, [p[1] / (p[1] + p[3]), p[3] / (p[1] + p[3])]);
  assert.deepEqual(tokenDistribution(logits, all(4), { temperature: 1, topP: 0.5 }).ids, [1], 'the top token alone reaches 0.5');
  assert.deepEqual(tokenDistribution(logits, all(4), { temperature: 1, topP: 1 }).ids, [1, 3, 2, 0]);
  const masked = tokenDistribution(logits, Uint8Array.from([1, 0, 1, 1]), { temperature: 1, topP: 0.7 });
  const q = softmax([-1, 0, 1]);
  assert.deepEqual(masked.ids, [3, 2], 'mass is counted among the allowed tokens only');
  close(masked.probs, [q[2] / (q[2] + q[1]), q[1] / (q[2] + q[1])]);
});

test('the draw walks the cumulative distribution; ties go to the lower id', () => {
  const logits = Float32Array.from([0, 0, 0, 0]);
  const at = (u: number): number => sampleToken(logits, all(4), { temperature: 1, topP: 1 }, () => u);
  assert.deepEqual([0, 0.24, 0.25, 0.5, 0.99].map(at), [0, 0, 1, 2, 3]);
  let draws = 0;
  assert.equal(sampleToken(Float32Array.from([0, 9]), Uint8Array.from([0, 1]), { temperature: 1, topP: 1 }, () => { draws++; return 0; }), 1);
  assert.equal(draws, 0, 'no draw when one token is left');
});

test('the same seed gives the same tokens', () => {
  const logits = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const run = (seed: number): number[] => {
    const rng = createRng(seed);
    return Array.from({ length: 200 }, () => sampleToken(logits, all(100), { temperature: 1, topP: 0.9 }, rng.next));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});
