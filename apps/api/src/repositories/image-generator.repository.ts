import type { Logger } from 'pino';
import type { MuvisBundle } from '@muse/embeddings';
import type { MusimBundle, MusimRequestCheck, SamplerName } from '@muse/generation';
import { EngineLoader, engineModule, namedBundleDir, pinnedEncoderOf } from './engine-loader.js';
import type { GeneratorIdentity } from './music-generator.repository.js';
import type { PinnedEncoders } from './pinned-encoders.js';

interface Loaded {
  bundle: MusimBundle;
  encoder: MuvisBundle;
  identity: ImageGeneratorIdentity;
}

/** What makes a picture, as the generations table records it. */
export interface ImageGeneratorIdentity extends Omit<GeneratorIdentity, 'engine' | 'defaults'> {
  engine: 'musim';
  /** the engine's own defaults for what a request leaves unset */
  defaults: { steps: number; sampler: SamplerName; guidanceScale: number; strength: number };
}

export interface PictureRequest {
  /** the track's pinned MuVis audio embedding */
  condition: Float32Array;
  seed: number;
  count: number;
  steps?: number;
  sampler?: SamplerName;
  guidanceScale?: number;
  guide?: { image: Uint8Array; strength?: number };
  upscale?: boolean;
  previewEvery?: number;
}

export interface PictureProgress {
  variation: number;
  count: number;
  step: number;
  steps: number;
  /** PNG of the current estimate, every `previewEvery` steps */
  preview?: Uint8Array;
}

export interface GeneratedPicture {
  seed: number;
  png: Uint8Array;
  width: number;
  height: number;
  denoiserCalls: number;
  wallMs: number;
}

/** The picture generator as the image generation service sees it (a fake stands in for it in specs). */
export interface ImageGenerator {
  /** Loads the engine once; SERVICE_UNAVAILABLE (saying how to get a bundle) when it cannot. */
  identity(): Promise<ImageGeneratorIdentity>;
  /** The engine's own range checks (BAD_USER_INPUT), before a job exists. */
  checkRequest(request: MusimRequestCheck): Promise<void>;
  /** The condition with the pinned encoder: the track's MuVis audio embedding. */
  condition(audio: Uint8Array): Promise<Float32Array>;
  /** 1–4 variations; rejects with the signal's reason when it aborts (checked between denoiser steps). */
  generate(request: PictureRequest, hooks: { onProgress(progress: PictureProgress): void; signal: AbortSignal }): Promise<GeneratedPicture[]>;
  close(): Promise<void>;
}

/** Engine codes that mean "this server cannot generate pictures", as told to clients. */
const UNAVAILABLE_REASONS: Record<string, string> = {
  BUNDLE_MISSING: 'no MusIm bundle is installed',
  BUNDLE_INVALID: 'the MusIm bundle is incomplete or malformed',
  ENCODER_MISMATCH: 'the MuVis encoder bundle that the MusIm bundle pins is missing or differs from it',
  ENGINE_LOAD_FAILED: 'the engine could not be loaded',
};

const HOW_TO_GET_A_BUNDLE =
  'Install one as models/<name>/ named by models/default-musim (train it with `npm run train:musim-autoencoder` and ' +
  '`npm run train:musim`, see training/musim/README.md), or set MUSE_MUSIM_BUNDLE to a MusIm bundle folder (e.g. one ' +
  'exported by training/musim/export.py), then retry';

export interface MusimGeneratorOptions {
  modelsDir: string;
  /** MUSE_MUSIM_BUNDLE: a folder path, or a folder name under modelsDir; unset → models/default-musim */
  bundle?: string;
  threads: number;
  /** the MuVis bundles generators pin, opened once per process */
  encoders: PinnedEncoders;
}

/** The MusIm engine of @muse/generation: the bundle and its pinned MuVis encoder, loaded on first use and kept. */
export class MusimGenerator implements ImageGenerator {
  private readonly engine: EngineLoader<Loaded>;

  constructor(
    private readonly options: MusimGeneratorOptions,
    private readonly logger: Logger,
  ) {
    this.engine = new EngineLoader(() => this.open(), { what: 'image generation', reasons: UNAVAILABLE_REASONS, howToGetABundle: HOW_TO_GET_A_BUNDLE }, logger);
  }

  async identity(): Promise<ImageGeneratorIdentity> {
    return (await this.engine.get()).identity;
  }

  private async open(): Promise<Loaded> {
    const g = await engineModule();
    const started = performance.now();
    const dir = await namedBundleDir(this.options.bundle, this.options.modelsDir, () => g.resolveMusimBundleDir(this.options.modelsDir));
    const bundle = await g.loadMusimBundle(dir, { intraOpThreads: this.options.threads });
    const encoder = await pinnedEncoderOf(bundle, this.options.encoders);
    const pin = bundle.manifest.encoder;
    const identity: ImageGeneratorIdentity = {
      engine: 'musim',
      bundle: `${bundle.name}@${bundle.version}`,
      encoder: `${pin.name}@${pin.version}`,
      defaults: { steps: g.MUSIM_DEFAULTS.steps, sampler: g.MUSIM_DEFAULTS.sampler, guidanceScale: g.MUSIM_DEFAULTS.guidanceScale, strength: g.MUSIM_DEFAULTS.strength },
    };
    this.logger.info({ ...identity, dir, ms: Math.round(performance.now() - started) }, 'image generator loaded');
    return { bundle, encoder, identity };
  }

  async checkRequest(request: MusimRequestCheck): Promise<void> {
    (await engineModule()).checkMusimRequest(request);
  }

  async condition(audio: Uint8Array): Promise<Float32Array> {
    const [{ encoder }, g] = await Promise.all([this.engine.get(), engineModule()]);
    return g.embedMusicCondition(encoder, audio);
  }

  async generate(request: PictureRequest, hooks: { onProgress(progress: PictureProgress): void; signal: AbortSignal }): Promise<GeneratedPicture[]> {
    const [{ bundle }, g] = await Promise.all([this.engine.get(), engineModule()]);
    const images = await g.generateMusim(bundle, request, { onProgress: (p) => hooks.onProgress(p), signal: hooks.signal });
    return images.map((i) => ({ seed: i.seed, png: i.png, width: i.width, height: i.height, denoiserCalls: i.stats.denoiserCalls, wallMs: i.stats.wallMs }));
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
