import { JOB_LANES, type JobLane, type JobRunner } from './job-runner.js';

/** Per lane, one job at a time, in arrival order, on this process's event loop. */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private execute: ((jobId: string) => Promise<void>) | null = null;
  private readonly tails = new Map<JobLane, Promise<void>>(JOB_LANES.map((lane) => [lane, Promise.resolve()]));
  private closed = false;

  async start(execute: (jobId: string) => Promise<void>): Promise<void> {
    this.execute = execute;
  }

  async dispatch(jobId: string, _attempt = 0, lane: JobLane = 'batch'): Promise<void> {
    const run = this.execute;
    if (!run || this.closed) throw new Error('job runner is not running');
    this.tails.set(lane, this.tails.get(lane)!.then(() => (this.closed ? undefined : run(jobId))).catch(() => undefined));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.tails.values());
  }
}
