// The words under a generation's progress bar. The API reports a job's `message` ("bar 3 of 12, variation 1
// of 2" while Imagic samples) beside its `progress` fraction; this turns both into one line a person reads.
import { formatPercent } from './format';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface JobProgressState {
  status: JobStatus;
  progress: number;
  message?: string | null;
  error?: string | null;
}

export interface GenerationStep {
  bar: number | null;
  bars: number | null;
  variation: number | null;
  variations: number | null;
}

/** Reads "bar N of M" and "variation i of n" out of a job message; null when it names neither. */
export function parseGenerationStep(message: string | null | undefined): GenerationStep | null {
  if (!message) return null;
  const bar = /\bbar\s+(\d+)\s+of\s+(\d+)/i.exec(message);
  const variation = /\bvariation\s+(\d+)\s+of\s+(\d+)/i.exec(message);
  if (!bar && !variation) return null;
  return {
    bar: bar ? Number(bar[1]) : null,
    bars: bar ? Number(bar[2]) : null,
    variation: variation ? Number(variation[1]) : null,
    variations: variation ? Number(variation[2]) : null,
  };
}

/** Whether the job can still change (and be cancelled). */
export function isActive(status: JobStatus): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}

/**
 * One line for the job: "bar N of M, variation i of n" while it samples (the variation part also when the
 * message leaves it out, `variations` being how many the form asked for), the API's own words for its other
 * steps (rendering, embedding), plain words for the other states; the percentage while it runs.
 */
export function progressText(job: JobProgressState, variations = 1): string {
  switch (job.status) {
    case 'QUEUED':
      return 'Waiting in the queue…';
    case 'SUCCEEDED':
      return variations > 1 ? `Done: ${variations} variations` : 'Done';
    case 'FAILED':
      return `Failed${job.error ? `: ${job.error}` : ''}`;
    case 'CANCELLED':
      return 'Cancelled';
    case 'RUNNING': {
      const step = parseGenerationStep(job.message);
      const text =
        step && step.bar !== null
          ? `bar ${step.bar} of ${step.bars}, variation ${step.variation ?? 1} of ${step.variations ?? variations}`
          : job.message || 'working…';
      return `${capitalise(text)} · ${formatPercent(job.progress)}`;
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
