import { Queue, Worker } from 'bullmq';
import type { JobRunner } from './job-runner.js';
import { withTimeout } from '../with-timeout.util.js';

/** Closing waits this long for Redis to acknowledge, then drops the connections. */
const CLOSE_TIMEOUT_MS = 5000;

/** Job ids travel through Redis so that any API instance's worker can run them. */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private queue: Queue | null = null;
  private worker: Worker | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly queueName: string,
    /** connection trouble (Redis down, restarting): reported, never thrown — an unheard 'error' event would kill the process */
    private readonly onError: (err: Error) => void,
  ) {}

  private connection() {
    const url = new URL(this.redisUrl);
    return {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      maxRetriesPerRequest: null,
    };
  }

  async start(execute: (jobId: string) => Promise<void>): Promise<void> {
    await this.openQueue();
    this.worker = new Worker(this.queueName, async (job) => execute(String(job.data.jobId)), {
      connection: this.connection(),
      concurrency: 1,
    });
    this.worker.on('error', this.onError);
    await this.worker.waitUntilReady();
  }

  protected async openQueue(): Promise<void> {
    // no offline queue: with Redis down, add() fails at once instead of waiting for it to return
    this.queue = new Queue(this.queueName, { connection: { ...this.connection(), enableOfflineQueue: false } });
    this.queue.on('error', this.onError);
    await this.queue.waitUntilReady();
  }

  async dispatch(jobId: string, attempt: number): Promise<void> {
    if (!this.queue) throw new Error('job runner is not running');
    // BullMQ ignores an id it already holds: a re-delivery after a lapsed lease needs its own
    await this.queue.add('run', { jobId }, { jobId: `${jobId}-${attempt}`, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async close(): Promise<void> {
    const { worker, queue } = this;
    // with Redis gone a graceful close may never complete, or complete while ioredis keeps
    // reconnecting (and the process alive): bound it, then drop the connections either way
    await withTimeout(Promise.all([worker?.close(), queue?.close()]), CLOSE_TIMEOUT_MS, 'Redis did not answer').catch(() => undefined);
    await withTimeout(Promise.all([worker?.disconnect(), queue?.disconnect()]), CLOSE_TIMEOUT_MS, 'Redis did not answer').catch(() => undefined);
  }
}

/**
 * Adds jobs to the BullMQ queue and runs none (MUSE_RUN_JOBS=false): an API replica that leaves
 * the work to `npm run worker` processes.
 */
export class BullMqEnqueueOnlyRunner extends BullMqJobRunner {
  override async start(_execute: (jobId: string) => Promise<void>): Promise<void> {
    await this.openQueue();
  }
}
