import type { Job as JobRow } from '../repositories/job.repository.js';
import type { Job } from './types/job.type.js';
import { JobStatus } from './types/enums.js';

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    status: row.status as JobStatus,
    progress: row.progress,
    message: row.message,
    preview: row.preview,
    error: row.error,
    result: row.result,
    attempts: row.attempts,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
