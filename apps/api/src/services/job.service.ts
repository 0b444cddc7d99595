import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Prisma } from '../generated/prisma/client.js';
import type { Job, JobRepository } from '../repositories/job.repository.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { ServiceUnavailableException } from '../errors/app.exception.js';
import { withTimeout } from '../with-timeout.util.js';

export type JobHandler = (input: unknown, progress: (fraction: number) => Promise<void>) => Promise<unknown>;

/** Progress is written at most this often; a final 1 always lands. */
const PROGRESS_WRITE_INTERVAL_MS = 200;
/** A job whose runner stopped this many times is failed rather than tried again. */
export const MAX_JOB_ATTEMPTS = 3;
/** Handing a job to the queue takes at most this long (Redis down must not hang the request). */
const DISPATCH_TIMEOUT_MS = 5000;

export interface JobServiceOptions {
  /** How long a claim lasts without renewal; the owner renews it three times per period. */
  leaseMs: number;
  /** This process holds the database alone (PGlite): leases left by earlier processes are void at start. */
  exclusiveDatabase: boolean;
}

/**
 * Jobs as rows with one owner at a time. A runner (in-process, or BullMQ workers on Redis)
 * delivers job ids; the process that claims a job holds a lease it keeps renewing; a job whose
 * lease runs out (its process died, Redis lost it) is delivered again and claimed by another,
 * up to MAX_JOB_ATTEMPTS times, then FAILED with the reason.
 */
export class JobService {
  private readonly handlers = new Map<string, JobHandler>();
  /** host:pid:random, unique per process */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private recoveryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
    private readonly logger: Logger,
    private readonly options: JobServiceOptions,
  ) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  async start(): Promise<void> {
    await this.runner.start((id) => this.execute(id));
    if (this.options.exclusiveDatabase) await this.jobs.expireAllLeases();
    // work a previous process accepted but did not finish, then whatever a stopped runner drops
    await this.recover(new Date());
    this.recoveryTimer = setInterval(() => {
      void this.recover(new Date(Date.now() - this.options.leaseMs)).catch((err) => this.logger.warn({ err }, 'job recovery failed'));
    }, this.options.leaseMs / 2);
    this.recoveryTimer.unref();
  }

  /** Delivers jobs nobody is running: QUEUED before `queuedBefore`, or RUNNING with a lapsed lease. */
  private async recover(queuedBefore: Date): Promise<void> {
    for (const job of await this.jobs.orphaned(queuedBefore)) {
      // in process, a QUEUED job is already waiting in this runner's queue unless this is the start
      if (job.status === 'QUEUED' && this.runner.kind === 'in-process' && this.recoveryTimer) continue;
      await this.runner.dispatch(job.id, job.attempts).catch((err) => this.logger.warn({ err, jobId: job.id }, 'could not re-deliver a job'));
    }
  }

  async enqueue(type: string, input: Prisma.InputJsonValue): Promise<Job> {
    if (!this.handlers.has(type)) throw new Error(`no handler for job type ${type}`);
    const job = await this.jobs.create(type, input);
    try {
      await withTimeout(this.runner.dispatch(job.id, 0), DISPATCH_TIMEOUT_MS, `no answer within ${DISPATCH_TIMEOUT_MS / 1000} s`);
    } catch (err) {
      const reason = `the job queue is unavailable: ${(err as Error).message}`;
      await this.jobs.markFailed(job.id, null, reason);
      throw new ServiceUnavailableException(`${reason}; try again later`, { jobId: job.id });
    }
    return job;
  }

  get(id: string): Promise<Job | null> {
    return this.jobs.findById(id);
  }

  get runnerKind() {
    return this.runner.kind;
  }

  private async execute(id: string): Promise<void> {
    const seen = await this.jobs.findById(id);
    if (!seen || seen.status === 'SUCCEEDED' || seen.status === 'FAILED') return;
    const handler = this.handlers.get(seen.type);
    if (!handler) {
      await this.jobs.markFailed(id, null, `no handler for job type ${seen.type}`);
      return;
    }
    const job = await this.jobs.claim(id, this.owner, this.options.leaseMs);
    if (!job) return; // another process holds a live lease on it, or it finished meanwhile
    if (job.attempts > MAX_JOB_ATTEMPTS) {
      await this.jobs.markFailed(id, this.owner, `its runner stopped ${MAX_JOB_ATTEMPTS} times before finishing (the lease ran out each time)`);
      return;
    }
    const renew = setInterval(() => {
      void this.jobs.renewLease(id, this.owner, this.options.leaseMs).then(
        (held) => held || this.logger.warn({ jobId: id }, 'lost the lease of a running job; its result will not be written'),
        (err) => this.logger.warn({ err, jobId: id }, 'could not renew a job lease'),
      );
    }, this.options.leaseMs / 3);
    let lastWrite = 0;
    const progress = async (fraction: number) => {
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS && fraction < 1) return;
      lastWrite = now;
      await this.jobs.setProgress(id, this.owner, Math.min(1, Math.max(0, fraction)));
    };
    try {
      const result = await handler(job.input, progress);
      await this.jobs.markSucceeded(id, this.owner, (result ?? null) as Prisma.InputJsonValue);
    } catch (err) {
      this.logger.error({ err, jobId: id, type: job.type }, 'job failed');
      await this.jobs.markFailed(id, this.owner, (err as Error).message);
    } finally {
      clearInterval(renew);
    }
  }

  async close(): Promise<void> {
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    await this.runner.close();
  }
}
