// Classifier-free guidance over the denoiser: the conditioned and the null row in one B = 2 call, combined as
// ε̂ = ε_null + s·(ε_cond − ε_null) (linear, so it holds for v as well). A scale of 1 is the conditioned row alone and
// 0 the null row alone: one row, B = 1, half the work.
import { guideLogits } from '../imagic/guidance.js';
import { latentValues, type LatentDenoiser } from './models.js';
import type { Predict } from './samplers.js';

export interface GuidedDenoiserStats {
  calls: number;
  ms: number;
}

/** rows of each denoiser call: [cond_mask per row] */
export function guidanceRows(scale: number): number[] {
  if (scale === 1) return [1];
  if (scale === 0) return [0];
  return [1, 0];
}

/** The sampler's view of the denoiser for one condition and guidance scale; `stats` counts calls and their time. */
export function guidedPredict(denoiser: LatentDenoiser, condition: Float32Array, scale: number, stats: GuidedDenoiserStats, signal?: AbortSignal): Predict {
  const masks = guidanceRows(scale);
  const rows = masks.length;
  const n = latentValues(denoiser.latent);
  const cond = new Float32Array(rows * condition.length);
  for (let r = 0; r < rows; r++) cond.set(condition, r * condition.length);
  const condMask = Float32Array.from(masks);
  const latent = new Float32Array(rows * n);
  const timestep = new Float32Array(rows);
  return async (x, t) => {
    signal?.throwIfAborted();
    for (let r = 0; r < rows; r++) latent.set(x, r * n);
    timestep.fill(t);
    const started = performance.now();
    const out = await denoiser.predict({ rows, latent, timestep, cond, condMask });
    stats.ms += performance.now() - started;
    stats.calls++;
    if (rows === 1) return out.slice(0, n);
    return guideLogits(out.subarray(0, n), out.subarray(n, 2 * n), scale);
  };
}
