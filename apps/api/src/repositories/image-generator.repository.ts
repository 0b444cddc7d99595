import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { MuvisBundle } from '@muse/embeddings';
import type { MusimBundle, MusimRequestCheck, SamplerName } from '@muse/generation';
import { ServiceUnavailableException } from '../errors/app.exception.js';
import { engineUnavailable } from './engine-unavailable.util.js';
import type { GeneratorIdentity } from './music-generator.repository.js';
import type { PinnedEncoders } from './pinned-encoders.js';

interface Loaded {
  bundle: MusimBundle;
  encoder: MuvisBundle;
  identity: ImageGeneratorIdentity;
}

type GenerationModule = typeof import('@muse/generation');

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
  'Train and export one with `npm run train:musim` (it writes models/<name>/ and the models/default-musim pointer), ' +
  'or set MUSE_MUSIM_BUNDLE to a MusIm bundle folder (e.g. one exported by training/musim/export.py), then retry';

export interface MusimGeneratorOptions {
  modelsDir: string;
  /** MUSE_MUSIM_BUNDLE: a folder path, or a folder name under modelsDir; unset → models/default-musim */
  bundle?: string;
  threads: number;
  /** the MuVis bundles generators pin, opened once per process */
  encoders: PinnedEncoders;
}

/**
 * The MusIm engine of @muse/generation: the bundle and its pinned MuVis encoder, loaded on first use
 * and kept (a failed load is not kept, so a bundle installed later is found by the next request).
 * The package itself is imported on first use too.
 */
export class MusimGenerator implements ImageGenerator {
  private module?: Promise<GenerationModule>;
  private loading?: Promise<Loaded>;
  private closed = false;

  constructor(
    private readonly options: MusimGeneratorOptions,
    private readonly logger: Logger,
  ) {}

  private engineModule(): Promise<GenerationModule> {
    this.module ??= import('@muse/generation');
    return this.module;
  }

  async identity(): Promise<ImageGeneratorIdentity> {
    return (await this.load()).identity;
  }

  private load(): Promise<Loaded> {
    if (this.closed) return Promise.reject(new ServiceUnavailableException('image generation is shutting down'));
    this.loading ??= this.open().catch((err: unknown) => {
      this.loading = undefined;
      const unavailable = engineUnavailable(err, 'image generation', UNAVAILABLE_REASONS, HOW_TO_GET_A_BUNDLE);
      this.logger.warn({ err, reason: unavailable.details?.reason }, 'image generator unavailable');
      throw unavailable;
    });
    return this.loading;
  }

  private async open(): Promise<Loaded> {
    const g = await this.engineModule();
    const started = performance.now();
    const named = this.options.bundle;
    const isPath = named !== undefined && (isAbsolute(named) || named.includes('/') || named.includes('\\') || named.startsWith('.'));
    const dir = isPath ? resolve(named) : await g.resolveMusimBundleDir(this.options.modelsDir, named);
    const bundle = await g.loadMusimBundle(dir, { intraOpThreads: this.options.threads });
    let encoder: MuvisBundle;
    try {
      encoder = await this.options.encoders.get(bundle.manifest.encoder);
    } catch (err) {
      await bundle.close();
      throw err;
    }
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
    (await this.engineModule()).checkMusimRequest(request);
  }

  async condition(audio: Uint8Array): Promise<Float32Array> {
    const [{ encoder }, g] = await Promise.all([this.load(), this.engineModule()]);
    return g.embedMusicCondition(encoder, audio);
  }

  async generate(request: PictureRequest, hooks: { onProgress(progress: PictureProgress): void; signal: AbortSignal }): Promise<GeneratedPicture[]> {
    const [{ bundle }, g] = await Promise.all([this.load(), this.engineModule()]);
    const images = await g.generateMusim(bundle, request, { onProgress: (p) => hooks.onProgress(p), signal: hooks.signal });
    return images.map((i) => ({ seed: i.seed, png: i.png, width: i.width, height: i.height, denoiserCalls: i.stats.denoiserCalls, wallMs: i.stats.wallMs }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const loading = this.loading;
    this.loading = undefined;
    const loaded = await loading?.catch(() => undefined);
    // the encoder is the shared PinnedEncoders' to close
    await loaded?.bundle.close();
  }
}
