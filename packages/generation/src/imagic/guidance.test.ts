import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendCondition, guideLogits, l2Normalise } from './guidance.js';
import { GenerationError } from './errors.js';

test('classifier-free guidance: uncond + g · (cond − uncond)', () => {
  const cond = Float32Array.from([1, 2, 3]);
  const uncond = Float32Array.from([3, 2, 0]);
  assert.deepEqual([...guideLogits(cond, uncond, 3)], [-3, 2, 9]);
  assert.deepEqual([...guideLogits(cond, uncond, 1)], [1, 2, 3], 'scale 1 is the conditioned logits');
  assert.deepEqual([...guideLogits(cond, uncond, 0)], [3, 2, 0], 'scale 0 the unconditioned ones');
});

test('the condition blend: normalise((1 − w) · image + w · reference)', () => {
  const image = Float32Array.from([3, 0, 4]);
  const reference = Float32Array.from([0, 1, 0]);
  assert.deepEqual([...blendCondition(image)], [0.6, 0, 0.8].map(Math.fround));
  assert.deepEqual([...blendCondition(image, reference, 0)], [0.6, 0, 0.8].map(Math.fround));
  assert.deepEqual([...blendCondition(image, reference, 1)], [0, 1, 0]);
  const half = blendCondition(image, reference, 0.5);
  const n = Math.hypot(1.5, 0.5, 2);
  [1.5 / n, 0.5 / n, 2 / n].forEach((x, i) => assert.ok(Math.abs(half[i] - x) < 1e-6));
  assert.throws(() => blendCondition(image, reference, 1.5), GenerationError);
  assert.throws(() => blendCondition(image, Float32Array.from([1]), 0.5), /1 values/);
  assert.throws(() => l2Normalise(new Float32Array(3)), /zero/);
});
