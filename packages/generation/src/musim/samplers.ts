// Deterministic samplers over the probability-flow ODE of x_t = α_t·x_0 + σ_t·ε (α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t)):
//
// - DDIM with η = 0 (Song et al. 2021): x_s = α_s·x̂_0 + σ_s·ε̂.
// - DPM-Solver++ (2M) (Lu et al. 2022, "DPM-Solver++", algorithm 2), the multistep second-order solver in data
//   prediction: with λ = log(α/σ), h_i = λ_i − λ_{i−1} and r_i = h_{i−1}/h_i,
//     D_i = (1 + 1/(2r_i))·x̂_0(i−1) − 1/(2r_i)·x̂_0(i−2)
//     x_i = (σ_i/σ_{i−1})·x_{i−1} − α_i·(e^{−h_i} − 1)·D_i
//   The first step has no earlier estimate and is first order (D = x̂_0, which is exactly DDIM's step). So is the
//   last, to the clean latent: there σ = 0 and λ = ∞, r = 0 and the second-order weights diverge, so it returns the
//   last estimate x̂_0, as DDIM's last step does.
//
// The denoiser's output (ε or v, after guidance) is turned into x̂_0 and ε̂ at each step; x̂_0 may be clipped (off by
// default), ε̂ then follows from the clipped x̂_0 so that the pair stays consistent with x_t.
import type { Prediction } from './manifest.js';
import { signalAndNoise, type NoiseSchedule } from './schedule.js';

export const SAMPLERS = ['dpmpp-2m', 'ddim'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** the model's guided output at (x, t): ε or v as the schedule says */
export type Predict = (x: Float32Array, t: number) => Promise<Float32Array>;

export interface SamplerOptions {
  /** clip x̂_0 to [−clipX0, clipX0] (off when undefined) */
  clipX0?: number;
  /** after each step (1-based), with the step's estimate of the clean latent */
  onStep?: (step: number, x0: Float32Array) => void | Promise<void>;
}

/** x̂_0 and ε̂ from the model's output at x_t, in place into x0 and eps */
export function dataAndNoise(
  prediction: Prediction, output: Float32Array, x: Float32Array, alpha: number, sigma: number, clipX0: number | undefined, x0: Float32Array, eps: Float32Array,
): void {
  for (let i = 0; i < x.length; i++) {
    let d: number;
    let e: number;
    if (prediction === 'epsilon') {
      e = output[i];
      d = (x[i] - sigma * e) / alpha;
    } else {
      d = alpha * x[i] - sigma * output[i];
      e = sigma * x[i] + alpha * output[i];
    }
    if (clipX0 !== undefined && (d > clipX0 || d < -clipX0)) {
      d = Math.min(clipX0, Math.max(-clipX0, d));
      e = (x[i] - alpha * d) / sigma;
    }
    x0[i] = d;
    eps[i] = e;
  }
}

/**
 * Integrates from x at timesteps[0] (strictly decreasing train steps) to the clean latent; `x` is not changed.
 * One `predict` call per timestep.
 */
export async function sampleLatent(
  sampler: SamplerName, x: Float32Array, timesteps: readonly number[], schedule: NoiseSchedule, predict: Predict, options: SamplerOptions = {},
): Promise<Float32Array> {
  const n = x.length;
  let current = Float32Array.from(x);
  let x0 = new Float32Array(n);
  let previousX0 = new Float32Array(n);
  const eps = new Float32Array(n);
  let previousH = 0;
  for (let i = 0; i < timesteps.length; i++) {
    const t = timesteps[i];
    const next = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
    const { alpha, sigma } = signalAndNoise(schedule, t);
    dataAndNoise(schedule.prediction, await predict(current, t), current, alpha, sigma, options.clipX0, x0, eps);
    const to = signalAndNoise(schedule, next);
    const out = new Float32Array(n);
    if (next < 0) {
      out.set(x0);
    } else if (sampler === 'ddim') {
      for (let k = 0; k < n; k++) out[k] = to.alpha * x0[k] + to.sigma * eps[k];
    } else {
      const h = Math.log(to.alpha / to.sigma) - Math.log(alpha / sigma);
      const decay = to.sigma / sigma;
      const gain = -to.alpha * Math.expm1(-h);
      if (i === 0) {
        for (let k = 0; k < n; k++) out[k] = decay * current[k] + gain * x0[k];
      } else {
        const half = 1 / (2 * (previousH / h));
        for (let k = 0; k < n; k++) out[k] = decay * current[k] + gain * ((1 + half) * x0[k] - half * previousX0[k]);
      }
      previousH = h;
    }
    await options.onStep?.(i + 1, x0);
    current = out;
    [previousX0, x0] = [x0, previousX0];
  }
  return current;
}
