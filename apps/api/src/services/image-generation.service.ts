import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { SamplerName } from '@muse/generation';
import type { GenerationLimits } from '../config/config.js';
import type { AssetRepository, AssetRow, NewGeneration } from '../repositories/asset.repository.js';
import type { ImageGenerator, ImageGeneratorIdentity, GeneratedPicture } from '../repositories/image-generator.repository.js';
import type { Job } from '../repositories/job.repository.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import { BadUserInputException, ForbiddenException } from '../errors/app.exception.js';
import type { AssetService } from './asset.service.js';
import { GenerationInputs, latestWins, MAX_SEED, seedAndTitle, type Progress, type UploadedFile } from './generation-inputs.js';
import type { IngestService } from './ingest.service.js';
import type { JobService } from './job.service.js';

/** The job type of `generateImage`, under which its handler is registered. */
export const GENERATE_IMAGE_JOB = 'GENERATE_IMAGE';
/** Shares of a job's progress at the end of each stage; denoising (per step, across variations) is most of it. */
const PROGRESS = { embedded: 0.03, generated: 0.93 } as const;
/** a preview of the current estimate every this many denoiser steps, as a small JPEG in the job row (Job.preview) */
const PREVIEW_EVERY = 4;
const PREVIEW_SIZE = 128;

