import type { JobRunner } from './job-runner.js';

/** One job at a time, in arrival order, on this process's event loop. */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private execute: ((jobId: string) => Promise<void>) | null = null;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  async start(execute: (jobId: string) => Promise<void>): Promise<void> {
    this.execute = execute;
  }

  async dispatch(jobId: string, _attempt = 0): Promise<void> {
    const run = this.execute;
    if (!run || this.closed) throw new Error('job runner is not running');
    this.tail = this.tail.then(() => (this.closed ? undefined : run(jobId))).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
