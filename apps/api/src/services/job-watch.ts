import type { Job } from '../repositories/job.repository.js';

/** A job in one of these is finished and never changes again. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface JobWatchSource {
  /** the job row now (null: gone) */
  read(): Promise<Job | null>;
  /** calls `listener` when this process changes the job; returns the unsubscribe */
  onChange(listener: () => void): () => void;
  /** re-read at least this often: another process may be running the job */
  pollMs: number;
}

/**
 * The states of one job as an async iterator: the current one at once, then each change that a
 * client can see, until a terminal status, which is the last. Several changes between two reads
 * arrive as the latest. A change made in this process wakes the watch at once; one made by another
 * process (a BullMQ worker elsewhere) is seen at the next poll. `return()` ends it at once, also
 * while it waits.
 */
export class JobWatch implements AsyncIterableIterator<Job> {
  private pending: Job | null;
  private seen = '';
  private finished = false;
  private notified = false;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    first: Job,
    private readonly source: JobWatchSource,
    private readonly onEnd: () => void = () => undefined,
  ) {
    this.pending = first;
    this.unsubscribe = source.onChange(() => {
      this.notified = true;
      this.wake?.();
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Job>> {
    while (!this.finished) {
      let job = this.pending;
      this.pending = null;
      if (!job) {
        await this.pause();
        if (this.finished) break;
        this.notified = false;
        try {
          job = await this.source.read();
        } catch (err) {
          this.end();
          throw err;
        }
        if (!job) break;
      }
      const visible = visibleState(job);
      if (visible === this.seen) continue;
      this.seen = visible;
      if (TERMINAL_JOB_STATUSES.has(job.status)) this.end();
      return { value: job, done: false };
    }
    this.end();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<Job>> {
    this.end();
    return { value: undefined, done: true };
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    this.wake?.();
    this.unsubscribe();
    this.onEnd();
  }

  /** until a notification, the poll interval, or the end */
  private pause(): Promise<void> {
    if (this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.source.pollMs);
      timer.unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}

/** What a client sees of a job: a write that changes none of it (a lease renewal) is no update. */
function visibleState(job: Job): string {
  return JSON.stringify([job.status, job.progress, job.message, job.error, job.result, job.attempts, job.startedAt, job.finishedAt]);
}
