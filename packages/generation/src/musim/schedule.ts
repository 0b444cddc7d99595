// The noise schedule of a bundle (ᾱ_t for every train step) and which of those steps a sampler visits.
//
// Spacing is "trailing" (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", table 2):
// n steps over a span of S train steps visit round(S·(n − i)/n) − 1 for i = 0 … n − 1, so the first step is the
// span's last train step (T − 1 for a picture from pure noise) and the steps are evenly spaced below it. "Leading"
// spacing (0, T/n, 2T/n, …, shifted) would start sampling well below T − 1, from a noise level the pure-noise start
// does not have. After the last visited step the samplers go to the clean latent (ᾱ = 1).
import { badInput } from '../imagic/errors.js';
import type { Prediction } from './manifest.js';

export interface NoiseSchedule {
  trainSteps: number;
  /** ᾱ_t, t = 0 … trainSteps − 1, strictly decreasing in (0, 1) */
  alphasCumprod: Float64Array;
  prediction: Prediction;
}

export function noiseSchedule(alphasCumprod: ArrayLike<number>, prediction: Prediction): NoiseSchedule {
  return { trainSteps: alphasCumprod.length, alphasCumprod: Float64Array.from(alphasCumprod), prediction };
}

/** `steps` train steps, strictly decreasing, the first `span − 1`, all in [0, span − 1]; needs 1 ≤ steps ≤ span. */
export function trailingTimesteps(span: number, steps: number): number[] {
  if (!(Number.isInteger(steps) && Number.isInteger(span) && steps >= 1 && steps <= span)) throw badInput(`cannot take ${steps} steps over ${span} train steps`);
  return Array.from({ length: steps }, (_, i) => Math.round((span * (steps - i)) / steps) - 1);
}

export interface SamplingPlan {
  /** the train steps the denoiser is called at, first to last; empty at strength 0 */
  timesteps: number[];
  /** true when sampling starts from pure noise (no guide, or strength 1) */
  fromNoise: boolean;
}

/**
 * The steps of one picture. Without a guide (or at strength 1): `steps` trailing steps over the whole schedule. With
 * a guide at strength σ ∈ (0, 1) (SDEdit): the guide's latent is noised to train step round(σ·T) − 1 and
 * max(1, round(σ·steps)) trailing steps run from there, so the noise level is the fraction σ of the schedule and the
 * cost shrinks with σ; σ = 0 runs none (the guide's reconstruction).
 */
export function samplingPlan(trainSteps: number, steps: number, strength?: number): SamplingPlan {
  if (strength === undefined || strength >= 1) return { timesteps: trailingTimesteps(trainSteps, Math.min(steps, trainSteps)), fromNoise: true };
  if (strength <= 0) return { timesteps: [], fromNoise: false };
  const span = Math.max(1, Math.round(strength * trainSteps));
  const taken = Math.min(span, Math.max(1, Math.round(strength * steps)));
  return { timesteps: trailingTimesteps(span, taken), fromNoise: false };
}

/** √ᾱ and √(1 − ᾱ) at train step t; t < 0 is the clean end (ᾱ = 1) */
export function signalAndNoise(schedule: NoiseSchedule, t: number): { alpha: number; sigma: number } {
  const a = t < 0 ? 1 : schedule.alphasCumprod[t];
  if (a === undefined) throw new RangeError(`train step ${t} is outside the schedule's 0 … ${schedule.trainSteps - 1}`);
  return { alpha: Math.sqrt(a), sigma: Math.sqrt(1 - a) };
}
