import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplingPlan, trailingTimesteps } from './schedule.js';

const strictlyDecreasing = (ts: number[]): boolean => ts.every((t, i) => i === 0 || t < ts[i - 1]);

test('trailing spacing: starts at the last train step, strictly decreasing, inside the range, evenly spaced', () => {
  assert.deepEqual(trailingTimesteps(1000, 10), [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  assert.deepEqual(trailingTimesteps(1000, 1), [999]);
  for (const trainSteps of [2, 10, 50, 999, 1000]) {
    for (let steps = 1; steps <= Math.min(50, trainSteps); steps++) {
      const ts = trailingTimesteps(trainSteps, steps);
      assert.equal(ts.length, steps);
      assert.equal(ts[0], trainSteps - 1);
      assert.ok(strictlyDecreasing(ts), `${trainSteps}/${steps}: ${ts}`);
      assert.ok(ts.every((t) => Number.isInteger(t) && t >= 0 && t < trainSteps));
    }
  }
  assert.throws(() => trailingTimesteps(10, 11), { code: 'BAD_USER_INPUT' });
});

test('a plan: the whole schedule from noise; SDEdit from the strength\'s level with proportionally fewer steps', () => {
  assert.deepEqual(samplingPlan(1000, 20), { timesteps: trailingTimesteps(1000, 20), fromNoise: true });
  assert.deepEqual(samplingPlan(1000, 20, 1), samplingPlan(1000, 20));
  assert.deepEqual(samplingPlan(1000, 20, 0), { timesteps: [], fromNoise: false });
  const half = samplingPlan(1000, 20, 0.5);
  assert.equal(half.fromNoise, false);
  assert.deepEqual(half.timesteps, trailingTimesteps(500, 10));
  assert.equal(half.timesteps[0], 499);
  assert.deepEqual(samplingPlan(1000, 20, 0.01).timesteps, [9], 'any strength above 0 takes a step');
  assert.deepEqual(samplingPlan(10, 20).timesteps, trailingTimesteps(10, 10), 'never more steps than the schedule has');
  for (const strength of [0.05, 0.3, 0.6, 0.9, 0.999]) {
    for (const steps of [1, 7, 20, 50]) {
      const { timesteps } = samplingPlan(1000, steps, strength);
      assert.ok(timesteps.length >= 1 && timesteps.length <= steps);
      assert.ok(strictlyDecreasing(timesteps) && timesteps.every((t) => t >= 0 && t < 1000));
      assert.ok(Math.abs(timesteps[0] + 1 - strength * 1000) <= 0.5);
    }
  }
});
