/**
 * Which line a job waits in. An `interactive` job has a caller waiting on its request (an upload's
 * ingest); a `batch` one reports progress while the caller does something else (generation,
 * tagging). Each lane runs its own jobs one at a time, so an upload never waits behind a
 * generation that may take minutes.
 */
export type JobLane = 'interactive' | 'batch';

export const JOB_LANES: readonly JobLane[] = ['interactive', 'batch'];

/** Delivers job ids to `execute`, in this process or through a shared queue. */
export interface JobRunner {
  start(execute: (jobId: string) => Promise<void>): Promise<void>;
  /** Delivers a job id in its lane; `attempt` (the job's attempts so far) makes a re-delivery distinct from the first. */
  dispatch(jobId: string, attempt: number, lane: JobLane): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'in-process' | 'bullmq';
}
