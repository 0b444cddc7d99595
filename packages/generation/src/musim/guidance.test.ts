import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_LATENT, OracleDenoiser, scaledLinearSchedule, fakeCondition } from './fake-models.js';
import { guidanceRows, guidedPredict } from './guidance.js';
import { seededNormals } from './noise.js';
import { sampleLatent } from './samplers.js';
import { trailingTimesteps } from './schedule.js';

const n = 4 * 4 * 4;
const conditioned = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
const unconditioned = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i));

test('one row at scale 1 (conditioned) and 0 (null), both in one B = 2 call otherwise', async () => {
  assert.deepEqual(guidanceRows(1), [1]);
  assert.deepEqual(guidanceRows(0), [0]);
  assert.deepEqual(guidanceRows(3), [1, 0]);
  const schedule = scaledLinearSchedule(1000);
  for (const [scale, rows, masks] of [[1, 1, [1]], [0, 1, [0]], [7.5, 2, [1, 0]]] as const) {
    const oracle = new OracleDenoiser(schedule, conditioned, 0, unconditioned);
    const stats = { calls: 0, ms: 0 };
    const condition = fakeCondition();
    await guidedPredict(oracle, condition, scale, stats)(seededNormals(1, n), 500);
    assert.equal(stats.calls, 1);
    assert.deepEqual(oracle.calls, [{ rows, timesteps: Array(rows).fill(500), condMask: masks }]);
  }
});

test('the guided prediction is null + s · (cond − null): with oracle rows the picture lands there exactly', async () => {
  for (const prediction of ['epsilon', 'v'] as const) {
    const schedule = scaledLinearSchedule(1000, prediction);
    for (const scale of [0, 1, 3, 7.5]) {
      const oracle = new OracleDenoiser(schedule, conditioned, 0, unconditioned, FAKE_LATENT);
      const got = await sampleLatent('dpmpp-2m', seededNormals(2, n), trailingTimesteps(1000, 8), schedule, guidedPredict(oracle, fakeCondition(), scale, { calls: 0, ms: 0 }));
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - (unconditioned[i] + scale * (conditioned[i] - unconditioned[i]))));
      assert.ok(worst < 1e-3 * Math.max(1, scale), `${prediction}, scale ${scale}: ${worst}`);
    }
  }
});

test('an aborted signal stops before the denoiser runs', async () => {
  const oracle = new OracleDenoiser(scaledLinearSchedule(1000), conditioned);
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(guidedPredict(oracle, fakeCondition(), 3, { calls: 0, ms: 0 }, controller.signal)(seededNormals(1, n), 10), /stop/);
  assert.equal(oracle.calls.length, 0);
});
