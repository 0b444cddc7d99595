import { Queue, Worker } from 'bullmq';
import { JOB_LANES, type JobLane, type JobRunner } from './job-runner.js';
import { withTimeout } from '../with-timeout.util.js';

/** Closing waits this long for Redis to acknowledge, then drops the connections. */
const CLOSE_TIMEOUT_MS = 5000;

/** The Redis queue of a lane: batch jobs keep the configured name (the queue of earlier versions). */
export function laneQueueName(queueName: string, lane: JobLane): string {
  return lane === 'batch' ? queueName : `${queueName}-${lane}`;
}

/**
 * Job ids travel through Redis so that any API instance's worker can run them: one queue per lane,
 * and in each process one BullMQ worker per lane, each running one job at a time.
 */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<JobLane, Queue>();
  private readonly workers: Worker[] = [];

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
    await this.openQueues();
    for (const lane of JOB_LANES) {
      const worker = new Worker(laneQueueName(this.queueName, lane), async (job) => execute(String(job.data.jobId)), {
        connection: this.connection(),
        concurrency: 1,
      });
      worker.on('error', this.onError);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  protected async openQueues(): Promise<void> {
    for (const lane of JOB_LANES) {
      // no offline queue: with Redis down, add() fails at once instead of waiting for it to return
      const queue = new Queue(laneQueueName(this.queueName, lane), { connection: { ...this.connection(), enableOfflineQueue: false } });
      queue.on('error', this.onError);
      this.queues.set(lane, queue);
    }
    await Promise.all([...this.queues.values()].map((queue) => queue.waitUntilReady()));
  }

  async dispatch(jobId: string, attempt: number, lane: JobLane): Promise<void> {
    const queue = this.queues.get(lane);
    if (!queue) throw new Error('job runner is not running');
    // BullMQ ignores an id it already holds: a re-delivery after a lapsed lease needs its own
    await queue.add('run', { jobId }, { jobId: `${jobId}-${attempt}`, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async close(): Promise<void> {
    const closing = [...this.workers, ...this.queues.values()];
    // with Redis gone a graceful close may never complete, or complete while ioredis keeps
    // reconnecting (and the process alive): bound it, then drop the connections either way
    await withTimeout(Promise.all(closing.map((c) => c.close())), CLOSE_TIMEOUT_MS, 'Redis did not answer').catch(() => undefined);
    await withTimeout(Promise.all(closing.map((c) => c.disconnect())), CLOSE_TIMEOUT_MS, 'Redis did not answer').catch(() => undefined);
  }
}

/**
 * Adds jobs to the BullMQ queue and runs none (MUSE_RUN_JOBS=false): an API replica that leaves
 * the work to `npm run worker` processes.
 */
export class BullMqEnqueueOnlyRunner extends BullMqJobRunner {
  override async start(_execute: (jobId: string) => Promise<void>): Promise<void> {
    await this.openQueues();
  }
}
