// MusIm's sampling loop: a track's MuVis embedding and a seed in → 1–4 PNG pictures out. Each variation draws its
// starting noise from its own seed, integrates the probability-flow ODE with the chosen sampler over the bundle's
// schedule (classifier-free guidance inside every denoiser call), and decodes the clean latent. With a guide image
// (SDEdit) the guide's latent, noised to the strength's level, replaces the pure noise.
import { badInput, GenerationError } from '../imagic/errors.js';
import type { MusimModels } from './bundle.js';
import { guidedPredict, type GuidedDenoiserStats } from './guidance.js';
import { latentValues } from './models.js';
import { seededNormals } from './noise.js';
import { encodePicture, guideTensor, type EncodedPicture } from './picture.js';
import { checkMusimRequest, type MusimRequest, type MusimSettings } from './request.js';
import { sampleLatent } from './samplers.js';
import { samplingPlan, signalAndNoise } from './schedule.js';

export interface MusimProgress {
  /** 0-based variation */
  variation: number;
  count: number;
  /** denoiser steps done in this variation, of `steps` (0 of 0 for a guide at strength 0) */
  step: number;
  steps: number;
  /** the variation is finished */
  done: boolean;
  /** PNG of the decoded current estimate of the clean picture, every `previewEvery` steps before the last */
  preview?: Uint8Array;
}

export interface MusimHooks {
  onProgress?: (progress: MusimProgress) => void;
  /** cancels between denoiser steps; the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

export interface MusimImageStats {
  /** denoiser calls (one per step) and their time */
  denoiserCalls: number;
  denoiserMs: number;
  /** the final decode (previews not included) */
  decoderMs: number;
  /** the variation from its noise to its PNG, previews included */
  wallMs: number;
}

export interface MusimImage extends EncodedPicture {
  seed: number;
  stats: MusimImageStats;
}

/** the guide's latent (encoded once for every variation), when a guide at strength < 1 is used */
interface GuideLatent {
  latent: Float32Array;
}

/** 1 … 4 variations of one request, one after another (seeds seed, seed + 1, …). */
export async function generateMusim(models: MusimModels, request: MusimRequest, hooks: MusimHooks = {}): Promise<MusimImage[]> {
  const { denoiser, autoencoder } = models;
  if (!request.condition) throw badInput('the condition (the MuVis audio embedding of the track) is missing');
  if (request.guide && !request.guide.image) throw badInput('the guide has no image');
  const settings = checkMusimRequest(request, denoiser.condDim);
  const { channels, size } = denoiser.latent;
  if (autoencoder.latent.channels !== channels || autoencoder.latent.size !== size) {
    throw new GenerationError('BUNDLE_INVALID', `the autoencoder's latent (${autoencoder.latent.channels}×${autoencoder.latent.size}²) is not the denoiser's (${channels}×${size}²)`);
  }
  hooks.signal?.throwIfAborted();
  let guide: GuideLatent | undefined;
  if (request.guide && settings.strength! < 1) {
    const pixels = await guideTensor(request.guide.image, autoencoder.imageSize);
    guide = { latent: await autoencoder.encode(pixels, 1) };
  }
  const images: MusimImage[] = [];
  let reconstruction: MusimImage | undefined;
  for (let i = 0; i < settings.count; i++) {
    const seed = (settings.seed + i) >>> 0;
    if (guide && settings.strength === 0) {
      // SDEdit at strength 0: the guide's own reconstruction, no noise and no denoiser; one decode serves every seed
      reconstruction ??= await decodeResult(models, guide.latent, settings, seed, { denoiserCalls: 0, denoiserMs: 0 }, performance.now(), hooks);
      images.push({ ...reconstruction, seed });
      hooks.onProgress?.({ variation: i, count: settings.count, step: 0, steps: 0, done: true });
      continue;
    }
    images.push(await generateOne(models, request.condition, settings, guide, seed, i, hooks));
  }
  return images;
}

async function generateOne(
  models: MusimModels, condition: Float32Array, settings: MusimSettings, guide: GuideLatent | undefined, seed: number, variation: number, hooks: MusimHooks,
): Promise<MusimImage> {
  const started = performance.now();
  const { denoiser, autoencoder, schedule } = models;
  const plan = samplingPlan(schedule.trainSteps, settings.steps, guide ? settings.strength : undefined);
  const noise = seededNormals(seed, latentValues(denoiser.latent));
  let start = noise;
  if (!plan.fromNoise) {
    const { alpha, sigma } = signalAndNoise(schedule, plan.timesteps[0]);
    start = Float32Array.from(noise, (e, k) => alpha * guide!.latent[k] + sigma * e);
  }
  const stats: GuidedDenoiserStats = { calls: 0, ms: 0 };
  const predict = guidedPredict(denoiser, condition, settings.guidanceScale, stats, hooks.signal);
  const steps = plan.timesteps.length;
  const latent = await sampleLatent(settings.sampler, start, plan.timesteps, schedule, predict, {
    onStep: async (step, x0) => {
      let preview: Uint8Array | undefined;
      if (settings.previewEvery && step % settings.previewEvery === 0 && step < steps) {
        hooks.signal?.throwIfAborted();
        preview = (await encodePicture((await autoencoder.decode(x0, 1)), autoencoder.imageSize)).png;
      }
      hooks.onProgress?.({ variation, count: settings.count, step, steps, done: step === steps, ...(preview && { preview }) });
    },
  });
  return decodeResult(models, latent, settings, seed, { denoiserCalls: stats.calls, denoiserMs: stats.ms }, started, hooks);
}

async function decodeResult(
  models: MusimModels, latent: Float32Array, settings: MusimSettings, seed: number, denoising: { denoiserCalls: number; denoiserMs: number }, started: number, hooks: MusimHooks,
): Promise<MusimImage> {
  hooks.signal?.throwIfAborted();
  const decodeStarted = performance.now();
  const image = await models.autoencoder.decode(latent, 1);
  const decoderMs = performance.now() - decodeStarted;
  const picture = await encodePicture(image, models.autoencoder.imageSize, settings.upscale);
  return { seed, ...picture, stats: { ...denoising, decoderMs, wallMs: performance.now() - started } };
}
