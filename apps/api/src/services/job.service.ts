import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Prisma } from '../generated/prisma/client.js';
import type { AdmissionLimits, Job, JobRepository, LeaseState } from '../repositories/job.repository.js';
import type { JobLane, JobRunner } from '../jobs/job-runner.js';
import { ConflictException, NotFoundException, ServiceUnavailableException, TooManyRequestsException } from '../errors/app.exception.js';
import { withTimeout } from '../with-timeout.util.js';
import { DATABASE_BUSY_MESSAGE, errorCodeOf, isDatabaseBusy } from '../errors/error-code.util.js';
import { JobWatch, TERMINAL_JOB_STATUSES } from './job-watch.js';

/**
 * A job's body. `progress` records how far it is (0–1), what it does in words, and (for pictures) a
 * thumbnail data URL of the current estimate; it throws once the job is to stop (cancelled, its
 * lease lost, or this process shutting down), as `signal` aborts. `jobId` is the job's own id.
 */
export type JobHandler = (
  input: unknown,
  progress: (fraction: number, message?: string, preview?: string) => Promise<void>,
  signal: AbortSignal,
  jobId?: string,
) => Promise<unknown>;

/** Progress is written at most this often; a final 1 always lands. */
const PROGRESS_WRITE_INTERVAL_MS = 200;
/** Between progress writes, a running job looks for a cancel request this often (another process may have made it). */
const CANCEL_CHECK_INTERVAL_MS = 1000;
/** A job whose runner stopped this many times is failed rather than tried again. */
export const MAX_JOB_ATTEMPTS = 3;
/** Codes of a job failure caused by what the client sent, logged as information rather than errors. */
const CLIENT_INPUT_CODES: ReadonlySet<string> = new Set(['BAD_USER_INPUT', 'AUDIO_TOO_SHORT', 'AUDIO_SILENT', 'UNSUPPORTED_MEDIA', 'PAYLOAD_TOO_LARGE']);
/** Handing a job to the queue takes at most this long (Redis down must not hang the request). */
const DISPATCH_TIMEOUT_MS = 5000;

/** Why a running job's signal aborted: cancelJob asked. */
export class JobCancelledError extends Error {
  constructor() {
    super('the job was cancelled');
    this.name = 'JobCancelledError';
  }
}
/** Why a running job's signal aborted: this process is stopping; the job is given back, not failed. */
export class JobInterruptedError extends Error {
  constructor() {
    super('the process running the job is shutting down');
    this.name = 'JobInterruptedError';
  }
}
/** Why a running job's signal aborted: its lease ran out and another process may own it now. */
class LeaseLostError extends Error {
  constructor() {
    super('the job lease was lost');
    this.name = 'LeaseLostError';
  }
}

/** how often finished jobs are pruned (more often when the retention itself is shorter) */
const PRUNE_INTERVAL_MS = 3_600_000;

export interface JobServiceOptions {
  /** How long a claim lasts without renewal; the owner renews it three times per period. */
  leaseMs: number;
  /** This process holds the database alone (PGlite): leases left by earlier processes are void at start. */
  exclusiveDatabase: boolean;
  /** finished jobs older than this are deleted (see prune); 0 or unset keeps them */
  retentionMs?: number;
  /** jobUpdated re-reads a job this often (default 1000 ms) */
  watchPollMs?: number;
  /** jobUpdated watches open at once (default 200) */
  maxWatches?: number;
}

export interface EnqueueOptions {
  /** the key that asked for the job: its owner for cancelJob and the per-key limit */
  apiKeyId?: string | null;
  /** refuse the job when the key, or everyone, has this many unfinished jobs of its type */
  admission?: AdmissionLimits;
}

/**
 * Jobs as rows with one owner at a time. A runner (in-process, or BullMQ workers on Redis)
 * delivers job ids; the process that claims a job holds a lease it keeps renewing; a job whose
 * lease runs out (its process died, Redis lost it) is delivered again and claimed by another,
 * up to MAX_JOB_ATTEMPTS times, then FAILED with the reason. A cancel request reaches the runner
 * through the row (at its next progress write, lease renewal or check), or at once in this process.
 */
