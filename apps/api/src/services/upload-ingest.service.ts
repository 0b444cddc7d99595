import type { Prisma } from '../generated/prisma/client.js';
import type { AssetRepository } from '../repositories/asset.repository.js';
import type { Job, JobRepository } from '../repositories/job.repository.js';
import type { IngestResult, IngestService, StagedUpload, UploadOptions } from './ingest.service.js';
import { JobCancelledError, type JobService } from './job.service.js';
import type { ErrorCode } from '../errors/app.exception.js';
import { ConflictException, NotFoundException, RelayedException, ServiceUnavailableException } from '../errors/app.exception.js';

/** The job type of an upload embedded on a worker. */
export const INGEST_ASSET_JOB = 'INGEST_ASSET';
/** What an INGEST_ASSET job returns. */
export interface IngestJobResult {
  assetId: string;
  created: boolean;
}

/** A worker in another process finishes the job: its row is re-read this often while the request waits. */
const WAIT_POLL_MS = 50;

export interface UploadIngestOptions {
  /** embed on the job queue's workers (BullMQ) rather than in this process */
  queued: boolean;
  /** how long a queued ingest is waited for before the answer is SERVICE_UNAVAILABLE with the job's id */
  waitMs: number;
}

/**
 * Where an upload (ingestAsset, `npm run ingest`) is embedded. Without a job queue: here, in the
 * request (`IngestService.ingest`). With one: the bytes are stored here, an INGEST_ASSET job embeds
 * them on whichever worker takes it and writes the asset there, and the request waits for the job —
 * so the answer is the same asset (or the same refusal, with its code) either way, and the API's
 * event loop does no embedding. The asset exists only once embedded: until then there is a job and
 * a stored file, and a job that fails removes the file unless another upload still needs it.
 */
export class UploadIngestService {
  constructor(
    private readonly ingest: IngestService,
    private readonly jobs: JobService,
    private readonly jobRows: JobRepository,
    private readonly assets: AssetRepository,
    private readonly options: UploadIngestOptions,
  ) {
    // a request waits on it: it runs beside generation, never behind it
    jobs.register(INGEST_ASSET_JOB, (input, _progress, signal, jobId) => this.runJob(input as StagedUpload, signal, jobId ?? null), { lane: 'interactive' });
  }

  get queued(): boolean {
    return this.options.queued;
  }

  /** The asset of these bytes (`created` false: the same bytes were stored before). */
  async upload(bytes: Uint8Array, opts: UploadOptions, apiKeyId: string | null = null): Promise<IngestResult> {
    if (!this.options.queued) return this.ingest.ingest(bytes, opts);
    const staging = await this.ingest.stage(bytes, opts);
    if ('asset' in staging) return staging;
    const { staged } = staging;
    let job: Job;
    try {
      job = await this.jobs.enqueue(INGEST_ASSET_JOB, staged as unknown as Prisma.InputJsonValue, { apiKeyId });
    } catch (err) {
      // the job is FAILED (queue unreachable): its file goes unless another upload of the same bytes is under way
      await this.discardUnlessNeeded(staged, null);
      throw err;
    }
    const end = await this.jobs.waitUntilFinished(job.id, this.options.waitMs, WAIT_POLL_MS);
    // the worker removes the file of a job it ran and failed; not of one it never ran (cancelled while queued, failed for lapsed leases)
    if (end.status === 'FAILED' || end.status === 'CANCELLED') await this.discardUnlessNeeded(staged, null);
    return this.outcome(end);
  }

  private async outcome(job: Job): Promise<IngestResult> {
    if (job.status === 'SUCCEEDED') {
      const { assetId, created } = job.result as unknown as IngestJobResult;
      const asset = await this.assets.findById(assetId);
      if (!asset) throw new NotFoundException(`the asset ${assetId} was ingested and deleted again before this answer`, { jobId: job.id });
      await this.ingest.showInOwnIndex(asset);
      return { asset, created };
    }
    if (job.status === 'FAILED') {
      const code = (job.result as { errorCode?: ErrorCode } | null)?.errorCode;
      if (code) throw new RelayedException(code, job.error ?? 'the upload was refused', { jobId: job.id });
      throw new Error(`ingest job ${job.id} failed: ${job.error}`);
    }
    if (job.status === 'CANCELLED') throw new ConflictException(`the ingest job ${job.id} was cancelled; nothing was stored`, { jobId: job.id });
    const seconds = Math.round(this.options.waitMs / 1000);
    throw new ServiceUnavailableException(
      `no worker finished embedding the upload within ${seconds} s (MUSE_INGEST_WAIT_MS; the job is ${job.status}). ` +
        `It goes on: job(id: "${job.id}") says when it is done, and result.assetId names the asset; the same upload again gives the same asset`,
      { jobId: job.id, status: job.status },
    );
  }

  /** An INGEST_ASSET job's body, on whichever process runs it. */
  private async runJob(staged: StagedUpload, signal: AbortSignal, jobId: string | null): Promise<IngestJobResult> {
    try {
      const { asset, created } = await this.ingest.finishStaged(staged, signal);
      return { assetId: asset.id, created };
    } catch (err) {
      // shutting down or lease lost: another runner takes the job over, with this file
      const handedOver = signal.aborted && !(signal.reason instanceof JobCancelledError);
      if (!handedOver) await this.discardUnlessNeeded(staged, jobId);
      throw err;
    }
  }

  /**
   * Removes a staged file that no asset owns and no other unfinished ingest names. (An upload of the
   * same bytes staged between this check and the removal finds its file gone and is refused with
   * SERVICE_UNAVAILABLE, to be sent again; the orphan sweep removes whatever a crash leaves.)
   */
  private async discardUnlessNeeded(staged: StagedUpload, ownJobId: string | null): Promise<void> {
    if ((await this.jobRows.countActiveWithInput(INGEST_ASSET_JOB, 'sha256', staged.sha256, ownJobId)) > 0) return;
    await this.ingest.discardStaged(staged);
  }
}