/** The engine's preview PNG as a small JPEG data URL: a few kB per write of the job row. */
async function thumbnail(png: Uint8Array): Promise<string> {
  const jpeg = await sharp(png).resize(PREVIEW_SIZE, PREVIEW_SIZE).jpeg({ quality: 70 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/** generateImage's input, uploads read. */
export interface GenerateImageRequest {
  /** the key asking (the job's owner); mutations always have one */
  apiKeyId: string | null;
  audio?: UploadedFile;
  audioAssetId?: string;
  guide?: UploadedFile;
  guideAssetId?: string;
  strength?: number;
  steps?: number;
  sampler?: string;
  guidanceScale?: number;
  seed?: number;
  count?: number;
  upscale?: boolean;
  libraryId?: string;
  title?: string;
}

/** A GENERATE_IMAGE job's input: sources by asset id, so that any process can run it. */
export interface GenerateImageJobInput {
  audioAssetId: string;
  guide?: { assetId: string; strength?: number };
  seed: number;
  count: number;
  steps?: number;
  sampler?: SamplerName;
  guidanceScale?: number;
  upscale: boolean;
  libraryId?: string;
  title?: string;
}

export interface GenerateImageResult {
  /** the GENERATED image assets, in variation order */
  assetIds: string[];
}

export interface ImageGenerationServiceDeps {
  assets: AssetRepository;
  libraries: LibraryRepository;
  media: MediaStore;
  ingest: IngestService;
  assetService: AssetService;
  jobs: JobService;
  generator: ImageGenerator;
  limits: GenerationLimits;
  logger: Logger;
}

/**
 * Pictures from music (MusIm), as a job. The request is checked whole before a job exists — inputs,
 * the engine's ranges, asset ids and kinds, the engine's availability, the key's and the server's
 * job limits — and its uploads are stored as UPLOAD assets (undone if the request fails after all).
 * The job embeds the track with the generator's pinned encoder, denoises (progress per step,
 * cancellation between steps), and stores each picture through the ingest path — embedded, indexed
 * and searchable — with its generation record, all of them or none.
 */
export class ImageGenerationService {
  private readonly inputs: GenerationInputs;

  constructor(private readonly deps: ImageGenerationServiceDeps) {
    this.inputs = new GenerationInputs(deps);
    // myGenerations lists a key's generations from their SUCCEEDED jobs: pruning keeps those
    deps.jobs.register(GENERATE_IMAGE_JOB, (input, progress, signal) => this.run(input as GenerateImageJobInput, progress, signal), { keepSucceeded: true });
  }

  /** Checks a request, stores its uploads and queues a GENERATE_IMAGE job. */
  async start(r: GenerateImageRequest): Promise<Job> {
    const { generator, jobs, limits } = this.deps;
    if (!r.apiKeyId) throw new ForbiddenException('generating images needs an API key with the "write" scope');
    if (Boolean(r.audio) === Boolean(r.audioAssetId)) throw new BadUserInputException('give exactly one of audio (an upload) or audioAssetId');
    if (r.guide && r.guideAssetId) throw new BadUserInputException('give at most one of guide (an upload) or guideAssetId');
    const guided = Boolean(r.guide || r.guideAssetId);
    if (r.strength !== undefined && !guided) throw new BadUserInputException('strength needs a guide image (guide or guideAssetId)');
    const count = r.count ?? 1;
    if (!(Number.isInteger(count) && count >= 1 && count <= limits.maxCount)) {
      throw new BadUserInputException(`count (variations) must be 1–${limits.maxCount} on this server, got ${count}`, { max: limits.maxCount });
    }
    const { seed, title } = seedAndTitle(r.seed, r.title, () => randomInt(0, MAX_SEED + 1));
    const sampler = r.sampler as SamplerName | undefined;
    await generator.checkRequest({
      seed, count, steps: r.steps, sampler, guidanceScale: r.guidanceScale, upscale: r.upscale,
      ...(guided && { guide: { strength: r.strength } }),
    });
    const admission = await this.inputs.admit(GENERATE_IMAGE_JOB, r.apiKeyId, r.libraryId, () => generator.identity());

    // stored sources are checked before any upload is stored
    const audioAsset = r.audioAssetId ? await this.inputs.sourceAsset(r.audioAssetId, 'AUDIO', 'audioAssetId') : null;
    const guideAsset = r.guideAssetId ? await this.inputs.sourceAsset(r.guideAssetId, 'IMAGE', 'guideAssetId') : null;
    const created: string[] = [];
    try {
      const audioAssetId = audioAsset?.id ?? (await this.inputs.storeUpload(r.audio!, 'AUDIO', created)).id;
      const guideAssetId = guideAsset?.id ?? (r.guide ? (await this.inputs.storeUpload(r.guide, 'IMAGE', created)).id : undefined);
      const input: GenerateImageJobInput = {
        audioAssetId,
        ...(guideAssetId && { guide: { assetId: guideAssetId, ...(r.strength !== undefined && { strength: r.strength }) } }),
        seed,
        count,
        ...(r.steps !== undefined && { steps: r.steps }),
        ...(sampler !== undefined && { sampler }),
        ...(r.guidanceScale !== undefined && { guidanceScale: r.guidanceScale }),
        upscale: r.upscale ?? false,
        ...(r.libraryId && { libraryId: r.libraryId }),
        ...(title && { title }),
      };
      return await jobs.enqueue(GENERATE_IMAGE_JOB, input as object, { apiKeyId: r.apiKeyId, admission });
    } catch (err) {
      await this.inputs.discard(created);
      throw err;
    }
  }

  /** The body of a GENERATE_IMAGE job. */
  async run(input: GenerateImageJobInput, progress: Progress, signal: AbortSignal): Promise<GenerateImageResult> {
    const { generator } = this.deps;
    const identity = await generator.identity();
    await progress(0, 'embedding the track');
    const audio = await this.inputs.readSource(input.audioAssetId, 'audio');
    const guide = input.guide && { image: (await this.inputs.readSource(input.guide.assetId, 'guide')).bytes, strength: input.guide.strength };
    const condition = await generator.condition(audio.bytes);
    signal.throwIfAborted();

    const generating = latestWins<Uint8Array>(async (fraction, message, preview) => progress(fraction, message, preview && (await thumbnail(preview))));
    const pictures = await generator.generate(
      {
        condition, seed: input.seed, count: input.count, steps: input.steps, sampler: input.sampler, guidanceScale: input.guidanceScale,
        upscale: input.upscale, previewEvery: PREVIEW_EVERY, ...(guide && { guide }),
      },
      {
        signal,
        onProgress: (p) => {
          const done = (p.variation + (p.steps > 0 ? p.step / p.steps : 1)) / p.count;
          generating.report(PROGRESS.embedded + done * (PROGRESS.generated - PROGRESS.embedded), `step ${p.step} of ${p.steps}, picture ${p.variation + 1} of ${p.count}`, p.preview);
        },
      },
    );
    await generating.settle();
    await progress(PROGRESS.generated, `storing ${pictures.length === 1 ? 'the picture' : `${pictures.length} pictures`}`);
    // the last point where a cancel stops the job: what follows is stored whole, or undone
    signal.throwIfAborted();
    return { assetIds: await this.store(input, identity, audio.asset, pictures) };
  }

  /** Each picture as a GENERATED image asset with its generation record; all of them, or none. */
  private async store(input: GenerateImageJobInput, identity: ImageGeneratorIdentity, track: AssetRow, pictures: GeneratedPicture[]): Promise<string[]> {
    const ids: string[] = [];
    const created: string[] = [];
    const base = input.title ?? `Picture for ${track.title ?? 'a track'}`;
    try {
      for (const [i, picture] of pictures.entries()) {
        const stored = await this.deps.ingest.ingest(picture.png, {
          source: 'GENERATED',
          expect: 'IMAGE',
          title: pictures.length > 1 ? `${base} (${i + 1} of ${pictures.length})` : base,
          libraryId: input.libraryId ?? null,
          generation: this.record(input, identity, picture, i),
        });
        if (stored.created) created.push(stored.asset.id);
        ids.push(stored.asset.id);
      }
    } catch (err) {
      await this.inputs.discard(created);
      throw err;
    }
    return ids;
  }

  private record(input: GenerateImageJobInput, identity: ImageGeneratorIdentity, picture: GeneratedPicture, variation: number): NewGeneration {
    const { defaults } = identity;
    return {
      engine: identity.engine,
      bundle: identity.bundle,
      encoder: identity.encoder,
      seed: picture.seed,
      midiSha256: null,
      parameters: {
        count: input.count,
        variation,
        baseSeed: input.seed,
        steps: input.steps ?? defaults.steps,
        sampler: input.sampler ?? defaults.sampler,
        guidanceScale: input.guidanceScale ?? defaults.guidanceScale,
        upscale: input.upscale,
        ...(input.guide && { strength: input.guide.strength ?? defaults.strength }),
        output: { width: picture.width, height: picture.height, denoiserCalls: picture.denoiserCalls, wallMs: Math.round(picture.wallMs) },
      },
      sources: [
        { role: 'AUDIO', assetId: input.audioAssetId },
        ...(input.guide ? [{ role: 'GUIDE' as const, assetId: input.guide.assetId }] : []),
      ],
    };
  }
}
