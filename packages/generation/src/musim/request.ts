// What a MusIm request may ask for, checked in one place: generateMusim runs this check, and the API runs it before a
// job exists (without the condition, which the job computes, or the guide's bytes when they come from an asset).
import { sniffMedia } from '@muse/embeddings';
import { badInput } from '../imagic/errors.js';
import { SAMPLERS, type SamplerName } from './samplers.js';

export const MUSIM_LIMITS = { maxCount: 4, minSteps: 1, maxSteps: 50, maxGuidance: 20, maxPreviewEvery: 50 } as const;
export const MUSIM_DEFAULTS = { count: 1, steps: 20, sampler: 'dpmpp-2m', guidanceScale: 3, strength: 0.6, upscale: false } as const satisfies {
  sampler: SamplerName;
  [key: string]: unknown;
};

export interface MusimGuide {
  /** encoded PNG, JPEG, WebP or GIF bytes */
  image: Uint8Array;
  /** SDEdit strength in [0, 1]: 0 returns the guide's reconstruction, 1 ignores the guide (default 0.6) */
  strength?: number;
}

export interface MusimRequest {
  /** the pinned MuVis audio embedding of the track, L2-normalised */
  condition: Float32Array;
  /** 0 … 2^32 − 1; variation i uses seed + i (mod 2^32) */
  seed: number;
  /** variations, 1–4 (default 1) */
  count?: number;
  /** denoiser steps, 1–50 (default 20); a guide at strength σ runs max(1, round(σ·steps)) of them */
  steps?: number;
  /** default 'dpmpp-2m' */
  sampler?: SamplerName;
  /** classifier-free guidance, 0–20 (default 3); 1 runs the conditioned row alone */
  guidanceScale?: number;
  guide?: MusimGuide;
  /** 2× Lanczos3 upscale of the result (256 → 512) */
  upscale?: boolean;
  /** a preview PNG of the current estimate with every this many steps' progress (1–50; none when unset) */
  previewEvery?: number;
}

/** A request as the API holds it before the job: the condition and the guide's bytes may still be missing. */
export type MusimRequestCheck = Omit<MusimRequest, 'condition' | 'guide'> & {
  condition?: Float32Array;
  guide?: { image?: Uint8Array; strength?: number };
};

export interface MusimSettings {
  seed: number;
  count: number;
  steps: number;
  sampler: SamplerName;
  guidanceScale: number;
  /** undefined without a guide */
  strength: number | undefined;
  upscale: boolean;
  previewEvery: number | undefined;
}

const inRange = (v: unknown, low: number, high: number): v is number => typeof v === 'number' && v >= low && v <= high;
const integerIn = (v: unknown, low: number, high: number): v is number => Number.isInteger(v) && inRange(v, low, high);

/** The request with defaults filled in; BAD_USER_INPUT naming the first field out of range. */
export function checkMusimRequest(r: MusimRequestCheck, condDim?: number): MusimSettings {
  const count = r.count ?? MUSIM_DEFAULTS.count;
  const steps = r.steps ?? MUSIM_DEFAULTS.steps;
  const sampler = r.sampler ?? MUSIM_DEFAULTS.sampler;
  const guidanceScale = r.guidanceScale ?? MUSIM_DEFAULTS.guidanceScale;
  const upscale = r.upscale ?? MUSIM_DEFAULTS.upscale;
  if (!integerIn(r.seed, 0, 0xffffffff)) throw badInput(`seed must be an integer 0–4294967295, got ${r.seed}`);
  if (!integerIn(count, 1, MUSIM_LIMITS.maxCount)) throw badInput(`count must be 1–${MUSIM_LIMITS.maxCount}, got ${count}`);
  if (!integerIn(steps, MUSIM_LIMITS.minSteps, MUSIM_LIMITS.maxSteps)) throw badInput(`steps must be an integer ${MUSIM_LIMITS.minSteps}–${MUSIM_LIMITS.maxSteps}, got ${steps}`);
  if (!(SAMPLERS as readonly string[]).includes(sampler)) throw badInput(`sampler must be one of ${SAMPLERS.join(', ')}, got ${JSON.stringify(sampler)}`);
  if (!inRange(guidanceScale, 0, MUSIM_LIMITS.maxGuidance)) throw badInput(`guidanceScale must lie in 0–${MUSIM_LIMITS.maxGuidance}, got ${guidanceScale}`);
  if (typeof upscale !== 'boolean') throw badInput(`upscale must be true or false, got ${JSON.stringify(upscale)}`);
  if (r.previewEvery !== undefined && !integerIn(r.previewEvery, 1, MUSIM_LIMITS.maxPreviewEvery)) {
    throw badInput(`previewEvery must be an integer 1–${MUSIM_LIMITS.maxPreviewEvery}, got ${r.previewEvery}`);
  }
  let strength: number | undefined;
  if (r.guide !== undefined) {
    strength = r.guide.strength ?? MUSIM_DEFAULTS.strength;
    if (!inRange(strength, 0, 1)) throw badInput(`guide strength must lie in 0–1, got ${strength}`);
    if (r.guide.image !== undefined) checkGuideBytes(r.guide.image);
  }
  if (r.condition !== undefined) checkCondition(r.condition, condDim);
  return { seed: r.seed, count, steps, sampler, guidanceScale, strength, upscale, previewEvery: r.previewEvery };
}

function checkGuideBytes(image: Uint8Array): void {
  if (!(image instanceof Uint8Array) || image.length === 0) throw badInput('the guide image is empty');
  let kind: string;
  try {
    kind = sniffMedia(image).kind;
  } catch {
    kind = 'unknown';
  }
  if (kind !== 'image') throw badInput('the guide must be an image file (PNG, JPEG, WebP or GIF)');
}

function checkCondition(condition: Float32Array, condDim: number | undefined): void {
  if (!(condition instanceof Float32Array) || (condDim !== undefined && condition.length !== condDim)) {
    throw badInput(`the condition must be ${condDim ?? 'the encoder\'s'} float32 values (the pinned MuVis audio embedding), got ${condition?.length}`);
  }
  let sum = 0;
  for (const x of condition) sum += x * x;
  if (!(Math.abs(Math.sqrt(sum) - 1) < 1e-3)) throw badInput(`the condition must be L2-normalised, its norm is ${Math.sqrt(sum)}`);
}
