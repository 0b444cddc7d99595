import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AssetKind } from '../generated/prisma/enums.js';
import type { AssetRepository, AssetRow } from '../repositories/asset.repository.js';
import type { MediaStore } from '../repositories/media-store.js';
import type { LibraryRepository } from '../repositories/library.repository.js';
import type { GenerationLimits } from '../config/config.js';
import type { AdmissionLimits } from '../repositories/job.repository.js';
import type { JobService } from './job.service.js';
import { BadUserInputException, NotFoundException } from '../errors/app.exception.js';
import type { AssetService } from './asset.service.js';
import type { IngestService } from './ingest.service.js';

/** GraphQL's Int: seeds a client may give (variation i uses seed + i). */
export const MAX_SEED = 2_147_483_647;
export const MAX_TITLE_LENGTH = 200;

export interface UploadedFile {
  bytes: Uint8Array;
  filename: string;
}

export type Progress = (fraction: number, message?: string, preview?: string) => Promise<void>;

export interface GenerationInputsDeps {
  assets: AssetRepository;
  libraries: LibraryRepository;
  jobs: JobService;
  limits: GenerationLimits;
  media: MediaStore;
  ingest: IngestService;
  assetService: AssetService;
  logger: Logger;
}

/**
 * What the generation services (music from an image, an image from music) share about their sources: a
 * stored asset of the right kind, an upload stored as an UPLOAD asset (and undone if the request fails
 * after all), a source's bytes when the job runs.
 */
export class GenerationInputs {
  constructor(private readonly deps: GenerationInputsDeps) {}

  /**
   * What is left to check before a generation job is queued: the library it saves to, the engine
   * (SERVICE_UNAVAILABLE now rather than a job that fails), the key's and the server's job limits for
   * its type. Returns the limits, which the enqueue checks again atomically.
   */
  async admit(jobType: string, apiKeyId: string, libraryId: string | undefined, engineIdentity: () => Promise<unknown>): Promise<AdmissionLimits> {
    if (libraryId && !(await this.deps.libraries.findById(libraryId))) throw new NotFoundException(`library ${libraryId} does not exist`);
    await engineIdentity();
    const admission = { maxActivePerKey: this.deps.limits.maxActivePerKey, maxActive: this.deps.limits.maxQueue };
    await this.deps.jobs.checkAdmission(jobType, apiKeyId, admission);
    return admission;
  }

  /** A stored source: NOT_FOUND when it does not exist, BAD_USER_INPUT when it is of the other kind. */
  async sourceAsset(id: string, kind: AssetKind, field: string): Promise<AssetRow> {
    const asset = await this.deps.assets.findById(id);
    if (!asset) throw new NotFoundException(`${field}: asset ${id} does not exist`);
    if (asset.kind !== kind) throw new BadUserInputException(`${field} must name ${kind === 'IMAGE' ? 'an IMAGE' : 'an AUDIO'} asset; ${id} is ${asset.kind}`);
    return asset;
  }

  /** Stores an upload through the ingest path; a new asset's id goes into `created`, for `discard`. */
  async storeUpload(file: UploadedFile, kind: AssetKind, created: string[]): Promise<AssetRow> {
    const { asset, created: isNew } = await this.deps.ingest.ingest(file.bytes, {
      source: 'UPLOAD',
      expect: kind,
      title: file.filename.replace(/\.[^.]*$/, '') || null,
    });
    if (isNew) created.push(asset.id);
    return asset;
  }

  /** Removes assets a request or job created, when it fails after storing them. */
  async discard(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.deps.assetService.delete(id).catch((err) => this.deps.logger.warn({ err, assetId: id }, 'could not remove an asset of a failed generation'));
    }
  }

  /** A source's row and bytes when the job runs (it may have been deleted since the request). */
  async readSource(assetId: string, role: string): Promise<{ asset: AssetRow; bytes: Uint8Array }> {
    const asset = await this.deps.assets.findById(assetId);
    const bytes = asset && (await this.deps.media.read(asset.sha256, asset.ext));
    if (!asset || !bytes) throw new Error(`the ${role} asset ${assetId} was deleted before the job ran`);
    return { asset, bytes };
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A seed as given (checked) or drawn; a title trimmed and bounded. */
export function seedAndTitle(seed: number | undefined, title: string | undefined, draw: () => number): { seed: number; title: string | undefined } {
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) throw new BadUserInputException(`seed must be an integer 0–${MAX_SEED}, got ${seed}`);
  const trimmed = title?.trim() || undefined;
  if (trimmed && trimmed.length > MAX_TITLE_LENGTH) throw new BadUserInputException(`title must be at most ${MAX_TITLE_LENGTH} characters`);
  return { seed: seed ?? draw(), title: trimmed };
}

/**
 * Progress from a synchronous callback (the engine's, per bar or per step): one write at a time, the
 * latest state winning. A write that throws (the job is to stop) is dropped here: the job's signal
 * has aborted, and the engine stops at its next network call.
 */
export function latestWins<P = never>(
  progress: (fraction: number, message: string, preview?: P) => Promise<void>,
): { report(fraction: number, message: string, preview?: P): void; settle(): Promise<void> } {
  let inFlight: Promise<void> | null = null;
  let next: [number, string, P | undefined] | null = null;
  const pump = (): void => {
    if (!next) {
      inFlight = null;
      return;
    }
    const [fraction, message, preview] = next;
    next = null;
    inFlight = progress(fraction, message, preview).catch(() => undefined).then(pump);
  };
  return {
    report(fraction, message, preview) {
      // a preview not yet written is kept when a report without one overtakes it
      next = [fraction, message, preview ?? next?.[2]];
      if (!inFlight) pump();
    },
    async settle() {
      while (inFlight) await inFlight;
    },
  };
}