export class JobService {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly lanes = new Map<string, JobLane>();
  /** the types whose SUCCEEDED rows prune may delete: registered here without keepSucceeded (a type this process does not know is kept) */
  private readonly prunableSucceeded = new Set<string>();
  private pruneTimer: NodeJS.Timeout | null = null;
  /** host:pid:random, unique per process */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private recoveryTimer: NodeJS.Timeout | null = null;
  /** the jobs this process runs now, by id */
  private readonly running = new Map<string, AbortController>();
  /** emits a job id whenever this process changes that job */
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private watches = 0;

  constructor(
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
    private readonly logger: Logger,
    private readonly options: JobServiceOptions,
  ) {}

  /**
   * `lane`: 'interactive' for a job a request waits on (see JobLane), else 'batch'. `keepSucceeded`: the type's
   * SUCCEEDED rows are a record something reads later (myGenerations), so `prune` leaves them.
   */
  register(type: string, handler: JobHandler, options: { lane?: JobLane; keepSucceeded?: boolean } = {}): void {
    this.handlers.set(type, handler);
    this.lanes.set(type, options.lane ?? 'batch');
    if (!options.keepSucceeded) this.prunableSucceeded.add(type);
  }

  private laneOf(type: string): JobLane {
    return this.lanes.get(type) ?? 'batch';
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
    const retention = this.options.retentionMs ?? 0;
    if (retention > 0) {
      await this.prune();
      this.pruneTimer = setInterval(() => void this.prune(), Math.min(retention / 2, PRUNE_INTERVAL_MS));
      this.pruneTimer.unref();
    }
  }

  /**
   * Deletes the jobs that finished more than `retentionMs` ago (FAILED and CANCELLED ones of every type, SUCCEEDED
   * ones of the types registered here without keepSucceeded), so that the table does not grow with every upload. Returns how many;
   * a failure is logged, not thrown (the next round tries again).
   */
  async prune(now = new Date()): Promise<number> {
    const retention = this.options.retentionMs ?? 0;
    if (retention <= 0) return 0;
    try {
      const pruned = await this.jobs.deleteFinishedBefore(new Date(now.getTime() - retention), [...this.prunableSucceeded]);
      if (pruned) this.logger.info({ pruned }, 'deleted finished jobs past their retention');
      return pruned;
    } catch (err) {
      this.logger.warn({ err }, 'could not prune finished jobs');
      return 0;
    }
  }

  /** Delivers jobs nobody is running: QUEUED before `queuedBefore`, or RUNNING with a lapsed lease. */
  private async recover(queuedBefore: Date): Promise<void> {
    for (const job of await this.jobs.orphaned(queuedBefore)) {
      // in process, a QUEUED job is already waiting in this runner's queue unless this is the start
      if (job.status === 'QUEUED' && this.runner.kind === 'in-process' && this.recoveryTimer) continue;
      await this.runner.dispatch(job.id, job.attempts, this.laneOf(job.type)).catch((err) => this.logger.warn({ err, jobId: job.id }, 'could not re-deliver a job'));
    }
  }

  /** Refuses (TOO_MANY_REQUESTS / SERVICE_UNAVAILABLE) when a job of this type would not be admitted now. */
  async checkAdmission(type: string, apiKeyId: string, limits: AdmissionLimits): Promise<void> {
    const active = await this.jobs.activeCounts(type, apiKeyId);
    if (active.key >= limits.maxActivePerKey) throw perKeyRefusal(type, active.key);
    if (active.all >= limits.maxActive) throw queueFullRefusal(type, active.all);
  }

