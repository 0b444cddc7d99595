import { Queue, Worker } from 'bullmq';
import type { JobRunner } from './job-runner.js';

/** Job ids travel through Redis so that any API instance's worker can run them. */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private queue: Queue | null = null;
  private worker: Worker | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly queueName: string,
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
    this.queue = new Queue(this.queueName, { connection: this.connection() });
    this.worker = new Worker(this.queueName, async (job) => execute(String(job.data.jobId)), {
      connection: this.connection(),
      concurrency: 1,
    });
    await this.queue.waitUntilReady();
    await this.worker.waitUntilReady();
  }

  async dispatch(jobId: string): Promise<void> {
    if (!this.queue) throw new Error('job runner is not running');
    await this.queue.add('run', { jobId }, { jobId, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}
