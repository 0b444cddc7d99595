/** Delivers job ids to `execute`, in this process or through a shared queue. */
export interface JobRunner {
  start(execute: (jobId: string) => Promise<void>): Promise<void>;
  /** Delivers a job id; `attempt` (the job's attempts so far) makes a re-delivery distinct from the first. */
  dispatch(jobId: string, attempt: number): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'in-process' | 'bullmq';
}
