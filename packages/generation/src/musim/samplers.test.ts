import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OracleDenoiser, scaledLinearSchedule } from './fake-models.js';
import { guidedPredict } from './guidance.js';
import { seededNormals } from './noise.js';
import { dataAndNoise, sampleLatent, SAMPLERS, type Predict } from './samplers.js';
import { trailingTimesteps, type NoiseSchedule } from './schedule.js';

const N = 64;
const target = Float32Array.from({ length: N }, (_, i) => 0.8 * Math.sin(i * 0.7) + 0.1);
const oraclePredict = (oracle: OracleDenoiser): Predict => {
  const stats = { calls: 0, ms: 0 };
  return guidedPredict(oracle, new Float32Array(oracle.condDim), 1, stats);
};
const maxError = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};
const rms = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
};

test('ε and v outputs give the same x̂_0 and ε̂, and back', () => {
  const alpha = 0.6;
  const sigma = Math.sqrt(1 - alpha * alpha);
  const x0 = Float32Array.from([0.5, -1, 2]);
  const eps = Float32Array.from([1, 0.3, -0.7]);
  const x = x0.map((d, i) => alpha * d + sigma * eps[i]);
  const v = x0.map((d, i) => alpha * eps[i] - sigma * d);
  for (const [prediction, output] of [['epsilon', eps], ['v', v]] as const) {
    const gotX0 = new Float32Array(3);
    const gotEps = new Float32Array(3);
    dataAndNoise(prediction, output, x, alpha, sigma, undefined, gotX0, gotEps);
    assert.ok(maxError(gotX0, x0) < 1e-6 && maxError(gotEps, eps) < 1e-6, prediction);
  }
  const clippedX0 = new Float32Array(3);
  const clippedEps = new Float32Array(3);
  dataAndNoise('epsilon', eps, x, alpha, sigma, 1, clippedX0, clippedEps);
  assert.ok(maxError(clippedX0, [0.5, -1, 1]) < 1e-6);
  assert.ok(maxError(x, clippedX0.map((d, i) => alpha * d + sigma * clippedEps[i])) < 1e-6, 'ε̂ stays consistent with x_t after clipping');
});

test('with an oracle that knows x_0, both samplers recover it from pure noise in a few steps (ε and v)', async () => {
  for (const prediction of ['epsilon', 'v'] as const) {
    const schedule = scaledLinearSchedule(1000, prediction);
    for (const sampler of SAMPLERS) {
      for (const steps of [1, 2, 4]) {
        const oracle = new OracleDenoiser(schedule, target, 0, target, { channels: 4, size: 4 });
        const got = await sampleLatent(sampler, seededNormals(3, N), trailingTimesteps(1000, steps), schedule, oraclePredict(oracle));
        assert.ok(maxError(got, target) < 1e-4, `${prediction} ${sampler} ${steps} steps: ${maxError(got, target)}`);
        assert.equal(oracle.calls.length, steps, 'one denoiser call per step');
      }
    }
  }
});

/**
 * A smooth case with a closed-form answer: x_0 ~ N(mean, 0.5²) per value, where the ODE carries the standardised
 * value along. `end`: the error at the clean end. `integration`: the error against the exact path up to the last
 * visited step followed by the same final jump to x̂_0 (both samplers make that jump alike, and at 10 trailing steps
 * from t = 99 it dominates the end error).
 */
async function gaussianErrors(sampler: (typeof SAMPLERS)[number], steps: number, schedule: NoiseSchedule): Promise<{ end: number; integration: number }> {
  const oracle = new OracleDenoiser(schedule, target, 0.5, target, { channels: 4, size: 4 });
  const x = seededNormals(11, N);
  const timesteps = trailingTimesteps(1000, steps);
  const got = await sampleLatent(sampler, x, timesteps, schedule, oraclePredict(oracle));
  const last = timesteps[timesteps.length - 1];
  return {
    end: rms(got, oracle.exactPath(x, timesteps[0])),
    integration: rms(got, oracle.dataEstimate(oracle.exactPath(x, timesteps[0], last), last)),
  };
}

test('on a Gaussian case with a known answer, DPM-Solver++ (2M) at 10 steps beats DDIM at 10 steps, and more steps help', async () => {
  for (const prediction of ['epsilon', 'v'] as const) {
    const schedule = scaledLinearSchedule(1000, prediction);
    const ddim = await gaussianErrors('ddim', 10, schedule);
    const dpm = await gaussianErrors('dpmpp-2m', 10, schedule);
    assert.ok(dpm.end < 0.85 * ddim.end, `${prediction}, end: DPM-Solver++ ${dpm.end} vs DDIM ${ddim.end}`);
    assert.ok(dpm.integration < 0.2 * ddim.integration, `${prediction}, integration: DPM-Solver++ ${dpm.integration} vs DDIM ${ddim.integration}`);
    assert.ok((await gaussianErrors('dpmpp-2m', 40, schedule)).end < 0.3 * dpm.end);
    assert.ok((await gaussianErrors('ddim', 40, schedule)).end < 0.5 * ddim.end);
  }
});

test('every step reports its x̂_0; x is not changed; no steps returns x', async () => {
  const schedule = scaledLinearSchedule(1000);
  const oracle = new OracleDenoiser(schedule, target, 0, target, { channels: 4, size: 4 });
  const x = seededNormals(5, N);
  const before = Float32Array.from(x);
  const seen: number[] = [];
  await sampleLatent('dpmpp-2m', x, trailingTimesteps(1000, 5), schedule, oraclePredict(oracle), {
    onStep: (step, x0) => {
      seen.push(step);
      assert.ok(maxError(x0, target) < 1e-4);
    },
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.deepEqual(x, before);
  assert.deepEqual(await sampleLatent('ddim', x, [], schedule, oraclePredict(oracle)), x);
  assert.deepEqual(oracle.calls.map((c) => c.timesteps[0]), trailingTimesteps(1000, 5));
});
