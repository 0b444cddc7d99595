/** Delivers job ids to `execute`, in this process or through a shared queue. */
export interface JobRunner {
  start(execute: (jobId: string) => Promise<void>): Promise<void>;
  dispatch(jobId: string): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'in-process' | 'bullmq';
}
