import type { Logger } from 'pino';
import type { Prisma } from '../generated/prisma/client.js';
import type { Job, JobRepository } from '../repositories/job.repository.js';
import type { JobRunner } from '../jobs/job-runner.js';

export type JobHandler = (input: unknown, progress: (fraction: number) => Promise<void>) => Promise<unknown>;

/** Progress is written at most this often; the last value always lands. */
const PROGRESS_WRITE_INTERVAL_MS = 200;

export class JobService {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
    private readonly logger: Logger,
  ) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  async start(): Promise<void> {
    await this.runner.start((id) => this.execute(id));
    if (this.runner.kind === 'in-process') {
      // Work a previous process accepted but did not finish.
      for (const job of await this.jobs.unfinished()) await this.runner.dispatch(job.id);
    }
  }

  async enqueue(type: string, input: Prisma.InputJsonValue): Promise<Job> {
    if (!this.handlers.has(type)) throw new Error(`no handler for job type ${type}`);
    const job = await this.jobs.create(type, input);
    await this.runner.dispatch(job.id);
    return job;
  }

  get(id: string): Promise<Job | null> {
    return this.jobs.findById(id);
  }

  get runnerKind() {
    return this.runner.kind;
  }

  private async execute(id: string): Promise<void> {
    const job = await this.jobs.findById(id);
    if (!job || job.status === 'SUCCEEDED' || job.status === 'FAILED') return;
    const handler = this.handlers.get(job.type);
    if (!handler) {
      await this.jobs.markFailed(id, `no handler for job type ${job.type}`);
      return;
    }
    await this.jobs.markRunning(id);
    let lastWrite = 0;
    const progress = async (fraction: number) => {
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS && fraction < 1) return;
      lastWrite = now;
      await this.jobs.setProgress(id, Math.min(1, Math.max(0, fraction)));
    };
    try {
      const result = await handler(job.input, progress);
      await this.jobs.markSucceeded(id, (result ?? null) as Prisma.InputJsonValue);
    } catch (err) {
      this.logger.error({ err, jobId: id, type: job.type }, 'job failed');
      await this.jobs.markFailed(id, (err as Error).message);
    }
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}