  async enqueue(type: string, input: Prisma.InputJsonValue, options: EnqueueOptions = {}): Promise<Job> {
    if (!this.handlers.has(type)) throw new Error(`no handler for job type ${type}`);
    const apiKeyId = options.apiKeyId ?? null;
    let job: Job;
    if (options.admission) {
      if (!apiKeyId) throw new Error('an admission-limited job needs the API key that asks for it');
      const admitted = await this.jobs.createAdmitted(type, input, apiKeyId, options.admission);
      if ('refused' in admitted) throw admitted.refused === 'key' ? perKeyRefusal(type, admitted.active) : queueFullRefusal(type, admitted.active);
      job = admitted.job;
    } else {
      job = await this.jobs.create(type, input, apiKeyId);
    }
    try {
      await withTimeout(this.runner.dispatch(job.id, 0, this.laneOf(type)), DISPATCH_TIMEOUT_MS, `no answer within ${DISPATCH_TIMEOUT_MS / 1000} s`);
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

  /** The key's SUCCEEDED jobs of this type, newest first. */
  succeededByKey(types: string[], apiKeyId: string, take: number): Promise<Job[]> {
    return this.jobs.succeededByKey(types, apiKeyId, take);
  }

  get runnerKind() {
    return this.runner.kind;
  }

  /**
   * Cancels a job of this key: a QUEUED one becomes CANCELLED at once, a RUNNING one is asked to
   * stop (its runner ends it CANCELLED, keeping nothing it made). Another key's job is NOT_FOUND,
   * a finished one CONFLICT.
   */
  async cancel(id: string, apiKeyId: string | null): Promise<Job> {
    const job = await this.jobs.findById(id);
    if (!job || !apiKeyId || job.apiKeyId !== apiKeyId) throw new NotFoundException(`job ${id} does not exist`);
    const updated = TERMINAL_JOB_STATUSES.has(job.status) ? null : await this.jobs.requestCancel(id);
    if (!updated) {
      const now = (await this.jobs.findById(id)) ?? job;
      throw new ConflictException(`job ${id} has already finished (${now.status}); only a QUEUED or RUNNING job can be cancelled`, { status: now.status });
    }
    this.running.get(id)?.abort(new JobCancelledError());
    this.changed(id);
    return updated;
  }

  /**
   * The job's states from now until it finishes (see JobWatch); NOT_FOUND for an unknown id,
   * TOO_MANY_REQUESTS when as many watches are open as the server allows.
   */
  async watch(id: string): Promise<JobWatch> {
    const max = this.options.maxWatches ?? 200;
    if (this.watches >= max) throw new TooManyRequestsException(`this server already follows ${max} jobs for clients (MUSE_MAX_SUBSCRIPTIONS); poll job(id) instead or retry later`);
    const first = await this.jobs.findById(id);
    if (!first) throw new NotFoundException(`job ${id} does not exist`);
    this.watches++;
    return new JobWatch(first, this.watchSource(id, this.options.watchPollMs ?? 1000), () => this.watches--);
  }

  /**
   * Waits for a job to finish and returns its final row — or, after `timeoutMs`, the row as it is
   * then (still QUEUED or RUNNING). A change made in this process wakes the wait at once; another
   * process's is seen within `pollMs`. Not counted against the jobUpdated watches.
   */
  async waitUntilFinished(id: string, timeoutMs: number, pollMs: number): Promise<Job> {
    const first = await this.jobs.findById(id);
    if (!first) throw new NotFoundException(`job ${id} does not exist`);
    if (TERMINAL_JOB_STATUSES.has(first.status)) return first;
    const watch = new JobWatch(first, this.watchSource(id, pollMs));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    let last = first;
    try {
      for (;;) {
        const next = await Promise.race([watch.next(), timeout]);
        if (next === 'timeout' || next.done) return last;
        last = next.value;
        if (TERMINAL_JOB_STATUSES.has(last.status)) return last;
      }
    } finally {
      clearTimeout(timer);
      await watch.return();
    }
  }

  private watchSource(id: string, pollMs: number) {
    return {
      read: () => this.jobs.findById(id),
      onChange: (notify: () => void) => {
        const onJob = (changed: string) => {
          if (changed === id) notify();
        };
        this.changes.on('job', onJob);
        return () => this.changes.off('job', onJob);
      },
      pollMs,
    };
  }

  private changed(id: string): void {
    this.changes.emit('job', id);
  }

  private async execute(id: string): Promise<void> {
    const seen = await this.jobs.findById(id);
    if (!seen || TERMINAL_JOB_STATUSES.has(seen.status)) return;
    const handler = this.handlers.get(seen.type);
    if (!handler) {
      await this.jobs.markFailed(id, null, `no handler for job type ${seen.type}`);
      this.changed(id);
      return;
    }
    const job = await this.jobs.claim(id, this.owner, this.options.leaseMs);
    if (!job) return; // another process holds a live lease on it, or it finished meanwhile
    this.changed(id);
    if (job.cancelRequestedAt) {
      // asked to stop while its earlier runner was dying
      await this.jobs.markCancelled(id, this.owner);
      this.changed(id);
      return;
    }
    if (job.attempts > MAX_JOB_ATTEMPTS) {
      await this.jobs.markFailed(id, this.owner, `its runner stopped ${MAX_JOB_ATTEMPTS} times before finishing (the lease ran out each time)`);
      this.changed(id);
      return;
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    const follow = (state: LeaseState) => {
      if (controller.signal.aborted) return;
      if (state === 'cancel-requested') controller.abort(new JobCancelledError());
      else if (state === 'lost') {
        this.logger.warn({ jobId: id }, 'lost the lease of a running job; it stops and writes nothing');
        controller.abort(new LeaseLostError());
      }
    };
    let lastWrite = 0;
    /** when the runner last heard from the row (a progress write, a renewal or a check) */
    let lastHeard = Date.now();
    const hear = (state: LeaseState) => {
      lastHeard = Date.now();
      follow(state);
    };
    const renew = setInterval(() => {
      void this.jobs.renewLease(id, this.owner, this.options.leaseMs).then(hear, (err) => this.logger.warn({ err, jobId: id }, 'could not renew a job lease'));
    }, this.options.leaseMs / 3);
    const check = setInterval(() => {
      if (Date.now() - lastHeard < CANCEL_CHECK_INTERVAL_MS) return;
      void this.jobs.leaseState(id, this.owner).then(hear, (err) => this.logger.warn({ err, jobId: id }, 'could not read a job'));
    }, CANCEL_CHECK_INTERVAL_MS);
    check.unref();
    /** a preview that came between writes goes out with the next one */
    let pendingPreview: string | undefined;
    const progress = async (fraction: number, message?: string, preview?: string) => {
      controller.signal.throwIfAborted();
      pendingPreview = preview ?? pendingPreview;
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS && fraction < 1) return;
      lastWrite = now;
      const thumbnail = pendingPreview;
      pendingPreview = undefined;
      hear(await this.jobs.setProgress(id, this.owner, Math.min(1, Math.max(0, fraction)), message, thumbnail));
      this.changed(id);
      controller.signal.throwIfAborted();
    };
    try {
      const result = await handler(job.input, progress, controller.signal, id);
      await this.jobs.markSucceeded(id, this.owner, (result ?? null) as Prisma.InputJsonValue);
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : null;
      if (reason instanceof JobCancelledError) {
        this.logger.info({ jobId: id, type: job.type }, 'job cancelled');
        await this.jobs.markCancelled(id, this.owner);
      } else if (reason instanceof JobInterruptedError) {
        this.logger.info({ jobId: id, type: job.type }, 'job interrupted by shutdown; handed back');
        await this.jobs.releaseLease(id, this.owner);
      } else if (!(reason instanceof LeaseLostError)) {
        const errorCode = errorCodeOf(err);
        // a refusal of the client's input (bad media in an ingest) is no operator's problem
        if (errorCode && CLIENT_INPUT_CODES.has(errorCode)) this.logger.info({ jobId: id, type: job.type, errorCode, reason: (err as Error).message }, 'job refused its input');
        else this.logger.error({ err, jobId: id, type: job.type, errorCode }, 'job failed');
        // Job.error is the client's to read: the database's own message (Prisma quotes server source) stays in the log
        await this.jobs.markFailed(id, this.owner, isDatabaseBusy(err) ? DATABASE_BUSY_MESSAGE : (err as Error).message, errorCode);
      }
    } finally {
      clearInterval(renew);
      clearInterval(check);
      this.running.delete(id);
      this.changed(id);
    }
  }

  /** Stops taking work; jobs running here stop at their next check and are handed back unfinished. */
  async close(): Promise<void> {
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const controller of this.running.values()) controller.abort(new JobInterruptedError());
    await this.runner.close();
  }
}

function perKeyRefusal(type: string, active: number): TooManyRequestsException {
  return new TooManyRequestsException(`this API key already has ${active} unfinished ${type} job(s), as many as it may; wait for one to finish or cancel one (cancelJob)`, { active });
}

function queueFullRefusal(type: string, active: number): ServiceUnavailableException {
  return new ServiceUnavailableException(`the server has ${active} unfinished ${type} job(s), as many as it queues; try again later`, { active });
}
